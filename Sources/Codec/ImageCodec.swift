import Bitstream
import Imaging
import Tensors

/// Encodes RGB8 images to `.vq` bytes and back with one model: the library's whole public face.
///
/// ```swift
/// let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())  // or any `.vqm` file's bytes
/// let bytes = codec.encode(image, stages: 2)
/// let decoded = try codec.decode(bytes)
/// ```
///
/// A codec may be shared between threads: its model is internal to it and only read (inference changes no weight
/// and no quantizer state; each call builds its own tape), which is what `@unchecked` stands for.
public final class ImageCodec: @unchecked Sendable {
  /// Internal and never handed out: the model's weights are mutable, and the fingerprint must keep naming them.
  let model: VQModel
  /// Identifies the model's exact bytes; every `.vq` file records it (Docs/FORMAT.md).
  public let fingerprint: [UInt8]

  public var configuration: ModelConfiguration { model.configuration }
  /// How many residual stages the model has: `encode` keeps 1 to this many.
  public var stageCount: Int { model.stageCount }

  /// A codec over the model in a `.vqm` file's bytes.
  public init(modelBytes: [UInt8]) throws(CodecError) {
    model = try ModelFile.parse(modelBytes).model
    fingerprint = ModelFile.fingerprint(of: modelBytes)
  }

  /// The largest image `encode` accepts (the container's bound).
  public static let maximumPixelCount = VQContainer.maxPixelCount

  /// Compresses `image` using the first `stages` residual stages (all when nil). `channels` records the source's
  /// channel count (3, or 4 when an alpha channel was dropped) for `info`; a gray image (R = G = B everywhere, as
  /// every grayscale source is once read) is recorded as 1 channel whatever `channels` says, and decodes gray.
  public func encode(_ image: RGBImage, stages: Int? = nil, channels: Int = 3) throws(CodecError) -> [UInt8] {
    let stages = stages ?? model.stageCount
    guard (1...model.stageCount).contains(stages) else {
      throw .invalidStages(requested: stages, available: model.stageCount)
    }
    return try container(for: image, stages: stages, channels: channels).serialize()
  }

  /// The largest file of `image` that fits in `maximumBytes`: every stage is encoded once, then the file keeps the
  /// most whole stages whose bytes fit (a version 2 file's prefix, what `vqcodec truncate` cuts). When even one stage
  /// does not fit, the one-stage file: `stages` says how many were kept, and the caller compares the size.
  public func encode(
    _ image: RGBImage, fittingIn maximumBytes: Int, channels: Int = 3
  ) throws(CodecError) -> (bytes: [UInt8], stages: Int) {
    let whole = try container(for: image, stages: model.stageCount, channels: channels)
    var kept = 1
    while kept < model.stageCount && whole.keepingStages(kept + 1).serialize().count <= maximumBytes { kept += 1 }
    return (whole.keepingStages(kept).serialize(), kept)
  }

  private func container(for image: RGBImage, stages: Int, channels: Int) throws(CodecError) -> VQContainer {
    guard image.width <= 65535, image.height <= 65535, image.width * image.height <= Self.maximumPixelCount else {
      throw .unsupportedImage(
        "\(image.width)×\(image.height) exceeds the format's limit of \(Self.maximumPixelCount) pixels")
    }
    let indices = TiledInference(model: model).indices(for: image, stages: stages)
    return VQContainer(
      modelFingerprint: fingerprint, imageWidth: image.width, imageHeight: image.height,
      channels: image.isGray ? 1 : channels, downsamplingFactor: model.configuration.downsampling,
      codebookSize: model.configuration.codebookSize,
      indexGrids: indices.map { $0.map { UInt16(truncatingIfNeeded: $0) } }, priorCounts: prior(stages: stages))
  }

  /// Decompresses `.vq` bytes made with this model, from its first `stages` stages (all when nil: a lower quality
  /// from the same file); throws `CodecError` on anything malformed or foreign.
  public func decode(_ bytes: [UInt8], stages: Int? = nil) throws(CodecError) -> RGBImage {
    let file = try checkedFile(bytes, stages: stages)
    return TiledInference(model: model).image(from: file.grids, width: file.width, height: file.height, gray: file.gray)
  }

  /// Decompresses `.vq` bytes straight into a PNG handed to `sink` piece by piece, one band of rows at a time: the
  /// whole image is never in memory, whatever its size. The file is checked before `sink` sees a byte.
  /// - Throws: `CodecError` for a malformed or foreign file, or what `sink` throws.
  @discardableResult
  public func decodePNG(
    _ bytes: [UInt8], stages: Int? = nil, to sink: @escaping PNGRowWriter.Sink
  ) throws -> (width: Int, height: Int) {
    let file = try checkedFile(bytes, stages: stages)
    let writer = try PNGRowWriter(width: file.width, height: file.height, sink: sink)
    try TiledInference(model: model).decodeBands(
      from: file.grids, width: file.width, height: file.height, gray: file.gray
    ) { try writer.append($0) }
    try writer.finish()
    return (file.width, file.height)
  }

  /// Decompresses `.vq` bytes into a PNG file that `open` creates once the file has passed every check (an
  /// `OutputFile`: atomic for a regular file), streamed band by band and committed at the end; returns the image's
  /// size and the PNG's bytes.
  @discardableResult
  public func decodePNG(
    _ bytes: [UInt8], stages: Int? = nil, into open: () throws -> OutputFile
  ) throws -> (width: Int, height: Int, pngBytes: Int) {
    var file: OutputFile?
    var written = 0
    let (width, height) = try withoutActuallyEscaping(open) { open in
      try decodePNG(bytes, stages: stages) { chunk in
        if file == nil { file = try open() }
        try file!.write(chunk)
        written += chunk.count
      }
    }
    try file!.commit()
    return (width, height, written)
  }

  /// The index grids of a `.vq` file made with this model (one per stage, its first `stages` when given, row-major
  /// over the latent grid) and the image's size, after every check `decode` makes.
  public func indexGrids(
    of bytes: [UInt8], stages: Int? = nil
  ) throws(CodecError) -> (grids: [[Int32]], width: Int, height: Int) {
    let file = try checkedFile(bytes, stages: stages)
    return (file.grids, file.width, file.height)
  }

  /// `indexGrids`, and whether the file's pixels are gray (recorded as 1 channel).
  private func checkedFile(
    _ bytes: [UInt8], stages: Int?
  ) throws(CodecError) -> (grids: [[Int32]], width: Int, height: Int, gray: Bool) {
    var container: VQContainer
    do { container = try VQContainer.parse(bytes) } catch { throw .corruptFile(error) }
    if let stages {
      guard (1...container.stages.count).contains(stages) else {
        throw .invalidStages(requested: stages, available: container.stages.count)
      }
      container = container.keepingStages(stages)
    }
    guard container.modelFingerprint == fingerprint else {
      throw .modelMismatch(
        "this file was made with model \(hex(container.modelFingerprint)), not \(hex(fingerprint))")
    }
    let c = model.configuration
    guard container.downsamplingFactor == c.downsampling, container.codebookSize == c.codebookSize,
      container.stages.count <= model.stageCount
    else {
      throw .modelMismatch("the file's factor, codebook size or stage count does not fit this model")
    }
    let grids: [[UInt16]]
    do { grids = try container.decodeIndexGrids(priorCounts: prior(stages: container.stages.count)) } catch {
      throw .corruptFile(error)
    }
    return (grids.map { $0.map { Int32($0) } }, container.imageWidth, container.imageHeight, container.channels == 1)
  }

  private func prior(stages: Int) -> [[UInt32]]? {
    model.indexPrior.count >= stages ? Array(model.indexPrior.prefix(stages)) : nil
  }
}

func hex(_ bytes: [UInt8]) -> String {
  bytes.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
    .joined()
}
