import Tensors
import Testing

@Suite struct RandomTests {
  @Test func splitMix64MatchesTheReferenceStream() {
    // Vigna's splitmix64.c seeded with 0.
    var rng = SplitMix64(seed: 0)
    #expect(
      [rng.next(), rng.next(), rng.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
  }

  @Test func samplersAreSeededAndInRange() {
    var a = SplitMix64(seed: 5)
    var b = SplitMix64(seed: 5)
    let u = Tensor.uniform(shape: [3, 7], in: -0.5...2, using: &a)
    #expect(u == Tensor.uniform(shape: [3, 7], in: -0.5...2, using: &b))
    #expect(u.scalars.allSatisfy { (-0.5...2).contains($0) })
    var c = SplitMix64(seed: 6)
    let n = Tensor.normal(shape: [4000], mean: 1, standardDeviation: 2, using: &c)
    let mean = n.scalars.reduce(0, +) / 4000
    let variance = n.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4000
    #expect(abs(mean - 1) < 0.15 && abs(variance.squareRoot() - 2) < 0.15, "mean \(mean), sd \(variance.squareRoot())")
  }
}
