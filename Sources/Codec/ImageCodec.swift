import Bitstream
import Foundation
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

  /// The quality scale of `encode(_:quality:)`.
  public static let qualityRange: ClosedRange<Double> = 0...100

  /// The refinement steps `encode` accepts as `effort` (0: none, the encoder's own latents).
  public static let effortRange: ClosedRange<Int> = 0...200

  /// The largest image that `effort` above 0 refines (`LatentRefinement`).
  public static let maximumRefinedPixelCount = LatentRefinement.maximumPixelCount

  /// Compresses `image` at `quality` (0...100; higher: more bits, a better picture) over the first `stages` residual
  /// stages (all when nil). Every latent position takes, stage by stage, the code (or, in a partial last stage, the
  /// skip) that costs least in distortion plus λ · bits (`RateDistortionQuantizer`); quality `100 · j / stages` codes
  /// j whole stages, and in between the next stage refines part of the grid, so the rate varies continuously.
  /// `effort` > 0 first refines the latents for this image in that many steps, each a decode and its gradient
  /// (`LatentRefinement`): slower, a better picture at nearly the same rate.
  public func encode(
    _ image: RGBImage, quality: Double, stages: Int? = nil, channels: Int = 3, effort: Int = 0
  ) throws(CodecError) -> [UInt8] {
    let stages = stages ?? model.stageCount
    guard (1...model.stageCount).contains(stages) else {
      throw .invalidStages(requested: stages, available: model.stageCount)
    }
    guard Self.qualityRange.contains(quality) else { throw .invalidQuality(quality) }
    try Self.check(effort: effort, for: image)
    var encoding = try RateDistortionEncoding(
      codec: self, image: image, channels: channels,
      wholeStages: operatingPoint(quality: quality, stages: stages).stages)
    encoding.refine(steps: effort, stages: wholeStageCount(quality: quality, stages: stages))
    return encoding.bytes(quality: quality, stages: stages)
  }

  /// The file of `image` at the highest quality whose size fits in `maximumBytes` (to 0.01 on the quality scale,
  /// found by bisection: size grows with quality), and that quality. When even quality 0 does not fit, its file:
  /// the caller compares the size. With `effort` > 0 the latents are refined for the whole stages of the quality
  /// found, and the search runs again on them (refinement moves the size by a few percent).
  public func encode(
    _ image: RGBImage, fittingIn maximumBytes: Int, channels: Int = 3, effort: Int = 0
  ) throws(CodecError) -> (bytes: [UInt8], quality: Double) {
    try Self.check(effort: effort, for: image)
    var encoding = try RateDistortionEncoding(
      codec: self, image: image, channels: channels, wholeStages: model.stageCount)
    let found = highestQuality(of: encoding, fittingIn: maximumBytes)
    guard effort > 0 else { return found }
    encoding.refine(steps: effort, stages: wholeStageCount(quality: found.quality, stages: model.stageCount))
    return highestQuality(of: encoding, fittingIn: maximumBytes)
  }

  private static func check(effort: Int, for image: RGBImage) throws(CodecError) {
    guard effortRange.contains(effort) else { throw .invalidEffort(effort) }
    guard effort == 0 || image.width * image.height <= maximumRefinedPixelCount else {
      throw .unsupportedImage(
        "refinement (effort above 0) takes images up to \(maximumRefinedPixelCount) pixels; this one has "
          + "\(image.width * image.height): use effort 0")
    }
  }

  private func highestQuality(
    of encoding: RateDistortionEncoding, fittingIn maximumBytes: Int
  ) -> (bytes: [UInt8], quality: Double) {
    let range = Self.qualityRange
    var low = (quality: range.lowerBound, bytes: encoding.bytes(quality: range.lowerBound, stages: model.stageCount))
    guard low.bytes.count <= maximumBytes else { return (low.bytes, low.quality) }
    let top = encoding.bytes(quality: range.upperBound, stages: model.stageCount)
    if top.count <= maximumBytes { return (top, range.upperBound) }
    var high = range.upperBound
    while high - low.quality > 0.01 {
      let middle = (low.quality + high) / 2
      let bytes = encoding.bytes(quality: middle, stages: model.stageCount)
      if bytes.count <= maximumBytes { low = (middle, bytes) } else { high = middle }
    }
    return (low.bytes, low.quality)
  }

  /// Where `quality` lies among `stages` stages: the stage count `n` a file uses, and the last stage's extra slope
  /// λ (0: whole), in squared latent units per bit (`RateDistortionQuantizer`). Quality runs through the stages in
  /// equal parts: `t = stages · quality / 100`, `n = max(1, ceil(t))`, and `u = t − (n − 1)` (0...1) sets
  /// `λ = m · (1/u − 1) / 16`, where m is the mean squared length of stage n's codes (so that λ follows the scale of
  /// that stage's residuals). Quality `100 · j / stages` is the j-stage file (`u = 1`: λ = 0), and just above it the
  /// next stage refines almost nothing (λ → ∞), so the rate moves continuously. The first stage starts at `u = 0.4`
  /// instead of 0, where it still refines the regions that need it most (about 0.01 bpp on Kodak), not at an empty
  /// picture.
  func operatingPoint(quality: Double, stages: Int) -> (stages: Int, lambda: Float) {
    let t = Double(stages) * quality / 100
    let n = max(1, Int(t.rounded(.up)))
    let u = n == 1 ? 0.4 + 0.6 * t : t - Double(n - 1)
    let m = RateDistortionQuantizer.meanSquaredLength(of: model.codebooks[n - 1])
    return (n, m * Float(1 / u - 1) / 16)
  }

  /// How many whole stages a file at `quality` holds, at least 1: what refinement optimises the latents for.
  func wholeStageCount(quality: Double, stages: Int) -> Int {
    let point = operatingPoint(quality: quality, stages: stages)
    return point.lambda > 0 ? max(1, point.stages - 1) : point.stages
  }

  fileprivate func container(for image: RGBImage, channels: Int, indexGrids: [[UInt16]]) -> VQContainer {
    VQContainer(
      modelFingerprint: fingerprint, imageWidth: image.width, imageHeight: image.height,
      channels: image.isGray ? 1 : channels, downsamplingFactor: model.configuration.downsampling,
      codebookSize: model.configuration.codebookSize, indexGrids: indexGrids,
      priorCounts: prior(stages: indexGrids.count))
  }

  fileprivate static func checkSize(of image: RGBImage) throws(CodecError) {
    guard image.width <= 65535, image.height <= 65535, image.width * image.height <= Self.maximumPixelCount else {
      throw .unsupportedImage(
        "\(image.width)×\(image.height) exceeds the format's limit of \(Self.maximumPixelCount) pixels")
    }
  }

  private func container(for image: RGBImage, stages: Int, channels: Int) throws(CodecError) -> VQContainer {
    try Self.checkSize(of: image)
    let indices = TiledInference(model: model).indices(for: image, stages: stages)
    return container(
      for: image, channels: channels, indexGrids: indices.map { $0.map { UInt16(truncatingIfNeeded: $0) } })
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

/// One image's latents and whole stages, computed once and coded at any quality: `encode(_:quality:)` and the size
/// search (whose bisection then only chooses a partial stage per step).
private struct RateDistortionEncoding {
  let codec: ImageCodec
  let image: RGBImage
  let channels: Int
  private(set) var latents: [Float]
  let quantizer: RateDistortionQuantizer
  /// The latent grid's height and width.
  let height: Int, width: Int
  /// The first stages coded whole, as many as the qualities asked for can use.
  private(set) var wholeGrids: [[UInt16]]

  init(codec: ImageCodec, image: RGBImage, channels: Int, wholeStages: Int) throws(CodecError) {
    try ImageCodec.checkSize(of: image)
    guard codec.configuration.codebookSize <= IndexGridCoder.maxRangeCodedCodebookSize else {
      throw .invalidModel(
        "coding at a quality needs K ≤ \(IndexGridCoder.maxRangeCodedCodebookSize); this model has "
          + "K = \(codec.configuration.codebookSize): use stages instead")
    }
    (self.codec, self.image, self.channels) = (codec, image, channels)
    let model = codec.model
    let f = model.configuration.downsampling
    (height, width) = ((image.height + f - 1) / f, (image.width + f - 1) / f)
    latents = TiledInference(model: model).latents(for: image)
    quantizer = RateDistortionQuantizer(
      codebooks: model.codebooks, priors: model.indexPrior.count >= model.stageCount ? model.indexPrior : nil)
    wholeGrids = quantizer.wholeStages(latents, height: height, width: width, count: wholeStages)
  }

  /// Refines the latents in `steps` steps for their first `stages` whole stages (`LatentRefinement`) and chooses
  /// the whole stages again from them; nothing when `steps` is 0.
  /// The caller has checked `steps` and the image's size (`ImageCodec.check(effort:for:)`).
  mutating func refine(steps: Int, stages: Int) {
    guard steps > 0 else { return }
    let refinement = LatentRefinement(model: codec.model, quantizer: quantizer, height: height, width: width)
    latents = refinement.refine(latents, toward: image, stages: stages, steps: steps)
    wholeGrids = quantizer.wholeStages(latents, height: height, width: width, count: wholeGrids.count)
  }

  /// The file at `quality`; or, where the whole last stage codes smaller than its partial refinement (coder 3 can
  /// spend a few bytes more than coders 0–2 on a stage with hardly any skips), the whole stage: finer and smaller.
  func bytes(quality: Double, stages: Int) -> [UInt8] {
    let point = codec.operatingPoint(quality: quality, stages: stages)
    precondition(point.stages <= wholeGrids.count, "whole stages computed for fewer stages than asked")
    let whole = file(Array(wholeGrids.prefix(point.stages)))
    guard point.lambda > 0 else { return whole }
    var grids = Array(wholeGrids.prefix(point.stages - 1))
    let partial = quantizer.partialStage(after: grids, latents, height: height, width: width, lambda: point.lambda)
    // A partial stage that skips everywhere adds nothing (unless it is the only stage).
    let skip = SkipCoder.skipValue(codebookSize: codec.configuration.codebookSize)
    if grids.isEmpty || partial.contains(where: { $0 != skip }) { grids.append(partial) }
    let refined = file(grids)
    return whole.count <= refined.count ? whole : refined
  }

  private func file(_ grids: [[UInt16]]) -> [UInt8] {
    codec.container(for: image, channels: channels, indexGrids: grids).serialize()
  }
}
