/// A finished report: every per-image measurement, the per-operating-point means, and codebook usage.
public struct Report: Sendable {
  /// CompressAI's `name` and `description` fields.
  public let name: String
  public let description: String
  /// Image by image, operating points in evaluator order within each image.
  public let measurements: [ImageMeasurement]
  /// One per operating point, in evaluator order.
  public let summaries: [OperatingPointSummary]
  public let codebookUsage: [ModelCodebookUsage]

  public init(
    name: String, description: String, operatingPoints: [OperatingPoint], measurements: [ImageMeasurement],
    codebookUsage: [ModelCodebookUsage]
  ) {
    self.name = name
    self.description = description
    self.measurements = measurements
    self.codebookUsage = codebookUsage
    summaries = operatingPoints.compactMap { point in
      let rows = measurements.filter { $0.operatingPoint == point }
      return rows.isEmpty ? nil : OperatingPointSummary(operatingPoint: point, measurements: rows)
    }
  }

  /// Per model: our curve and the JPEG curve at the same rates.
  public var curves: [RateDistortionCurve] {
    let models = summaries.map(\.operatingPoint.modelName).reduce(into: [String]()) {
      if !$0.contains($1) { $0.append($1) }
    }
    return models.flatMap { model in
      let rows = summaries.filter { $0.operatingPoint.modelName == model }
      return [
        RateDistortionCurve(name: model, points: rows.map(\.ours)),
        RateDistortionCurve(name: "JPEG at \(model)'s rates", points: rows.map(\.jpeg)),
      ]
    }
  }
}
