/// Coder 1's model (FORMAT.md §4.2): the prior counts quantised so that every symbol has frequency ≥ 1
/// (an index the training set never used stays codable) and the total is at most 2^16.
struct StaticFrequencyTable {
  static let totalLimit: UInt32 = 1 << 16

  let frequencies: [UInt32]
  /// `cumulative[s]` = sum of `frequencies[0..<s]`; K + 1 entries, the last is `total`.
  let cumulative: [UInt32]
  var total: UInt32 { cumulative[cumulative.count - 1] }

  /// f[s] = 1 + floor(counts[s] × (limit − K) / sum(counts)), in 64-bit integers; all ones if the sum is 0.
  init(quantising counts: [UInt32], limit: UInt32 = StaticFrequencyTable.totalLimit) {
    precondition(counts.count >= 2 && counts.count <= Int(limit))
    let sum = counts.reduce(UInt64(0)) { $0 + UInt64($1) }
    let spare = UInt64(limit) - UInt64(counts.count)
    frequencies = counts.map { count in
      sum == 0 ? 1 : 1 + UInt32(UInt64(count) * spare / sum)
    }
    var running: UInt32 = 0
    var cumulative = [UInt32(0)]
    cumulative.reserveCapacity(counts.count + 1)
    for frequency in frequencies {
      running += frequency
      cumulative.append(running)
    }
    self.cumulative = cumulative
  }

  /// The symbol s with cumulative[s] ≤ target < cumulative[s + 1] (binary search; target < total).
  func symbol(containing target: UInt32) -> Int {
    var low = 0
    var high = frequencies.count  // invariant: cumulative[low] ≤ target < cumulative[high]
    while high - low > 1 {
      let middle = (low + high) / 2
      if cumulative[middle] <= target { low = middle } else { high = middle }
    }
    return low
  }
}
