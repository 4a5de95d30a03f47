/// What evaluating one image yields: a measurement and a picture comparison per operating point, and the reference
/// codecs' measurements.
public struct ImageEvaluation: Sendable {
  public let image: ReportImage
  public let measurements: [ImageMeasurement]
  public let comparisons: [ImageComparison]
  public let referenceMeasurements: [ReferenceMeasurement]
}
