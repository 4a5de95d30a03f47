import RealModule
import Tensors

/// Discrete latents trained by REINFORCE (the score-function estimator, eqs. 5-9 of the notes).
///
/// Per latent `i` of an image, `K` logits from a 1×1 projection give `q_i = q(·|x)`; training samples
/// `z_i ~ q_i` independently and the decoder gets the code `e_{z_i}` (no gradient path from the sample to φ). On
/// an inference tape the quantizer takes `argmax_k q_i(k)` instead.
///
/// The objective is the ELBO (eq. 4) of an image with `L = H·W` latents, prior uniform over `K^L` grids and
/// `q(z|x) = Π_i q_i(z_i)`: `ℒ = E_q[log p(x|z)] + Σ_i H(q_i) − L log K`. `surrogateLoss` builds, for a
/// sample, the notes' single-backward surrogate (braces `{·}` = detached, `r_i = q_i(z_i)/{q_i(z_i)}`,
/// `R = Π_i r_i = q(z|x)/{q(z|x)}`, `b` the baseline):
///
///     −L̂ = −(1/N) Σ_images [ R·(log p(x|z) − b) + b                       (likelihood)
///                          + Σ_i ( 1 − log K − r_i·(1 + {log q_i(z_i)}) ) ]  (divergence)
///
/// Value: every `r_i = R = 1`, so `L̂ = log p(x|z) − L log K − Σ_i log q_i(z_i)`, the one-sample estimate of ℒ.
/// Gradients (`∇r_i = ∇ log q_i(z_i)`, `∇R = Σ_i ∇ log q_i(z_i)`, `∇_θ R = 0`):
/// - θ (decoder, codebook): `∇_θ L̂ = ∇_θ log p_θ(x|z)`, eq. (9)'s first line;
/// - φ (projection and encoder), per latent `i`: `∇_φ L̂ = Σ_i (log p(x|z) − b − 1 − log q_i(z_i)) ∇_φ log q_i(z_i)`.
///
/// The last line is eq. (9), `(log p − 1 − log q(z|x)) ∇ log q(z|x)`, for the factorised `q` with two
/// unbiased changes: the baseline `b` (from earlier batches, so `E[b ∇ log q] = 0`) is subtracted from the
/// likelihood signal; and the entropy part uses eq. (8) per factor, `H(q(z|x)) = Σ_i H(q_i)`, so latent `i`'s
/// entropy signal is `−1 − log q_i(z_i)` rather than `−1 − Σ_j log q_j(z_j)` (the dropped cross terms
/// `log q_j(z_j) ∇ log q_i(z_i)`, `j ≠ i`, have zero mean since `z_j` is independent of `z_i`; they only add
/// variance). The likelihood keeps the whole `log p(x|z)` as every latent's signal: it depends on all of them.
public final class ReinforceQuantizer: Quantizer {
  public let projection: LogitProjection
  /// The codes the decoder receives (part of θ: trained through `log p(x|z)`).
  public let codebook: Codebook
  /// The running-mean baseline, or nil to train without one.
  public var baseline: RunningBaseline?

  public init(projection: LogitProjection, codebook: Codebook, baseline: RunningBaseline? = RunningBaseline()) {
    precondition(
      projection.codes == codebook.codes,
      "projection gives \(projection.codes) logits, codebook has \(codebook.codes) codes")
    (self.projection, self.codebook, self.baseline) = (projection, codebook, baseline)
  }

  /// A fresh projection `D → K` and codebook `[K, D]` (uniform ±1/K).
  public convenience init(
    codes: Int, dimension: Int, baseline: RunningBaseline? = RunningBaseline(),
    using rng: inout some RandomNumberGenerator
  ) {
    self.init(
      projection: LogitProjection(dimension: dimension, codes: codes, using: &rng),
      codebook: Codebook(codes: codes, dimension: dimension, using: &rng), baseline: baseline)
  }

  public var codes: Int { codebook.codes }
  public var parameters: [Variable] { projection.parameters + [codebook.embeddings] }

  /// Samples `z_i ~ q_i` (recording tape) or takes the mode (inference tape). `loss` is zero: the objective is
  /// `surrogateLoss(logLikelihood:for:on:)`, which needs the decoder's `log p(x|z)`.
  public func quantize(_ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator) -> QuantizerOutput {
    let logq = projection.logProbabilities(z, on: tape)
    let indices =
      tape.isRecording
      ? Categorical.sample(logProbabilities: logq.value.scalars, width: codes, using: &rng)
      : Categorical.argmax(logq.value.scalars, width: codes)
    let quantized = tape.reshaped(
      codebook.lookup(indices, on: tape), to: Array(z.shape.dropLast()) + [codebook.dimension])
    return QuantizerOutput(
      quantized: quantized, indices: [indices], loss: Variable(Tensor(0), requiresGrad: false),
      usage: [CodebookUsage(indices: indices, codes: codes)],
      entropy: Categorical.meanEntropy(logProbabilities: logq.value.scalars, width: codes),
      logCodeCount: Float.log(Float(codes)), logProbabilities: logq)
  }

  /// `−L̂` (see the type's documentation), averaged over the batch's images, shape `[1]`: minimise it; one
  /// `backward` gives eq. (9)'s gradients for θ and φ. `logLikelihood` holds `log p(x|z)` per image (`N`
  /// values, any shape), computed from `output.quantized` by the decoder on the same tape. Leaves the baseline
  /// alone: the trainer folds the whole step's mean log-likelihood in (`baseline?.update(with:)`) after all of the
  /// step's shards used the same value.
  public func surrogateLoss(logLikelihood: Variable, for output: QuantizerOutput, on tape: Tape) -> Variable {
    guard let logq = output.logProbabilities else {
      preconditionFailure("surrogateLoss needs the output of a ReinforceQuantizer")
    }
    let (n, m) = (output.imageCount, output.latentCount)
    precondition(logLikelihood.value.count == n, "need one log-likelihood per image (\(n)), got \(logLikelihood.shape)")
    let constant = { (v: Float) in Variable(Tensor(v), requiresGrad: false) }
    let logp = tape.reshaped(logLikelihood, to: [n, 1])
    let chosen = tape.selected(logq, at: output.indices[0])  // log q_i(z_i), [M, 1]
    let logRatio = tape.subtract(chosen, chosen.detached())  // log r_i: value 0
    let imageRatio = tape.exp(tape.sum(tape.reshaped(logRatio, to: [n, m / n]), axis: 1))  // R per image, [N, 1]
    let b = baseline?.value ?? 0
    let likelihood = tape.add(tape.multiply(imageRatio, tape.subtract(logp, constant(b))), constant(b))
    let entropyWeight = Variable(
      Tensor(shape: [m, 1], scalars: chosen.value.scalars.map { 1 + $0 }), requiresGrad: false)
    let logK = Float.log(Float(codes))
    let divergence = tape.subtract(
      constant(Float(m) * (1 - logK)), tape.sum(tape.multiply(tape.exp(logRatio), entropyWeight)))
    let objective = tape.add(tape.sum(likelihood), divergence)
    return tape.scaled(objective, by: -1 / Float(n))
  }

  /// The decoder's codes for `z [N, H, W, D]`: `argmax_k log q(k|x)` per latent, without a tape.
  public func indices(for z: Tensor) -> [Int32] {
    let tape = Tape(isRecording: false)
    return Categorical.argmax(
      projection.logProbabilities(Variable(z, requiresGrad: false), on: tape).value.scalars, width: codes)
  }
}
