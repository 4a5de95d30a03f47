import RealModule

/// Exponential annealing of the Gumbel-softmax temperature: `τ(t) = start · (end/start)^{t/steps}` for
/// `t < steps`, then `end`.
public struct TemperatureSchedule: Equatable, Sendable {
  public let start: Float
  public let end: Float
  public let steps: Int

  public init(start: Float = 1, end: Float = 0.1, steps: Int) {
    precondition(start > 0 && end > 0 && steps >= 1, "temperatures must be positive and steps at least 1")
    (self.start, self.end, self.steps) = (start, end, steps)
  }

  /// The temperature for training step `step` (0-based).
  public func temperature(atStep step: Int) -> Float {
    if step >= steps { return end }
    return start * Float.pow(end / start, Float(max(0, step)) / Float(steps))
  }
}
