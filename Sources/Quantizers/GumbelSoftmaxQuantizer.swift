import RealModule
import Tensors

/// Gumbel-softmax quantization (Jang et al. 2016; Maddison et al. 2016): per latent, `K` logits from a 1×1
/// projection give `log q(·|x)`; training draws `g_k ~ Gumbel(0, 1)` and feeds the decoder
/// `z = Σ_k y_k e_k` with `y = softmax((log q + g)/τ)`; `hard` mode's forward uses the one-hot
/// `argmax_k (log q_k + g_k)` (a sample of `q`, Gumbel-max) while gradients follow the soft `y`.
///
/// Loss: `klWeight · mean_i (log K − H(q_i))`, the KL to the uniform prior (eq. 3) per latent.
/// The temperature `τ` is set by the trainer before each step (`TemperatureSchedule`). On an inference tape the
/// quantizer takes `argmax_k log q_k` and looks its code up: deterministic, no noise.
public final class GumbelSoftmaxQuantizer: Quantizer {
  public let projection: LogitProjection
  public let codebook: Codebook
  /// One-hot forward, soft backward.
  public let hard: Bool
  /// Weight of the KL term in `loss`.
  public let klWeight: Float
  /// τ for the next training batch.
  public var temperature: Float = 1 {
    didSet { precondition(temperature > 0, "temperature must be positive") }
  }

  public init(projection: LogitProjection, codebook: Codebook, hard: Bool, klWeight: Float) {
    precondition(
      projection.codes == codebook.codes,
      "projection gives \(projection.codes) logits, codebook has \(codebook.codes) codes")
    (self.projection, self.codebook, self.hard, self.klWeight) = (projection, codebook, hard, klWeight)
  }

  /// A fresh projection `D → K` and codebook `[K, D]` (uniform ±1/K).
  public convenience init(
    codes: Int, dimension: Int, hard: Bool = true, klWeight: Float, using rng: inout some RandomNumberGenerator
  ) {
    self.init(
      projection: LogitProjection(dimension: dimension, codes: codes, using: &rng),
      codebook: Codebook(codes: codes, dimension: dimension, using: &rng), hard: hard, klWeight: klWeight)
  }

  public var codes: Int { codebook.codes }
  public var parameters: [Variable] { projection.parameters + [codebook.embeddings] }

  public func quantize(_ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator) -> QuantizerOutput {
    let k = codes
    let logq = projection.logProbabilities(z, on: tape)
    let outShape = Array(z.shape.dropLast()) + [codebook.dimension]
    let indices: [Int32]
    let quantized: Variable
    if tape.isRecording {
      let noise = Tensor(shape: logq.shape, scalars: Categorical.gumbelNoise(count: logq.value.count, using: &rng))
      let perturbed = tape.add(logq, Variable(noise, requiresGrad: false))
      indices = Categorical.argmax(perturbed.value.scalars, width: k)
      var y = tape.softmax(tape.scaled(perturbed, by: 1 / temperature))
      if hard { y = tape.straightThrough(y, to: Categorical.oneHot(indices, width: k)) }
      quantized = tape.reshaped(tape.matmul(y, codebook.embeddings), to: outShape)
    } else {
      indices = Categorical.argmax(logq.value.scalars, width: k)
      quantized = tape.reshaped(codebook.lookup(indices, on: tape), to: outShape)
    }
    let logK = Float.log(Float(k))
    let entropy = tape.mean(tape.entropy(logq))
    let kl = tape.subtract(Variable(Tensor(logK), requiresGrad: false), entropy)
    return QuantizerOutput(
      quantized: quantized, indices: [indices], loss: tape.scaled(kl, by: klWeight),
      usage: [CodebookUsage(indices: indices, codes: k)], entropy: entropy.value.item,
      logCodeCount: logK, logProbabilities: logq)
  }

  /// The decoder's codes for `z [N, H, W, D]`: `argmax_k log q(k|x)` per latent, without a tape.
  public func indices(for z: Tensor) -> [Int32] {
    let tape = Tape(isRecording: false)
    return Categorical.argmax(
      projection.logProbabilities(Variable(z, requiresGrad: false), on: tape).value.scalars, width: codes)
  }
}
