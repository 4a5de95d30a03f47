/// An exponential moving average of the log-likelihood, subtracted from REINFORCE's learning signal.
///
/// A baseline that does not depend on the current sample leaves the gradient's expectation unchanged
/// (`E[b ∇ log q] = b ∇ Σ q = 0`) and, close to `E[log p(x|z)]`, cuts its variance.
public struct RunningBaseline: Equatable, Sendable {
  public let decay: Float
  /// The current baseline; nil until the first batch (which then trains without one).
  public private(set) var value: Float?

  public init(decay: Float = 0.9, value: Float? = nil) {
    precondition(decay >= 0 && decay < 1, "baseline decay must lie in [0, 1)")
    (self.decay, self.value) = (decay, value)
  }

  /// Folds in a batch's mean log-likelihood (after that batch's signal used the old value).
  public mutating func update(with batchMean: Float) {
    value = value.map { decay * $0 + (1 - decay) * batchMean } ?? batchMean
  }
}
