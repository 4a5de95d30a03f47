import Tensors
import Testing

@testable import Quantizers

@Test func kMeansPlusPlusSeedsAreDistinctPoints() {
  // 6 distinct points, each repeated 20 times: uniform sampling would often pick the same value twice.
  let distinct: [Float] = [0, 0, 1, 0, 0, 1, 5, 5, 5, 6, -3, 2]
  var points: [Float] = []
  for r in 0..<120 { points += distinct[(r % 6) * 2..<(r % 6) * 2 + 2] }
  for seed in 0..<20 as Range<UInt64> {
    var rng = SplitMix64(seed: seed)
    let seeds = KMeans.seedIndices(points: points, dimension: 2, count: 6, using: &rng)
    let rows = Set(seeds.map { [points[$0 * 2], points[$0 * 2 + 1]] })
    #expect(rows.count == 6)
  }
}

@Test func kMeansInitialisationLowersDistortionVersusRandom() {
  var rng = SplitMix64(seed: 2)
  let (k, d) = (8, 2)
  let centres = Tensor.normal(shape: [k, d], standardDeviation: 4, using: &rng).scalars
  let points = clusteredPoints(centres: centres, dimension: d, count: 400, spread: 0.2, using: &rng)
  let (centroids, counts) = KMeans.cluster(points: points, dimension: d, count: k, iterations: 10, using: &rng)
  #expect(counts.reduce(0, +) == 400)
  let fitted = KMeans.distortion(points: points, dimension: d, centroids: centroids)
  // Random points of the data as codes, and VQ-VAE's uniform ±1/K codebook.
  var randomRows: [Float] = []
  for _ in 0..<k {
    let i = Int.random(in: 0..<400, using: &rng)
    randomRows += points[i * d..<(i + 1) * d]
  }
  let uniform = Codebook(codes: k, dimension: d, using: &rng).embeddings.value.scalars
  let randomDistortion = KMeans.distortion(points: points, dimension: d, centroids: randomRows)
  let uniformDistortion = KMeans.distortion(points: points, dimension: d, centroids: uniform)
  #expect(fitted < 0.1)  // the clusters' own variance is 2·0.2² = 0.08
  #expect(fitted < 0.5 * randomDistortion)
  #expect(fitted < 0.01 * uniformDistortion)
}

@Test func firstTrainingBatchInitialisesTheCodebookByKMeans() {
  var rng = SplitMix64(seed: 3)
  let vq = VectorQuantizer(codes: 4, dimension: 2, using: &rng)
  let points: [Float] = (0..<64).flatMap { i -> [Float] in [Float(i % 4) * 10, 3] }
  #expect(!vq.isInitialized)
  let out = vq.quantize(Variable(Tensor(shape: [1, 8, 8, 2], scalars: points)), on: Tape(), using: &rng)
  #expect(vq.isInitialized)
  let codes = Set((0..<4).map { vq.codebook.embeddings.value.scalars[$0 * 2] })
  #expect(codes == [0, 10, 20, 30])
  #expect(out.usage[0].usedCodes == 4 && out.loss.value.item == 0)
}

/// Encoder outputs of a diverging run overflow the squared distances: seeding still returns `count` rows, not a trap.
@Test func seedingSurvivesOverflowingDistances() {
  var rng = SplitMix64(seed: 5)
  let points: [Float] = [0, 0, 3e38, -3e38, .infinity, 1, .nan, 2, 5, 5]
  let seeds = KMeans.seedIndices(points: points, dimension: 2, count: 4, using: &rng)
  #expect(seeds.count == 4 && seeds.allSatisfy { (0..<5).contains($0) })
}
