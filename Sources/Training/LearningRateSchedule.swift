import Foundation

/// Linear warm-up to `peak`, then cosine decay to `peak · finalFraction` at `totalSteps`.
public struct LearningRateSchedule: Equatable, Sendable {
  public let peak: Float
  public let warmupSteps: Int
  public let totalSteps: Int
  public let finalFraction: Float

  public init(peak: Float, warmupSteps: Int, totalSteps: Int, finalFraction: Float = 0.05) {
    (self.peak, self.warmupSteps, self.totalSteps, self.finalFraction) = (
      peak, warmupSteps, max(1, totalSteps), finalFraction
    )
  }

  /// The rate for 0-based step `step`.
  public func rate(at step: Int) -> Float {
    if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
    let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
    let cosine = Float(0.5 * (1 + cos(Double.pi * progress)))
    return peak * (finalFraction + (1 - finalFraction) * cosine)
  }
}
