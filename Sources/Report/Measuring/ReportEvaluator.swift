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
  /// Stage counts measured per codec, ascending and non-empty.
  public let stageCounts: [[Int]]
  public let references: [ReferenceCodec]
  /// Passed to reference encoders that take a thread count.
  public let referenceThreads: Int
  private var usage: [[CodebookUsage]]

  /// Traps unless the names are unique and every codec has at least one stage count.
  public init(
    codecs: [NamedCodec], stages: StageSelection, references: [ReferenceCodec] = [], referenceThreads: Int = 1
  ) {
    precondition(Set(codecs.map(\.name)).count == codecs.count, "model names must be unique")
    self.codecs = codecs
    self.references = references
    self.referenceThreads = referenceThreads
    stageCounts = codecs.map { stages.counts(forStageCount: $0.codec.stageCount) }
    precondition(stageCounts.allSatisfy { !$0.isEmpty }, "every model needs at least one stage count")
    usage = zip(codecs, stageCounts).map { named, counts in
      let k = named.codec.configuration.codebookSize
      return Array(repeating: CodebookUsage(indices: [], codes: k), count: counts.last!)
    }
  }

  /// Models in the order given, stage counts ascending.
  public var operatingPoints: [OperatingPoint] {
    zip(codecs, stageCounts).flatMap { named, counts in counts.map { OperatingPoint(modelName: named.name, stages: $0) }
    }
  }

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
      for stages in stageCounts[modelIndex] {
        let point = OperatingPoint(modelName: named.name, stages: stages)
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        let encodeTime = try clock.measure { bytes = try named.codec.encode(source.image, stages: stages) }
        var decoded = source.image
        let decodeTime = try clock.measure { decoded = try named.codec.decode(bytes) }
        if stages == stageCounts[modelIndex].last { try countUsage(in: bytes, modelIndex: modelIndex) }
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

  /// Adds the index grids stored in `bytes` to the model's usage counts.
  private func countUsage(in bytes: [UInt8], modelIndex: Int) throws(CodecError) {
    let codec = codecs[modelIndex].codec
    for (stage, grid) in try codec.indexGrids(of: bytes).grids.enumerated() {
      usage[modelIndex][stage].merge(CodebookUsage(indices: grid, codes: codec.configuration.codebookSize))
    }
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
