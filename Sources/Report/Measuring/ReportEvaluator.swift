import Bitstream
import Codec
import Imaging
import Quantizers

/// Measures images at every operating point of a set of models: encodes, decodes, times both, computes the
/// rates, PSNR and MS-SSIM, matches a JPEG in rate, codes the image with each reference codec at each of its
/// settings, and counts codebook usage over everything it has seen.
/// One image at a time; the engine's own threads (`ComputeThreads`) parallelise inside each encode and decode.
public final class ReportEvaluator {
  public let codecs: [NamedCodec]
  /// The points measured per codec, ascending in rate and non-empty.
  public let points: [[OperatingPoint]]
  public let references: [ReferenceCodec]
  /// Passed to reference encoders that take a thread count.
  public let referenceThreads: Int
  /// Refinement steps for every quality point (`ImageCodec.encode(_:quality:stages:channels:effort:)`).
  public let effort: Int
  private var usage: [[CodebookUsage]]

  /// Traps unless the names are unique and every codec has at least one point.
  public init(
    codecs: [NamedCodec], selection: PointSelection, references: [ReferenceCodec] = [], referenceThreads: Int = 1,
    effort: Int = 0
  ) {
    precondition(Set(codecs.map(\.name)).count == codecs.count, "model names must be unique")
    self.codecs = codecs
    self.references = references
    self.referenceThreads = referenceThreads
    self.effort = effort
    points = codecs.map { selection.points(modelName: $0.name, stageCount: $0.codec.stageCount) }
    precondition(points.allSatisfy { !$0.isEmpty }, "every model needs at least one operating point")
    usage = zip(codecs, points).map { named, points in
      let k = named.codec.configuration.codebookSize
      return Array(repeating: CodebookUsage(indices: [], codes: k), count: points.last!.stages)
    }
  }

  /// Models in the order given, each one's points ascending in rate.
  public var operatingPoints: [OperatingPoint] { points.flatMap { $0 } }

  /// Codebook usage per model over every image evaluated so far.
  public var codebookUsage: [ModelCodebookUsage] {
    zip(codecs, usage).map { ModelCodebookUsage(modelName: $0.name, stages: $1) }
  }

  /// Measures one image at every operating point.
  public func evaluate(_ source: ReportImage) throws -> ImageEvaluation {
    var matcher = JPEGRateMatcher(image: source.image)
    var measurements: [ImageMeasurement] = []
    var comparisons: [ImageComparison] = []
    for (modelIndex, named) in codecs.enumerated() {
      for point in points[modelIndex] {
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        let encodeTime = try clock.measure {
          if let quality = point.quality {
            bytes = try named.codec.encode(source.image, quality: quality, stages: point.stages, effort: effort)
          } else {
            bytes = try named.codec.encode(source.image, stages: point.stages)
          }
        }
        var decoded = source.image
        let decodeTime = try clock.measure { decoded = try named.codec.decode(bytes) }
        if point == points[modelIndex].last { try countUsage(in: bytes, modelIndex: modelIndex) }
        let rates = try CodedRates(vqBytes: bytes)
        let (jpeg, jpegImage) = try matcher.match(bitsPerPixel: rates.bitsPerPixel)
        measurements.append(
          ImageMeasurement(
            imageName: source.name, width: source.image.width, height: source.image.height,
            sourceByteCount: source.sourceByteCount, operatingPoint: point, rates: rates,
            psnr: psnr(source.image, decoded), msSSIM: msSSIM(source.image, decoded),
            encodeSeconds: encodeTime.seconds, decodeSeconds: decodeTime.seconds, jpeg: jpeg))
        comparisons.append(ImageComparison(operatingPoint: point, decoded: decoded, jpeg: jpegImage))
      }
    }
    return ImageEvaluation(
      image: source, measurements: measurements, comparisons: comparisons,
      referenceMeasurements: try references.flatMap { try $0.measure(source, threads: referenceThreads) })
  }

  /// Adds the codes of the index grids stored in `bytes` to the model's usage counts (skips are no code).
  private func countUsage(in bytes: [UInt8], modelIndex: Int) throws(CodecError) {
    let codec = codecs[modelIndex].codec
    let k = codec.configuration.codebookSize
    for (stage, grid) in try codec.indexGrids(of: bytes).grids.enumerated() {
      usage[modelIndex][stage].merge(CodebookUsage(indices: grid.filter { $0 < k }, codes: k))
    }
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
