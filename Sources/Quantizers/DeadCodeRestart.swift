/// Re-seeds codes the encoder stopped choosing (Dhariwal et al. 2020's codebook restarts).
///
/// Each code keeps an exponential moving average of how many latents chose it per batch, starting at its fair
/// share `M/K` (`M` latents per batch). A code whose average stays below `threshold · M/K` for `patience`
/// consecutive batches is dead: it moves to a random encoder output of the current batch and gets its fair share
/// back (a grace period before it can die again).
public struct DeadCodeRestart: Equatable, Sendable {
  /// Fraction of the fair share `M/K` below which a code counts as unused.
  public let threshold: Float
  /// Consecutive unused batches before a restart.
  public let patience: Int
  /// Decay of the usage average.
  public let usageDecay: Float
  /// The usage average per code (empty until the first batch).
  public var usage: [Float] = []
  /// Consecutive batches each code has been below the threshold.
  public var idleSteps: [Int] = []

  public init(threshold: Float = 0.1, patience: Int = 10, usageDecay: Float = 0.9) {
    precondition(threshold > 0 && patience >= 1 && usageDecay >= 0 && usageDecay < 1, "bad dead-code restart settings")
    (self.threshold, self.patience, self.usageDecay) = (threshold, patience, usageDecay)
  }

  /// Records a batch's `counts` (`[K]`, summing to `M`) and returns the codes to restart now.
  public mutating func deadCodes(afterBatchWith counts: [Int]) -> [Int] {
    let k = counts.count
    let fairShare = Float(counts.reduce(0, +)) / Float(k)
    if usage.count != k {
      usage = [Float](repeating: fairShare, count: k)
      idleSteps = [Int](repeating: 0, count: k)
    }
    var dead: [Int] = []
    for c in 0..<k {
      usage[c] = usageDecay * usage[c] + (1 - usageDecay) * Float(counts[c])
      idleSteps[c] = usage[c] < threshold * fairShare ? idleSteps[c] + 1 : 0
      if idleSteps[c] >= patience {
        dead.append(c)
        usage[c] = fairShare
        idleSteps[c] = 0
      }
    }
    return dead
  }
}
