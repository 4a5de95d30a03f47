/// One setting the report measures: a model (by its name in the report) decoding a number of residual stages.
public struct OperatingPoint: Hashable, Sendable {
  public let modelName: String
  public let stages: Int

  public init(modelName: String, stages: Int) {
    self.modelName = modelName
    self.stages = stages
  }

  /// How tables and charts name the point: `default@2`.
  public var label: String { "\(modelName)@\(stages)" }
}
