/// Multiply-adds of one forward pass, per part, for an `height × width` image (counted as torch_ref.py counts them:
/// a convolution costs outputs × inChannels × k², a transposed convolution inputs × outChannels × k²).
public struct ForwardWork: Sendable {
  public let encoder: Int, quantizer: Int, decoder: Int
  public var total: Int { encoder + quantizer + decoder }
  /// GFLOP (2 per multiply-add) of a training step: forward plus a backward of about twice the forward.
  public var trainingStepGFLOP: Double { 3 * 2 * Double(total) / 1e9 }
  public var encodeGFLOP: Double { 2 * Double(encoder + quantizer) / 1e9 }
  public var decodeGFLOP: Double { 2 * Double(decoder) / 1e9 }
}

extension ModelConfiguration {
  public func forwardWork(height: Int, width imageWidth: Int, batch: Int = 1) -> ForwardWork {
    var (h, w, c) = (height, imageWidth, 3)
    var encoder = 0
    for layer in 0..<downsamplingLayers {
      let out = layer == 0 ? width / 2 : width
      (h, w) = (h / 2, w / 2)
      encoder += h * w * out * c * 16
      c = out
    }
    let pixels = h * w
    let residual = residualBlocks * pixels * (width * residualHidden * 9 + residualHidden * width)
    encoder += pixels * width * c * 9 + residual + pixels * latentDimension * width
    let quantizer = pixels * codebookSize * latentDimension * stages
    var decoder = pixels * width * latentDimension * 9 + residual
    c = width
    for layer in 0..<downsamplingLayers {
      let out = layer == downsamplingLayers - 1 ? 3 : (layer == downsamplingLayers - 2 ? width / 2 : width)
      decoder += h * w * c * out * 16
      (h, w, c) = (h * 2, w * 2, out)
    }
    return ForwardWork(encoder: batch * encoder, quantizer: batch * quantizer, decoder: batch * decoder)
  }
}
