import Codec
import Layers
import Quantizers
import Tensors
import Training

/// The gradient estimators `GradientVariance` compares: the three of `Estimator`, REINFORCE twice.
public enum EstimatorVariant: String, CaseIterable, Sendable {
  case straightThrough = "straight-through"
  case gumbel
  case reinforce
  case reinforceNoBaseline = "reinforce-no-baseline"

  public var estimator: Estimator {
    switch self {
    case .straightThrough: .straightThrough
    case .gumbel: .gumbel
    case .reinforce, .reinforceNoBaseline: .reinforce
    }
  }
}

/// Summary of `S` gradient vectors `g_1 … g_S` (over the encoder's parameters, concatenated).
public struct GradientStatistics: Sendable {
  public var samples: Int
  /// `‖ḡ‖`, the norm of the sample mean.
  public var meanNorm: Double
  /// The mean of `‖g_s‖`.
  public var meanSampleNorm: Double
  /// `Σ_j Var(g_j)` (unbiased, over `S − 1`): the expected squared distance of one estimate from the mean.
  public var totalVariance: Double
  /// `‖ḡ‖² / Σ_j Var(g_j)`; infinite when the variance is 0 (a deterministic estimator).
  public var signalToNoise: Double
  /// `(‖ḡ‖² − V/S) / V`: the same ratio with the noise `V/S` that `‖ḡ‖²` carries from a finite `S` removed
  /// (an unbiased estimate of `‖E g‖²/V`). Negative or close to 0 means the signal is below what `S` samples resolve.
  public var signalToNoiseDebiased: Double
  /// The sample mean `ḡ` itself (for cosines between estimators).
  public var mean: [Double]

  /// Welford's one-pass mean and variance in Double.
  public init(_ gradients: [[Float]]) {
    precondition(!gradients.isEmpty, "need at least one gradient")
    let n = gradients[0].count
    var mean = [Double](repeating: 0, count: n)
    var m2 = [Double](repeating: 0, count: n)
    var normSum = 0.0
    for (s, g) in gradients.enumerated() {
      precondition(g.count == n, "gradients differ in size")
      let count = Double(s + 1)
      var squared = 0.0
      for j in 0..<n {
        let x = Double(g[j])
        squared += x * x
        let delta = x - mean[j]
        mean[j] += delta / count
        m2[j] += delta * (x - mean[j])
      }
      normSum += squared.squareRoot()
    }
    let s = gradients.count
    let variance = s > 1 ? m2.reduce(0, +) / Double(s - 1) : 0
    let meanSquared = mean.reduce(0) { $0 + $1 * $1 }
    samples = s
    self.mean = mean
    meanNorm = meanSquared.squareRoot()
    meanSampleNorm = normSum / Double(s)
    totalVariance = variance
    signalToNoise = variance > 0 ? meanSquared / variance : .infinity
    signalToNoiseDebiased = variance > 0 ? (meanSquared - variance / Double(s)) / variance : .infinity
  }

  /// `ḡ_a · ḡ_b / (‖ḡ_a‖ ‖ḡ_b‖)`.
  public func cosine(with other: GradientStatistics) -> Double {
    precondition(mean.count == other.mean.count, "gradients of different models")
    var dot = 0.0
    for j in mean.indices { dot += mean[j] * other.mean[j] }
    let norms = meanNorm * other.meanNorm
    return norms > 0 ? dot / norms : 0
  }
}

/// Measures how noisy each estimator's gradient of the encoder's parameters is.
///
/// Two measurements, both over the `Encoder`'s parameters only (the part every estimator shares; the categorical
/// quantizers' logit projection is left out):
/// - same batch: `S` gradients on ONE fixed batch, only the estimator's own randomness (Gumbel noise,
///   REINFORCE's samples) differs; straight-through is deterministic there (variance exactly 0);
/// - across batches: one gradient on each of `B` different batches: data noise plus estimator noise, the noise SGD
///   actually sees.
///
/// Each gradient is that of the loss `Trainer.trainStep` minimises, before clipping: straight-through
/// `MSE + β·commitment` (+ codebook term with `.gradient` updates), Gumbel `MSE + KL weight·(log K − H)`, REINFORCE
/// the surrogate `−L̂` (the ELBO with the Gaussian likelihood of σ = `options.likelihoodSigma`). The model is not
/// changed: no optimizer step, no EMA update, no restart; the straight-through quantizer runs all its stages
/// (no quantizer dropout, which would add randomness of its own); REINFORCE's baseline is frozen at its
/// warmed-up value.
public final class GradientVariance {
  public let model: VQModel
  public let variant: EstimatorVariant
  public let options: TrainingOptions
  private let trainer: Trainer
  /// The baseline every REINFORCE gradient uses (warmed up by `warmUpBaseline`), nil without one.
  public private(set) var baseline: RunningBaseline?

  /// `model` must have been built for `variant.estimator`; `options` gives σ, the batch size and the crop.
  /// `rng` draws the batches and the estimator's samples.
  public init(model: VQModel, variant: EstimatorVariant, options: TrainingOptions, dataset: ImageDataset) {
    precondition(
      model.estimator == variant.estimator, "a \(model.estimator) model cannot give \(variant.rawValue) gradients")
    (self.model, self.variant, self.options) = (model, variant, options)
    trainer = Trainer(options: options, model: model, dataset: dataset)
    switch model.bottleneck {
    case .residual(let q): q.quantizerDropout = false
    case .reinforce(let q):
      if variant == .reinforceNoBaseline {
        q.baseline = nil
      } else if q.baseline == nil {
        q.baseline = RunningBaseline()
      }
      baseline = q.baseline
    case .gumbel: break
    }
  }

  /// The encoder's parameter count (the length of every gradient vector).
  public var parameterCount: Int { model.encoder.parameters.reduce(0) { $0 + $1.value.count } }

  /// REINFORCE with a baseline: folds the mean log-likelihood of `batches` fresh sampled batches into the baseline
  /// (as the first steps of training would), then keeps it fixed. Does nothing for the other variants.
  public func warmUpBaseline(batches: Int, using rng: inout SplitMix64) {
    guard case .reinforce(let q) = model.bottleneck, q.baseline != nil, batches > 0 else { return }
    for _ in 0..<batches {
      let x = dataset(using: &rng)
      let tape = Tape()
      let output = q.quantize(model.encoder(Variable(x, requiresGrad: false), on: tape), on: tape, using: &rng)
      let logp = gaussianLogLikelihood(
        model.decoder(output.quantized, on: tape), Variable(x, requiresGrad: false), sigma: options.likelihoodSigma,
        on: tape)
      q.baseline?.update(with: logp.value.scalars.reduce(0, +) / Float(x.shape[0]))
    }
    baseline = q.baseline
  }

  /// A random training batch (crops and flips as in training).
  public func dataset(using rng: inout SplitMix64) -> Tensor {
    trainer.dataset.batch(count: options.batch, crop: options.crop, using: &rng)
  }

  /// Straight-through only: initialises the codebooks from `batch` by k-means if they are not (a fresh model),
  /// as the first training step would. Call before measuring so the measurement itself changes no state.
  public func prepare(on batch: Tensor, using rng: inout SplitMix64) {
    guard case .residual(let q) = model.bottleneck, q.stages.contains(where: { !$0.isInitialized }) else { return }
    let tape = Tape()
    _ = q.quantize(model.encoder(Variable(batch, requiresGrad: false), on: tape), on: tape, using: &rng)
  }

  /// One gradient of the training loss on `batch` with respect to the encoder's parameters, concatenated.
  public func encoderGradient(on batch: Tensor, using rng: inout SplitMix64) -> [Float] {
    if let temperature = gumbelTemperature, case .gumbel(let q) = model.bottleneck { q.temperature = temperature }
    let tape = Tape()
    let x = Variable(batch, requiresGrad: false)
    let loss = model.forward(x, on: tape, likelihoodSigma: options.likelihoodSigma, using: &rng).loss
    for p in model.parameters { p.zeroGrad() }
    tape.backward(from: loss)
    var gradient: [Float] = []
    gradient.reserveCapacity(parameterCount)
    for p in model.encoder.parameters { gradient += p.gradTensor.scalars }
    return gradient
  }

  /// Gumbel-softmax τ for every estimate (nil: the quantizer's current value).
  public var gumbelTemperature: Float?

  /// `samples` gradients on the one `batch`.
  public func sameBatch(_ batch: Tensor, samples: Int, using rng: inout SplitMix64) -> GradientStatistics {
    GradientStatistics((0..<samples).map { _ in encoderGradient(on: batch, using: &rng) })
  }

  /// One gradient on each of `batches` fresh batches.
  public func acrossBatches(_ batches: Int, using rng: inout SplitMix64) -> GradientStatistics {
    GradientStatistics(
      (0..<batches).map { _ in
        let batch = dataset(using: &rng)
        return encoderGradient(on: batch, using: &rng)
      })
  }

  /// On `batch`, with the deterministic (inference) quantizer: `H(q(·|x))` in nats per latent (0 for
  /// straight-through) and `log p(x|z)` per image of the decoded mode. No sampling, no state change.
  public func diagnostics(on batch: Tensor) -> (entropy: Float, logLikelihood: Float) {
    let tape = Tape(isRecording: false)
    let x = Variable(batch, requiresGrad: false)
    var rng = SplitMix64(seed: 0)
    let output = model.bottleneck.quantizer.quantize(model.encoder(x, on: tape), on: tape, using: &rng)
    let logp = gaussianLogLikelihood(
      model.decoder(output.quantized, on: tape), x, sigma: options.likelihoodSigma, on: tape)
    return (output.entropy, logp.value.scalars.reduce(0, +) / Float(batch.shape[0]))
  }
}

extension VQModel {
  /// A categorical-quantizer model (`.gumbel` or `.reinforce`) at the same point as the straight-through model
  /// `source`: the same encoder and decoder weights, the source's (first-stage) codebook, and a logit projection
  /// that makes `q(k|x) ∝ exp(−‖z_e − e_k‖² / T)`: `W[d, k] = 2 e_k[d] / T`, `b_k = −‖e_k‖² / T` (the `‖z_e‖²`
  /// term cancels in the softmax). Its mode `argmax_k q(k|x)` is the source's nearest code, so it decodes exactly
  /// as the source; `T → 0` makes the distribution one-hot.
  public static func transplanted(
    from source: VQModel, to estimator: Estimator, logitTemperature t: Float,
    options: QuantizerOptions = .init()
  ) -> VQModel {
    guard case .residual(let residual) = source.bottleneck else {
      preconditionFailure("the source must be a straight-through model")
    }
    precondition(estimator != .straightThrough, "transplant into gumbel or reinforce")
    precondition(t > 0, "the logit temperature must be positive")
    var rng = SplitMix64(seed: 0)
    var configuration = source.configuration
    configuration.stages = 1
    let model = VQModel(configuration, estimator: estimator, options: options, using: &rng)
    for (to, from) in zip(
      model.encoder.parameters + model.decoder.parameters, source.encoder.parameters + source.decoder.parameters)
    {
      precondition(to.shape == from.shape, "parameter \(from.name) differs in shape")
      to.value = from.value
    }
    let codes = residual.stages[0].codebook.embeddings.value
    let (k, d) = (codes.shape[0], codes.shape[1])
    let (codebook, projection): (Codebook, LogitProjection)
    switch model.bottleneck {
    case .gumbel(let q): (codebook, projection) = (q.codebook, q.projection)
    case .reinforce(let q): (codebook, projection) = (q.codebook, q.projection)
    case .residual: preconditionFailure("unreachable")
    }
    codebook.embeddings.value = codes
    var weight = [Float](repeating: 0, count: d * k)
    var bias = [Float](repeating: 0, count: k)
    for c in 0..<k {
      var squared: Float = 0
      for j in 0..<d {
        let e = codes.scalars[c * d + j]
        weight[j * k + c] = 2 * e / t
        squared += e * e
      }
      bias[c] = -squared / t
    }
    projection.weight.value = Tensor(shape: projection.weight.shape, scalars: weight)
    projection.bias.value = Tensor(shape: [k], scalars: bias)
    return model
  }

  /// The mean squared distance `‖z_e − e‖²` from each latent of `batch` to its nearest first-stage code
  /// (straight-through models): a natural scale for `transplanted`'s temperature.
  public func meanNearestDistance(on batch: Tensor) -> Float {
    guard case .residual(let q) = bottleneck else { preconditionFailure("needs a straight-through model") }
    let z = encoder(Variable(batch, requiresGrad: false), on: Tape(isRecording: false)).value
    let distances = q.stages[0].codebook.nearest(to: z.scalars).distances
    return distances.reduce(0, +) / Float(max(1, distances.count))
  }
}
