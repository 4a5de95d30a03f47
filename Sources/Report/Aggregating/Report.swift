/// A finished report: every per-image measurement, the per-operating-point means, codebook usage, and the
/// reference codecs' curves with our BD-rate against each.
public struct Report: Sendable {
  /// CompressAI's `name` and `description` fields.
  public let name: String
  public let description: String
  /// Image by image, operating points in evaluator order within each image.
  public let measurements: [ImageMeasurement]
  /// One per operating point, in evaluator order.
  public let summaries: [OperatingPointSummary]
  public let codebookUsage: [ModelCodebookUsage]
  /// Image by image, each codec's settings in order.
  public let referenceMeasurements: [ReferenceMeasurement]
  /// One per reference codec measured on every image, in the order given.
  public let references: [ReferenceCurve]

  public init(
    name: String, description: String, operatingPoints: [OperatingPoint], measurements: [ImageMeasurement],
    codebookUsage: [ModelCodebookUsage], referenceCodecs: [ReferenceCodec] = [],
    referenceMeasurements: [ReferenceMeasurement] = []
  ) {
    self.name = name
    self.description = description
    self.measurements = measurements
    self.codebookUsage = codebookUsage
    self.referenceMeasurements = referenceMeasurements
    references = referenceCodecs.compactMap { ReferenceCurve(codec: $0, measurements: referenceMeasurements) }
    summaries = operatingPoints.compactMap { point in
      let rows = measurements.filter { $0.operatingPoint == point }
      return rows.isEmpty ? nil : OperatingPointSummary(operatingPoint: point, measurements: rows)
    }
  }

  /// The models' names in the order given.
  public var modelNames: [String] {
    summaries.map(\.operatingPoint.modelName).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
  }

  /// Per model: our curve and the JPEG curve at the same rates.
  public var curves: [RateDistortionCurve] {
    modelNames.flatMap { model in
      let rows = summaries.filter { $0.operatingPoint.modelName == model }
      return [
        RateDistortionCurve(name: model, points: rows.map(\.ours)),
        RateDistortionCurve(name: "JPEG at \(model)'s rates", points: rows.map(\.jpeg)),
      ]
    }
  }

  /// Our BD-rate against each reference curve, per model then reference; nil where it is undefined (fewer than two
  /// operating points, or PSNR ranges that do not overlap).
  public var bjontegaardDeltas: [(modelName: String, referenceName: String, delta: BjontegaardDelta?)] {
    modelNames.flatMap { model in
      let ours = summaries.filter { $0.operatingPoint.modelName == model }.map(\.ours)
      return references.map { (model, $0.codecName, BjontegaardDelta(of: ours, against: $0.points)) }
    }
  }
}
