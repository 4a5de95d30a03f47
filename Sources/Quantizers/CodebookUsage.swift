import RealModule

/// How a batch (or a whole set) of indices uses a codebook of `K` codes: counts, perplexity, dead codes.
public struct CodebookUsage: Equatable, Sendable {
  /// How often each code was chosen; `counts.count == K`.
  public private(set) var counts: [Int]

  /// Counts the indices of one batch.
  public init(indices: [Int32], codes: Int) {
    var counts = [Int](repeating: 0, count: codes)
    for i in indices {
      precondition(i >= 0 && Int(i) < codes, "index \(i) outside 0..<\(codes)")
      counts[Int(i)] += 1
    }
    self.counts = counts
  }

  /// Usage from counts already made (summed over the shards of a step).
  public init(counts: [Int]) { self.counts = counts }

  /// Adds another batch's counts (same `K`).
  public mutating func merge(_ other: CodebookUsage) {
    precondition(other.counts.count == counts.count, "merging usage of codebooks with different sizes")
    for k in counts.indices { counts[k] += other.counts[k] }
  }

  public var codes: Int { counts.count }
  public var total: Int { counts.reduce(0, +) }
  /// Codes chosen at least once.
  public var usedCodes: Int { counts.count(where: { $0 > 0 }) }
  /// Codes never chosen.
  public var deadCodes: Int { codes - usedCodes }

  /// Entropy of the empirical index distribution in nats: `H = −Σ p_k log p_k`, `p_k = count_k / total`.
  public var entropy: Double {
    let n = Double(total)
    guard n > 0 else { return 0 }
    var h = 0.0
    for c in counts where c > 0 {
      let p = Double(c) / n
      h -= p * Double.log(p)
    }
    return h
  }

  /// The same entropy in bits per index (what a static entropy coder would need at best).
  public var entropyBits: Double { entropy / Double.log(2) }

  /// `exp(H)`: the number of equally used codes with the same entropy (1 = collapsed, K = uniform use).
  public var perplexity: Double { Double.exp(entropy) }
}
