/// What evaluating one image yields: a measurement and a picture comparison per operating point.
public struct ImageEvaluation: Sendable {
  public let image: ReportImage
  public let measurements: [ImageMeasurement]
  public let comparisons: [ImageComparison]
}
