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
    var (h, w) = (height, imageWidth)
    var encoder = 0
    for channels in downsamplingChannels {
      (h, w) = (h / 2, w / 2)
      encoder += h * w * channels.output * channels.input * 16
    }
    let c = downsamplingChannels.last?.output ?? 3
    let pixels = h * w
    let residual = residualBlocks * pixels * (width * residualHidden * 9 + residualHidden * width)
    encoder += pixels * width * c * 9 + residual + pixels * latentDimension * width
    let quantizer = pixels * codebookSize * latentDimension * stages
    var decoder = pixels * width * latentDimension * 9 + residual
    for channels in upsamplingChannels {
      decoder += h * w * channels.input * channels.output * 16
      (h, w) = (h * 2, w * 2)
    }
    return ForwardWork(encoder: batch * encoder, quantizer: batch * quantizer, decoder: batch * decoder)
  }
}

extension ModelConfiguration {
  /// Floats a model file of this architecture stores (`VQModel.storedTensors`): every layer's weights and biases
  /// and every codebook. Computed from the sizes alone, so `ModelFile.parse` can refuse a small file that claims a
  /// huge architecture before it allocates one (a `.vqm` of a few kilobytes could otherwise ask for gigabytes).
  public func storedScalarCount(estimator: Estimator) -> Int {
    func conv(_ k: Int, _ input: Int, _ output: Int) -> Int { k * k * input * output + output }
    let residual = residualBlocks * (conv(3, width, residualHidden) + conv(1, residualHidden, width))
    let down = downsamplingChannels.reduce(0) { $0 + conv(4, $1.input, $1.output) }
    let encoder =
      down + conv(3, downsamplingChannels.last?.output ?? 3, width) + residual + conv(1, width, latentDimension)
    let up = upsamplingChannels.reduce(0) { $0 + conv(4, $1.input, $1.output) }
    let decoder = conv(3, latentDimension, width) + residual + up
    let codebooks =
      estimator == .straightThrough ? stages * codebookSize * latentDimension : codebookSize * latentDimension
    let projection = estimator == .straightThrough ? 0 : conv(1, latentDimension, codebookSize)
    return encoder + codebooks + projection + decoder
  }
}
