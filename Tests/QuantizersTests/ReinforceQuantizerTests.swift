import Foundation
import Tensors
import TestSupport
import Testing

@testable import Quantizers

/// A tiny discrete VAE: latents on a 1×2 grid (L = 2), K = 4 codes of dimension 2; logits from the quantizer's
/// 1×1 projection of a fixed `z_e` (φ); decoder `f(z) = z·A + c` per latent (θ = A, c and the codebook);
/// `log p(x|z) = −‖x − f(z)‖²/(2σ²) − (P/2) log 2πσ²` with P = 6 values per image, σ² = 0.5.
private final class TinyModel {
  static let (k, d, c, latents, variance) = (4, 2, 3, 2, Float(0.5))
  let quantizer: ReinforceQuantizer
  let decoderWeight: Variable, decoderBias: Variable

  init(seed: UInt64, baseline: RunningBaseline?) {
    var rng = SplitMix64(seed: seed)
    let (k, d, c) = (Self.k, Self.d, Self.c)
    quantizer = ReinforceQuantizer(
      projection: LogitProjection(
        weight: Variable(.normal(shape: [1, 1, d, k], using: &rng)),
        bias: Variable(.normal(shape: [k], standardDeviation: 0.5, using: &rng))),
      codebook: Codebook(embeddings: .normal(shape: [k, d], using: &rng)), baseline: baseline)
    decoderWeight = Variable(.normal(shape: [1, 1, d, c], using: &rng))
    decoderBias = Variable(.normal(shape: [c], standardDeviation: 0.5, using: &rng))
  }

  /// φ first (projection weight, bias), then θ (decoder weight, bias, codebook).
  var parameters: [Variable] {
    quantizer.projection.parameters + [decoderWeight, decoderBias, quantizer.codebook.embeddings]
  }
  static let phiCount = d * k + k

  /// `log p(x|z)` per image, `[N, 1]`, for latents `[N, 1, 2, D]` and observations `x [N, 1, 2, C]`.
  func logLikelihood(_ latents: Variable, x: Tensor, on tape: Tape) -> Variable {
    let n = x.shape[0]
    let f = tape.conv2d(latents, weight: decoderWeight, bias: decoderBias)
    let squared = tape.square(tape.subtract(constant(x), f))
    let perImage = tape.sum(tape.reshaped(squared, to: [n, x.count / n]), axis: 1)
    let p = Float(x.count / n)
    let normaliser = -p / 2 * Float(log(2 * Double.pi * Double(Self.variance)))
    return tape.add(tape.scaled(perImage, by: -1 / (2 * Self.variance)), constant(Tensor(normaliser)))
  }

  func zeroGradients() { for p in parameters { p.zeroGrad() } }
  var gradients: [Float] { parameters.flatMap { $0.gradTensor.scalars } }
}

/// `n` copies of a `[1, …]` tensor stacked along the batch.
private func replicated(_ t: Tensor, _ n: Int) -> Tensor {
  Tensor(shape: [n] + t.shape.dropFirst(), scalars: Array((0..<n).map { _ in t.scalars }.joined()))
}

@Test func surrogateSingleSampleGradientIsEquationNine() {
  var rng = SplitMix64(seed: 11)
  let model = TinyModel(seed: 1, baseline: RunningBaseline(decay: 0.9, value: -3))
  let (k, d, l, n) = (TinyModel.k, TinyModel.d, TinyModel.latents, 2)
  let z = Variable(.normal(shape: [n, 1, l, d], using: &rng))
  let x = Tensor.normal(shape: [n, 1, l, TinyModel.c], using: &rng)
  let tape = Tape()
  let out = model.quantizer.quantize(z, on: tape, using: &rng)
  let logp = model.logLikelihood(out.quantized, x: x, on: tape)
  let loss = model.quantizer.surrogateLoss(logLikelihood: logp, for: out, on: tape)
  tape.backward(from: loss)

  let (logq, idx, lp) = (out.logProbabilities!.value.scalars, out.indices[0], logp.value.scalars)
  let b: Float = -3
  // Value: −(1/N) Σ_n [log p_n − L log K − Σ_i log q_i(z_i)].
  var value: Float = 0
  for i in 0..<n * l { value += logq[i * k + Int(idx[i])] }
  value = -(lp.reduce(0, +) - Float(n * l) * log(Float(k)) - value) / Float(n)
  #expect(abs(loss.value.item - value) < 1e-5)
  #expect(model.quantizer.baseline!.value! == b, "the surrogate leaves the baseline to the trainer")

  // φ by hand, eq. (9) per latent: d(−L̂)/dℓ_i = −(1/N)(log p − b − 1 − log q_i(z_i))(onehot(z_i) − q_i).
  var dLogits = [Float](repeating: 0, count: n * l * k)
  for i in 0..<n * l {
    let signal = lp[i / l] - b - 1 - logq[i * k + Int(idx[i])]
    for j in 0..<k { dLogits[i * k + j] = -signal * ((j == Int(idx[i]) ? 1 : 0) - exp(logq[i * k + j])) / Float(n) }
  }
  let (zv, w) = (z.value.scalars, model.quantizer.projection.weight.value.scalars)
  var dWeight = [Float](repeating: 0, count: d * k)
  var dBias = [Float](repeating: 0, count: k)
  var dZ = [Float](repeating: 0, count: zv.count)
  for i in 0..<n * l {
    for j in 0..<k {
      dBias[j] += dLogits[i * k + j]
      for t in 0..<d {
        dWeight[t * k + j] += zv[i * d + t] * dLogits[i * k + j]
        dZ[i * d + t] += w[t * k + j] * dLogits[i * k + j]
      }
    }
  }
  #expect(maxAbsoluteDifference(model.quantizer.projection.weight.grad, dWeight) < 1e-5)
  #expect(maxAbsoluteDifference(model.quantizer.projection.bias.grad, dBias) < 1e-5)
  #expect(maxAbsoluteDifference(z.grad, dZ) < 1e-5)

  // θ: ∇_θ of −(1/N) Σ log p_θ(x|z) at the same sample, by plain backpropagation.
  let theta = [model.decoderWeight, model.decoderBias, model.quantizer.codebook.embeddings]
  let surrogateTheta = theta.map(\.grad)
  model.zeroGradients()
  let direct = Tape()
  let codes = direct.reshaped(model.quantizer.codebook.lookup(idx, on: direct), to: [n, 1, l, d])
  direct.backward(from: direct.scaled(direct.sum(model.logLikelihood(codes, x: x, on: direct)), by: -1 / Float(n)))
  for (v, g) in zip(theta, surrogateTheta) { #expect(maxAbsoluteDifference(v.grad, g) < 1e-5) }
}

/// The exact gradient of −ℒ (eq. 4) for one image, by enumerating all K^L = 16 latent grids.
private func exactGradient(_ model: TinyModel, z: Tensor, x: Tensor) -> [Double] {
  let (k, l) = (TinyModel.k, TinyModel.latents)
  model.zeroGradients()
  let tape = Tape()
  let logq = model.quantizer.projection.logProbabilities(constant(z), on: tape)  // [2, K]
  var elbo = tape.sum(tape.entropy(logq))
  elbo = tape.subtract(elbo, constant(Tensor(Float(l) * log(Float(k)))))
  for a in 0..<k {
    for b in 0..<k {
      let grid: [Int32] = [Int32(a), Int32(b)]
      let q = tape.exp(tape.sum(tape.selected(logq, at: grid)))
      let codes = tape.reshaped(model.quantizer.codebook.lookup(grid, on: tape), to: [1, 1, l, TinyModel.d])
      elbo = tape.add(elbo, tape.multiply(q, tape.reshaped(model.logLikelihood(codes, x: x, on: tape), to: [1])))
    }
  }
  tape.backward(from: tape.scaled(elbo, by: -1))
  let g = model.gradients.map(Double.init)
  model.zeroGradients()
  return g
}

private struct GradientStatistics {
  var mean: [Double], standardError: [Double], perSampleVariance: [Double]
}

/// `batches` batches of `batchSize` copies of one image, each image with its own sample; the batch gradient is the
/// mean of per-image gradients, so the per-sample variance is `batchSize ×` the variance of batch gradients.
private func surrogateGradients(
  _ model: TinyModel, z: Tensor, x: Tensor, batches: Int, batchSize: Int, seed: UInt64
) -> GradientStatistics {
  var rng = SplitMix64(seed: seed)
  let (zs, xs) = (replicated(z, batchSize), replicated(x, batchSize))
  var sum = [Double](repeating: 0, count: model.gradients.count)
  var sumSquares = sum
  for _ in 0..<batches {
    model.zeroGradients()
    let tape = Tape()
    let out = model.quantizer.quantize(constant(zs), on: tape, using: &rng)
    let logp = model.logLikelihood(out.quantized, x: xs, on: tape)
    let loss = model.quantizer.surrogateLoss(logLikelihood: logp, for: out, on: tape)
    // As the trainer does after each step: the batch's mean log-likelihood into the baseline.
    model.quantizer.baseline?.update(with: logp.value.scalars.reduce(0, +) / Float(batchSize))
    tape.backward(from: loss)
    for (i, g) in model.gradients.enumerated() {
      sum[i] += Double(g)
      sumSquares[i] += Double(g) * Double(g)
    }
  }
  let count = Double(batches)
  let mean = sum.map { $0 / count }
  let variance = zip(sumSquares, mean).map { ($0 / count - $1 * $1) * count / (count - 1) }
  return GradientStatistics(
    mean: mean, standardError: variance.map { ($0 / count).squareRoot() },
    perSampleVariance: variance.map { $0 * Double(batchSize) })
}

@Test func surrogateIsUnbiasedAndTheBaselineCutsItsVariance() {
  var rng = SplitMix64(seed: 21)
  let z = Tensor.normal(shape: [1, 1, TinyModel.latents, TinyModel.d], using: &rng)
  let x = Tensor.normal(shape: [1, 1, TinyModel.latents, TinyModel.c], using: &rng)
  let plainModel = TinyModel(seed: 2, baseline: nil)
  let baselineModel = TinyModel(seed: 2, baseline: RunningBaseline())
  let exact = exactGradient(plainModel, z: z, x: x)
  #expect(exact == exactGradient(baselineModel, z: z, x: x))
  // 400 batches of 50: 20000 samples each.
  let plain = surrogateGradients(plainModel, z: z, x: x, batches: 400, batchSize: 50, seed: 5)
  let withBaseline = surrogateGradients(baselineModel, z: z, x: x, batches: 400, batchSize: 50, seed: 5)
  for stats in [plain, withBaseline] {
    for i in exact.indices {
      #expect(
        abs(stats.mean[i] - exact[i]) <= 4 * stats.standardError[i] + 1e-6,
        "coordinate \(i): mean \(stats.mean[i]) ± \(stats.standardError[i]), exact \(exact[i])")
    }
  }
  let phi = 0..<TinyModel.phiCount
  let plainVariance = phi.reduce(0.0) { $0 + plain.perSampleVariance[$1] }
  let baselineVariance = phi.reduce(0.0) { $0 + withBaseline.perSampleVariance[$1] }
  // The baseline leaves the mean where it was (the same samples, seed 5, drive both runs).
  for i in exact.indices {
    let se =
      (plain.standardError[i] * plain.standardError[i] + withBaseline.standardError[i] * withBaseline.standardError[i])
      .squareRoot()
    #expect(abs(plain.mean[i] - withBaseline.mean[i]) <= 4 * se + 1e-6)
  }
  // Measured at these seeds: Σ_φ per-sample variance 763.3 without, 10.6 with the baseline (b ≈ −12.3); the
  // largest |mean − exact| / SE over the 29 coordinates is 1.81 without and 2.64 with it.
  #expect(baselineVariance < 0.1 * plainVariance)
}

@Test func reportsEntropyAndTakesTheModeAtInference() {
  var rng = SplitMix64(seed: 31)
  let quantizer = ReinforceQuantizer(codes: 5, dimension: 3, using: &rng)
  let z = Tensor.normal(shape: [2, 2, 2, 3], using: &rng)
  let out = quantizer.quantize(constant(z), on: Tape(isRecording: false), using: &rng)
  let logq = out.logProbabilities!.value.scalars
  var entropy = 0.0
  var mode: [Int32] = []
  for r in 0..<8 {
    let row = logq[r * 5..<r * 5 + 5].map(Double.init)
    entropy -= row.reduce(0) { $0 + exp($1) * $1 }
    mode.append(Int32(row.firstIndex(of: row.max()!)!))
  }
  #expect(abs(Double(out.entropy) - entropy / 8) < 1e-5)
  #expect(abs(out.logCodeCount - log(5)) < 1e-6)
  #expect(out.indices == [mode] && quantizer.indices(for: z) == mode)
  #expect(out.loss.value.item == 0)
}
