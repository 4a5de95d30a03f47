/// The symbol model of coder 2 (FORMAT.md §4.3.3): per-index counts that grow by `increment` each time the
/// index is coded through it, all halved (rounding up, so none reaches 0) before the total would pass 2^16.
/// A Fenwick tree keeps cumulative counts at O(log K) per query, so K = 4096 stays cheap.
struct AdaptiveFrequencyModel {
  static let increment: UInt32 = 4
  static let totalLimit: UInt32 = 1 << 16
  /// Total of the initial counts when they come from a prior; leaves room for adaptation.
  static let priorTotal: UInt32 = 1 << 14

  private(set) var frequencies: [UInt32]
  private(set) var total: UInt32 = 0
  private var tree: [UInt32]  // 1-based Fenwick tree over `frequencies`
  private let highestStep: Int

  /// Starts from the prior quantised to a total of at most 2^14 (FORMAT.md §4.2's rule); no prior counts
  /// as a prior of all ones, so every index starts near 2^14 / K.
  init(codebookSize: Int, priorCounts: [UInt32]?) {
    let counts = priorCounts ?? [UInt32](repeating: 1, count: codebookSize)
    self.init(frequencies: StaticFrequencyTable(quantising: counts, limit: Self.priorTotal).frequencies)
  }

  /// Starts from these frequencies (each ≥ 1, total ≤ 2^16 − `increment`).
  init(frequencies: [UInt32]) {
    precondition(frequencies.count >= 2 && frequencies.allSatisfy { $0 >= 1 }, "every value must stay codable")
    self.frequencies = frequencies
    tree = []
    var step = 1
    while step * 2 <= frequencies.count { step *= 2 }
    highestStep = step
    rebuildTree()
    precondition(total <= Self.totalLimit - Self.increment, "initial total leaves no room to adapt")
  }

  var codebookSize: Int { frequencies.count }

  /// Sum of the frequencies of indices below `symbol`.
  func cumulative(below symbol: Int) -> UInt32 {
    var sum: UInt32 = 0
    var node = symbol
    while node > 0 {
      sum += tree[node]
      node &= node - 1
    }
    return sum
  }

  /// The symbol s with cumulative(below: s) ≤ target < cumulative(below: s + 1); target < total.
  func symbol(containing target: UInt32) -> Int {
    var position = 0
    var remaining = target
    var step = highestStep
    while step > 0 {
      let next = position + step
      if next <= frequencies.count && tree[next] <= remaining {
        position = next
        remaining -= tree[next]
      }
      step >>= 1
    }
    return position
  }

  mutating func record(_ symbol: Int) {
    if total + Self.increment > Self.totalLimit {
      for s in frequencies.indices { frequencies[s] = (frequencies[s] + 1) >> 1 }
      rebuildTree()
    }
    frequencies[symbol] += Self.increment
    total += Self.increment
    var node = symbol + 1
    while node <= frequencies.count {
      tree[node] += Self.increment
      node += node & -node
    }
  }

  private mutating func rebuildTree() {
    tree = [UInt32](repeating: 0, count: frequencies.count + 1)
    total = 0
    for s in frequencies.indices {
      total += frequencies[s]
      var node = s + 1
      while node <= frequencies.count {
        tree[node] += frequencies[s]
        node += node & -node
      }
    }
  }
}
