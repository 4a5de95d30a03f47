import Foundation

/// One setting the report measures: a model (by its name in the report) coding at a quality, or with the nearest
/// codes of a number of residual stages.
public struct OperatingPoint: Hashable, Sendable {
  public let modelName: String
  /// The stages coded: with `quality`, the most the quality may use (the model's all); without, exactly these.
  public let stages: Int
  /// `vqcodec encode --quality`'s value, 0...100; nil for the nearest codes of `stages` stages.
  public let quality: Double?

  public init(modelName: String, stages: Int, quality: Double? = nil) {
    (self.modelName, self.stages, self.quality) = (modelName, stages, quality)
  }

  /// How tables and charts name the point: `default@q50` at a quality, `default@2` for two whole stages.
  public var label: String { "\(modelName)@" + (quality.map { "q" + Self.qualityText($0) } ?? "\(stages)") }

  /// A quality as tables print it: `50`, `33.33`.
  public static func qualityText(_ quality: Double) -> String {
    let hundredths = (quality * 100).rounded()
    if hundredths.truncatingRemainder(dividingBy: 100) == 0 { return String(Int(hundredths / 100)) }
    return String(format: "%.2f", hundredths / 100)
  }
}
