import Codec
import Quantizers

/// Everything `vqcodec train` decides; the same options and seed give the same run.
public struct TrainingOptions: Sendable {
  public var configuration: ModelConfiguration
  public var estimator: Estimator = .straightThrough
  public var quantizer = QuantizerOptions()
  /// Stop after this many steps, or after `minutes` of wall time, whichever comes first.
  public var steps: Int = 10_000
  public var minutes: Double?
  /// The global batch: split into `shardCount` shards, whatever the number of ranks.
  public var batch = 16
  /// Shards per step (`ShardPlan`); nil for `ShardPlan.defaultShards(batch:)`.
  public var shards: Int?
  public var crop = 128
  public var learningRate: Float = 4e-4
  public var warmupSteps = 200
  public var weightDecay: Float = 0
  public var gradientClip: Float = 1
  public var seed: UInt64 = 0
  /// Straight-through residual models: this many steps at the start skip the quantizer (the encoder's latents go
  /// to the decoder unquantized, MSE only), then k-means starts the codebooks from the trained encoder's latents.
  /// The transforms first learn what the architecture can carry (Docs/BENCHMARKS.md, lever 10).
  public var unquantizedSteps = 0
  /// After them, the share of steps (drawn per step from the seed) that also skip the quantizer, so that the
  /// transforms keep using what finer latents carry while the other steps teach them the coarse ones.
  public var unquantizedShare: Float = 0
  /// Quantizer dropout draws the active stages from `minimumActiveStages...S`: above 1, the coarse stages are still
  /// trained as a prefix but the decoder no longer spends itself on them alone, for a model meant for high rates.
  public var minimumActiveStages = 1
  /// Fingerprint (hex) of the model whose encoder and decoder this run started from, if it is a fine-tune.
  public var initializedFrom: String?
  /// How many stages' codebooks that model gave this run (`--keep-codebooks`); the others started from k-means.
  public var keptCodebookStages = 0
  /// Gumbel-softmax temperature schedule.
  public var temperature = TemperatureSchedule(start: 1, end: 0.1, steps: 5000)
  /// σ of the Gaussian likelihood `p(x|z)` in the ELBO log and the REINFORCE signal (pixels in [-0.5, 0.5]).
  public var likelihoodSigma: Float = 0.1
  public var checkpointEvery = 500
  public var validateEvery = 500
  public var logEvery = 50

  public init(configuration: ModelConfiguration) { self.configuration = configuration }

  public var shardPlan: ShardPlan { ShardPlan(batch: batch, shards: shards ?? ShardPlan.defaultShards(batch: batch)) }
}
