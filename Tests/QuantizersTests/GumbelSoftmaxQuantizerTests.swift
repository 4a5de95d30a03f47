import Foundation
import Tensors
import TestSupport
import Testing

@testable import Quantizers

/// A quantizer whose logits are `bias` at every latent (zero projection weight).
private func fixedLogitQuantizer(
  logits: [Float], dimension d: Int, hard: Bool, rng: inout SplitMix64
) -> GumbelSoftmaxQuantizer {
  let k = logits.count
  let projection = LogitProjection(
    weight: Variable(Tensor(zeros: [1, 1, d, k])), bias: Variable(Tensor(shape: [k], scalars: logits)))
  return GumbelSoftmaxQuantizer(
    projection: projection, codebook: Codebook(embeddings: .normal(shape: [k, d], using: &rng)), hard: hard, klWeight: 1
  )
}

@Test func gumbelMaxSamplesFollowQ() {
  var rng = SplitMix64(seed: 1)
  let q: [Double] = [0.05, 0.1, 0.15, 0.2, 0.2, 0.3]
  let vq = fixedLogitQuantizer(logits: q.map { Float(log($0)) }, dimension: 2, hard: true, rng: &rng)
  let n = 20_000
  let out = vq.quantize(Variable(Tensor(zeros: [1, 100, n / 100, 2])), on: Tape(), using: &rng)
  let counts = out.usage[0].counts
  let chiSquare = zip(counts, q).reduce(0.0) { $0 + pow(Double($1.0) - Double(n) * $1.1, 2) / (Double(n) * $1.1) }
  // The 0.999 quantile of χ² with 5 degrees of freedom is 20.515: p > 0.001 ⇔ χ² < 20.515.
  // Measured at this seed: χ² = 2.43 (counts 999, 2015, 2951, 4043, 4047, 5945).
  #expect(chiSquare < 20.515, "χ² = \(chiSquare), counts \(counts)")
}

@Test func klToTheUniformPriorEqualsTheDirectSum() {
  var rng = SplitMix64(seed: 2)
  let (k, d) = (5, 3)
  let vq = GumbelSoftmaxQuantizer(codes: k, dimension: d, klWeight: 0.5, using: &rng)
  let z = Variable(.normal(shape: [2, 2, 3, d], standardDeviation: 2, using: &rng))
  let out = vq.quantize(z, on: Tape(isRecording: false), using: &rng)
  let logq = out.logProbabilities!.value.scalars
  let m = logq.count / k
  var direct = 0.0
  var entropy = 0.0
  for r in 0..<m {
    for j in 0..<k {
      let p = exp(Double(logq[r * k + j]))
      direct += p * log(p / (1 / Double(k)))  // Σ q log(q / u)
      entropy -= p * log(p)
    }
  }
  direct /= Double(m)
  entropy /= Double(m)
  #expect(abs(Double(out.entropy) - entropy) < 1e-5)
  #expect(abs(Double(out.divergence) - direct) < 1e-5)
  #expect(abs(Double(out.loss.value.item) - 0.5 * direct) < 1e-5)
}

@Test func relaxationGradientMatchesFiniteDifferencesAtTemperatureOne() {
  var rng = SplitMix64(seed: 3)
  let (k, d) = (4, 3)
  let inputs: [Tensor] = [
    .normal(shape: [1, 2, 2, d], using: &rng), .normal(shape: [1, 1, d, k], standardDeviation: 0.5, using: &rng),
    .normal(shape: [k], standardDeviation: 0.5, using: &rng), .normal(shape: [k, d], using: &rng),
  ]
  // The same noise at every evaluation: a fresh generator with a fixed seed. (Hard mode's backward is this soft
  // gradient: `hardModeForwardIsOneHotWithSoftGradients`.)
  let mismatch = gradientCheck(
    of: { tape, v in
      let vq = GumbelSoftmaxQuantizer(
        projection: LogitProjection(weight: v[1], bias: v[2]), codebook: Codebook(embeddings: v[3]), hard: false,
        klWeight: 0.3)
      vq.temperature = 1
      var noise = SplitMix64(seed: 99)
      let out = vq.quantize(v[0], on: tape, using: &noise)
      let flat = tape.reshaped(out.quantized, to: [out.quantized.value.count])
      return tape.concatenated([flat, out.loss], axis: 0)
    }, at: inputs)
  #expect(mismatch == nil, "\(mismatch.map(String.init(describing:)) ?? "")")
}

@Test func hardModeForwardIsOneHotWithSoftGradients() {
  var rng = SplitMix64(seed: 4)
  let (k, d) = (6, 3)
  let soft = GumbelSoftmaxQuantizer(codes: k, dimension: d, hard: false, klWeight: 0, using: &rng)
  let hard = GumbelSoftmaxQuantizer(projection: soft.projection, codebook: soft.codebook, hard: true, klWeight: 0)
  hard.temperature = 0.7
  soft.temperature = 0.7
  let z = Tensor.normal(shape: [2, 2, 2, d], using: &rng)
  var noiseA = SplitMix64(seed: 5)
  var noiseB = SplitMix64(seed: 5)
  let tape = Tape()
  let out = hard.quantize(Variable(z), on: tape, using: &noiseA)
  // Forward: exactly the chosen codes (one-hot · E).
  let e = hard.codebook.embeddings.value.scalars
  #expect(out.quantized.value.scalars == rows(out.indices[0], of: e, dimension: d))
  // Backward: the soft relaxation's gradient, for the same noise.
  let r = constant(.normal(shape: out.quantized.shape, using: &rng))
  tape.backward(from: tape.sum(tape.multiply(out.quantized, r)))
  let hardGrad = hard.projection.weight.grad
  hard.projection.weight.zeroGrad()
  let softTape = Tape()
  let softOut = soft.quantize(Variable(z), on: softTape, using: &noiseB)
  #expect(softOut.indices == out.indices)
  softTape.backward(from: softTape.sum(softTape.multiply(softOut.quantized, r)))
  #expect(hardGrad.contains { $0 != 0 })
  #expect(maxAbsoluteDifference(hardGrad, soft.projection.weight.grad) < 1e-6)
}

@Test func inferenceTakesTheArgmax() {
  var rng = SplitMix64(seed: 6)
  let vq = GumbelSoftmaxQuantizer(codes: 5, dimension: 2, klWeight: 1, using: &rng)
  let z = Tensor.normal(shape: [1, 3, 3, 2], using: &rng)
  let out = vq.quantize(Variable(z, requiresGrad: false), on: Tape(isRecording: false), using: &rng)
  let logq = out.logProbabilities!.value.scalars
  var expected: [Int32] = []
  for r in 0..<9 {
    let row = Array(logq[r * 5..<r * 5 + 5])
    expected.append(Int32(row.firstIndex(of: row.max()!)!))
  }
  #expect(out.indices == [expected] && vq.indices(for: z) == expected)
  #expect(out.quantized.value.scalars == rows(expected, of: vq.codebook.embeddings.value.scalars, dimension: 2))
}
