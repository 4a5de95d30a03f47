import Testing

@testable import Bitstream

/// Coder 3: grids that hold skips (the value K) round-trip through every path, only coder 3 takes them, its bytes
/// are checked like every payload's, and `IndexCostModel` prices values as the coder then spends them.
struct SkipCoderTests {
  /// `grid` with a fraction `skips` of its positions set to K, in blocks so that flat skip regions occur.
  static func withSkips(_ grid: SyntheticGrid, fraction skips: Double, using rng: inout SplitMix64) -> SyntheticGrid {
    var grid = grid
    let skip = SkipCoder.skipValue(codebookSize: grid.codebookSize)
    for position in grid.indices.indices where Double.random(in: 0..<1, using: &rng) < skips {
      grid.indices[position] = skip
      if position + 1 < grid.indices.count { grid.indices[position + 1] = skip }
    }
    return grid
  }

  @Test(arguments: [2, 3, 64, 4096])
  func gridsWithSkipsRoundTrip(codebookSize: Int) throws {
    var rng = SplitMix64(seed: UInt64(codebookSize) + 11)
    let prior = SyntheticGrid.skewedCounts(codebookSize: codebookSize)
    for (height, width) in [(1, 1), (1, 9), (7, 1), (13, 17)] {
      for fraction in [0.0, 0.3, 0.9, 1.0] {
        let base = SyntheticGrid.blocky(
          height: height, width: width, codebookSize: codebookSize, blockSize: 3, noise: 0.2, using: &rng)
        let grid = Self.withSkips(base, fraction: fraction, using: &rng)
        let previous = Self.withSkips(base.nextStage(noise: 0.3, using: &rng), fraction: 0.5, using: &rng).indices
        for (priorCounts, previousStage) in [(nil, nil), (prior, previous)] {
          let payload = IndexGridCoder.encode(
            grid.indices, height: height, width: width, codebookSize: codebookSize, priorCounts: priorCounts,
            previousStage: previousStage)
          if grid.indices.contains(UInt16(codebookSize)) { #expect(payload.coder == .adaptiveRangeWithSkips) }
          let decoded = try IndexGridCoder.decode(
            payload, height: height, width: width, codebookSize: codebookSize, priorCounts: priorCounts,
            previousStage: previousStage)
          #expect(decoded == grid.indices, "K \(codebookSize), \(height)×\(width), skips \(fraction)")
        }
      }
    }
  }

  @Test func aGridWithoutSkipsKeepsCoders0To2AndSkipsNeedKAtMost4096() {
    var rng = SplitMix64(seed: 5)
    let grid = SyntheticGrid.blocky(height: 9, width: 9, codebookSize: 64, blockSize: 3, noise: 0.1, using: &rng)
    let payload = IndexGridCoder.encode(grid.indices, height: 9, width: 9, codebookSize: 64)
    #expect(payload.coder != .adaptiveRangeWithSkips)
    #expect(IndexGridCoder.isApplicable(.adaptiveRangeWithSkips, codebookSize: 4096, hasPrior: false))
    #expect(!IndexGridCoder.isApplicable(.adaptiveRangeWithSkips, codebookSize: 4097, hasPrior: true))
  }

  /// An empty payload, a share byte alone, cut or extended range bytes: each a `FormatError`, never a trap.
  @Test func malformedPayloadsThrow() throws {
    var rng = SplitMix64(seed: 8)
    let base = SyntheticGrid.blocky(height: 12, width: 10, codebookSize: 64, blockSize: 3, noise: 0.3, using: &rng)
    let grid = Self.withSkips(base, fraction: 0.4, using: &rng)
    let bytes = IndexGridCoder.encode(
      grid.indices, height: 12, width: 10, codebookSize: 64, using: .adaptiveRangeWithSkips)
    for broken in [[], Array(bytes.prefix(1)), Array(bytes.dropLast(2)), bytes + [0, 0]] {
      #expect(throws: FormatError.self) {
        try IndexGridCoder.decode(
          StagePayload(coder: .adaptiveRangeWithSkips, bytes: broken), height: 12, width: 10, codebookSize: 64)
      }
    }
    for _ in 0..<300 {  // random bytes: a grid or an error, every value at most K
      let random = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
      if let decoded = try? IndexGridCoder.decode(
        StagePayload(coder: .adaptiveRangeWithSkips, bytes: random), height: 12, width: 10, codebookSize: 64)
      {
        #expect(decoded.allSatisfy { $0 <= 64 })
      }
    }
  }

  /// Choosing a grid's values one by one through the cost model and adding up their prices gives the bits the coder
  /// then spends, to within the range coder's flush (a few bytes), and the share byte. K = 2 reaches the values that
  /// coding implies (every other value is a neighbour's).
  @Test(arguments: [(64, 0.1), (64, 0.6), (64, 0.95), (2, 0.5)])
  func costsAddUpToThePayload(codebookSize k: Int, skipFraction: Double) throws {
    var rng = SplitMix64(seed: 21)
    let (height, width) = (24, 32)
    let prior = SyntheticGrid.skewedCounts(codebookSize: k)
    let base = SyntheticGrid.blocky(
      height: height, width: width, codebookSize: k, blockSize: 4, noise: 0.1, using: &rng)
    let previous = base.nextStage(noise: 0.2, using: &rng).indices
    let grid = Self.withSkips(base, fraction: skipFraction, using: &rng).indices
    let share = SkipCoder.skipShare(for: grid, width: width, codebookSize: k, priorCounts: prior)
    var model = IndexCostModel(
      height: height, width: width, codebookSize: k, priorCounts: prior, previousStage: previous, skipShare: share)
    var bits = [Float](repeating: 0, count: k + 1)
    var total = 0.0
    for value in grid {
      bits.withUnsafeMutableBufferPointer { model.costs(into: $0) }
      #expect(bits.allSatisfy { $0 >= 0 && $0.isFinite })
      total += Double(bits[Int(value)])
      model.choose(value)
    }
    #expect(model.grid == grid)
    let payload = IndexGridCoder.encode(
      grid, height: height, width: width, codebookSize: k, priorCounts: prior, previousStage: previous,
      using: .adaptiveRangeWithSkips)
    #expect(payload[0] == share)
    let coded = Double(8 * (payload.count - 1))
    #expect(abs(coded - total) <= 40, "priced \(total) bits, coded \(coded)")
  }

  /// Without a skip share the model prices as coder 2 codes: K values, adding up to coder 2's payload.
  @Test func withoutSkipsThePricesAreCoder2s() {
    var rng = SplitMix64(seed: 22)
    let (height, width, k) = (16, 20, 64)
    let grid = SyntheticGrid.blocky(
      height: height, width: width, codebookSize: k, blockSize: 3, noise: 0.2, using: &rng
    ).indices
    var model = IndexCostModel(
      height: height, width: width, codebookSize: k, priorCounts: nil, previousStage: nil, skipShare: nil)
    #expect(model.alphabetSize == k)
    var bits = [Float](repeating: 0, count: k)
    var total = 0.0
    for value in grid {
      bits.withUnsafeMutableBufferPointer { model.costs(into: $0) }
      total += Double(bits[Int(value)])
      model.choose(value)
    }
    let coded = IndexGridCoder.encode(grid, height: height, width: width, codebookSize: k, using: .adaptiveRange)
    #expect(abs(Double(8 * coded.count) - total) <= 40, "priced \(total) bits, coded \(8 * coded.count)")
  }

  /// A run of skips gets cheap as the flags learn it, and a fresh code stays near log2 K.
  @Test func aRunOfSkipsGetsCheap() {
    var model = IndexCostModel(
      height: 1, width: 40, codebookSize: 64, priorCounts: nil, previousStage: nil, skipShare: 64)
    var costs = [Float](repeating: 0, count: 65)
    for _ in 0..<39 { model.choose(64) }
    costs.withUnsafeMutableBufferPointer { model.costs(into: $0) }
    #expect(costs[64] < 0.5 && costs[3] > 6)
  }
}
