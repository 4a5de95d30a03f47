import Codec
import Imaging
import Tensors

@testable import Report

/// A tiny model built here (never a file from outside the package) and a few generated images, evaluated once
/// and shared by the report tests.
enum ReportFixture {
  static let codec: ImageCodec = {
    var rng = SplitMix64(seed: 7)
    let model = VQModel(ModelConfiguration.presets["tiny"]!, using: &rng)
    return try! ImageCodec(modelBytes: ModelFile.serialize(model))
  }()

  /// Two small images (no MS-SSIM) and one large enough for it, with odd sides so padding is exercised.
  static let images: [ReportImage] = [
    ReportImage(name: "gradient.png", image: pattern(width: 37, height: 29, seed: 1), sourceByteCount: 2_000),
    ReportImage(
      name: "dir/noise, \"quoted\".png", image: pattern(width: 24, height: 40, seed: 2), sourceByteCount: 1_500),
    ReportImage(
      name: "large.png", image: pattern(width: msSSIMMinimumSide + 3, height: msSSIMMinimumSide, seed: 3),
      sourceByteCount: 50_000),
  ]

  /// Mutable (it tallies codebook usage), but used only while `evaluations` and `report` are initialised: once, under
  /// the lock that guards a static's first access.
  nonisolated(unsafe) static let evaluator = ReportEvaluator(
    codecs: [NamedCodec(name: "tiny", codec: codec)], selection: .allStages, references: [.jpeg])
  static let evaluations: [ImageEvaluation] = images.map { try! evaluator.evaluate($0) }
  static let report = Report(
    name: "test", description: "fixture", operatingPoints: evaluator.operatingPoints,
    measurements: evaluations.flatMap(\.measurements), codebookUsage: evaluator.codebookUsage,
    referenceCodecs: [.jpeg], referenceMeasurements: evaluations.flatMap(\.referenceMeasurements))

  /// Smooth ramps plus deterministic noise (an LCG), so the codec and JPEG both have something to do.
  static func pattern(width: Int, height: Int, seed: UInt32) -> RGBImage {
    var state = seed
    var pixels: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 {
          state = state &* 1_664_525 &+ 1_013_904_223
          pixels.append(UInt8(min(255, (x * 5 + y * 3 + c * 60) % 200 + Int(state >> 27))))
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}
