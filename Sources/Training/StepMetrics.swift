import Foundation

/// What one training step measured, for the progress line and the metrics log.
public struct StepMetrics: Sendable {
  public var step = 0
  public var loss: Float = 0
  public var meanSquaredError: Float = 0
  /// PSNR of the batch in dB (peak 1 in [-0.5, 0.5] units).
  public var psnr: Double { meanSquaredError > 0 ? -10 * log10(Double(meanSquaredError)) : .infinity }
  /// ELBO terms per latent in nats (eq. 4): E[log p(x|z)] is per image.
  public var logLikelihood: Float = 0
  public var entropy: Float = 0
  public var logCodeCount: Float = 0
  /// Perplexity and used codes of the first stage's codebook in this batch.
  public var perplexity: Double = 0
  public var usedCodes = 0
  public var activeStages = 1
  public var gradientNorm: Float = 0
  public var learningRate: Float = 0
  public var temperature: Float?
  public var imagesPerSecond: Double = 0
  /// Seconds in the step's exchange of shard records between ranks, waiting for the slowest rank included (about 0
  /// in one process).
  public var communicationSeconds: Double = 0
}
