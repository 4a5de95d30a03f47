import Bitstream
import Codec
import Imaging
import Quantizers
import Tensors

/// Full-image validation: PSNR of the reconstruction from all stages, fixed-rate bits per pixel, and codebook
/// usage over the set (first stage).
public struct ValidationResult: Sendable {
  public var psnr: Double
  public var bitsPerPixel: Double
  public var perplexity: Double
  public var usedCodes: Int
  public var deadCodes: Int
}

public enum Validation {
  public static func evaluate(_ model: VQModel, on images: [RGBImage]) -> ValidationResult {
    let f = model.configuration.downsampling
    var psnrTotal = 0.0
    var bitsTotal = 0.0
    var usage = CodebookUsage(indices: [], codes: model.configuration.codebookSize)
    for image in images {
      let x = image.tensor(paddedToMultipleOf: f)
      let indices = model.indices(for: x, stages: model.stageCount)
      let latentShape = [1, x.shape[1] / f, x.shape[2] / f]
      let decoded = RGBImage(
        tensor: model.reconstruction(from: indices, latentShape: latentShape), croppedTo: image.width,
        height: image.height)
      psnrTotal += min(100, psnr(image, decoded))
      let bitsPerIndex = Double(FixedWidthCoder.bitsPerIndex(codebookSize: model.configuration.codebookSize))
      bitsTotal += Double(indices.count * indices[0].count) * bitsPerIndex / Double(image.width * image.height)
      usage.merge(CodebookUsage(indices: indices[0], codes: model.configuration.codebookSize))
    }
    let n = Double(max(1, images.count))
    return ValidationResult(
      psnr: psnrTotal / n, bitsPerPixel: bitsTotal / n, perplexity: usage.perplexity,
      usedCodes: usage.usedCodes, deadCodes: usage.deadCodes)
  }
}
