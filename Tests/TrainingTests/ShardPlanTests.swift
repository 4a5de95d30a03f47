import Testing

@testable import Training

@Test(arguments: [(8, 1), (8, 2), (8, 3), (6, 4), (5, 5)])
func ranksTakeContiguousShardRangesThatCoverTheBatch(shards: Int, ranks: Int) {
  let plan = ShardPlan(batch: shards * 2, shards: shards)
  let ranges = (0..<ranks).map { plan.shards(ofRank: $0, among: ranks) }
  #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == shards)
  #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
  #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1, "\(ranges)")
  #expect(plan.positions(ofShard: shards - 1) == (shards - 1) * 2..<shards * 2)
}

@Test func theDefaultShardCountIsTheBatchsLargestDivisorUpToFour() {
  #expect([1, 2, 3, 7, 12, 16, 32, 9].map { ShardPlan.defaultShards(batch: $0) } == [1, 2, 3, 1, 4, 4, 4, 3])
}

@Test func derivedSeedsDifferByEveryPart() {
  let seeds = [derivedSeed(0, 1, 2), derivedSeed(0, 2, 1), derivedSeed(1, 1, 2), derivedSeed(0, 1, 3)]
  #expect(Set(seeds).count == 4)
  #expect(derivedSeed(7, 1, 2) == derivedSeed(7, 1, 2))
}
