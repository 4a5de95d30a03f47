import Tensors

/// What every quantizer returns for a batch `z_e [N, H, W, D]`.
public struct QuantizerOutput {
  /// The latents the decoder consumes, `[N, H, W, D]`.
  public let quantized: Variable
  /// Chosen codes, one array per stage (one for single-stage quantizers), row-major over `N·H·W`.
  public let indices: [[Int32]]
  /// The quantizer's own term, already weighted, shape `[1]`: add it to the reconstruction loss. (Zero for
  /// `ReinforceQuantizer`, whose whole objective comes from `surrogateLoss`.)
  public let loss: Variable
  /// Usage of each stage's codebook in this batch.
  public let usage: [CodebookUsage]
  /// `H(q(z_i|x))` in nats, averaged over latents (0 for deterministic nearest-code quantizers).
  public let entropy: Float
  /// `log K` in nats per latent (summed over active stages for residual quantizers): with `entropy`, the KL to
  /// the uniform prior per latent is `logCodeCount − entropy` (eq. 3), and the ELBO per image (eq. 4) is
  /// `E[log p(x|z)] + H·W·(entropy − logCodeCount)`.
  public let logCodeCount: Float
  /// `log q(k | x)` for each latent, `[N·H·W, K]`, on the tape; nil for nearest-code quantizers.
  public let logProbabilities: Variable?

  public init(
    quantized: Variable, indices: [[Int32]], loss: Variable, usage: [CodebookUsage], entropy: Float,
    logCodeCount: Float, logProbabilities: Variable? = nil
  ) {
    (self.quantized, self.indices, self.loss, self.usage) = (quantized, indices, loss, usage)
    (self.entropy, self.logCodeCount, self.logProbabilities) = (entropy, logCodeCount, logProbabilities)
  }

  /// `N·H·W`, the number of latents.
  public var latentCount: Int { quantized.shape.dropLast().reduce(1, *) }
  /// `N`, the number of images.
  public var imageCount: Int { quantized.shape[0] }
  /// KL to the uniform prior per latent in nats, `log K − H(q)` (eq. 3).
  public var divergence: Float { logCodeCount - entropy }
}
