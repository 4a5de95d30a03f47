import Layers
import Quantizers
import Tensors

/// Encoder, quantizer and decoder, with the training objective and the two inference faces the codec uses:
/// `indices(for:stages:)` and `reconstruction(from:latentShape:)`. Both look codes up through the same codebooks
/// as training, so coding cannot drift from what was trained.
public final class VQModel {
  /// The quantizer, typed by estimator.
  public enum Bottleneck {
    case residual(ResidualQuantizer)
    case gumbel(GumbelSoftmaxQuantizer)
    case reinforce(ReinforceQuantizer)

    public var quantizer: any Quantizer {
      switch self {
      case .residual(let q): q
      case .gumbel(let q): q
      case .reinforce(let q): q
      }
    }
  }

  public let configuration: ModelConfiguration
  public let estimator: Estimator
  public let encoder: Encoder
  public let bottleneck: Bottleneck
  public let decoder: Decoder
  /// Index frequencies per stage over the training set: the entropy coder's static prior.
  public var indexPrior: [[UInt32]]

  /// A freshly initialised model. Gumbel and REINFORCE models have one stage.
  public init(
    _ configuration: ModelConfiguration, estimator: Estimator = .straightThrough, options: QuantizerOptions = .init(),
    using rng: inout some RandomNumberGenerator
  ) {
    var configuration = configuration
    if estimator != .straightThrough { configuration.stages = 1 }
    self.configuration = configuration
    self.estimator = estimator
    encoder = Encoder(configuration, using: &rng)
    decoder = Decoder(configuration, using: &rng)
    let (k, d) = (configuration.codebookSize, configuration.latentDimension)
    switch estimator {
    case .straightThrough:
      bottleneck = .residual(
        ResidualQuantizer(
          stageCount: configuration.stages, codes: k, dimension: d, update: options.codebookUpdate,
          commitmentWeight: options.commitmentWeight, initialization: options.initialization,
          restart: options.restartsDeadCodes ? DeadCodeRestart() : nil, quantizerDropout: options.quantizerDropout,
          using: &rng))
    case .gumbel:
      bottleneck = .gumbel(
        GumbelSoftmaxQuantizer(
          codes: k, dimension: d, hard: options.hardGumbel, klWeight: options.klWeight, using: &rng))
    case .reinforce:
      bottleneck = .reinforce(
        ReinforceQuantizer(
          codes: k, dimension: d, baseline: options.usesBaseline ? RunningBaseline() : nil, using: &rng))
    }
    indexPrior = []
    nameQuantizerTensors()
  }

  private func nameQuantizerTensors() {
    switch bottleneck {
    case .residual(let q):
      for (s, stage) in q.stages.enumerated() { stage.codebook.embeddings.name = "quantizer.stage\(s).codebook" }
    case .gumbel(let q):
      q.codebook.embeddings.name = "quantizer.codebook"
      q.projection.nameParameters("quantizer.projection")
    case .reinforce(let q):
      q.codebook.embeddings.name = "quantizer.codebook"
      q.projection.nameParameters("quantizer.projection")
    }
  }

  /// What the optimizer trains.
  public var parameters: [Variable] { encoder.parameters + bottleneck.quantizer.parameters + decoder.parameters }

  /// Everything a model file stores: the trained parameters and every codebook (EMA codebooks are not parameters).
  public var storedTensors: [Variable] {
    switch bottleneck {
    case .residual(let q): encoder.parameters + q.stages.map { $0.codebook.embeddings } + decoder.parameters
    case .gumbel, .reinforce: parameters
    }
  }

  /// A model read from a file has trained codebooks: no k-means initialisation on the next training batch.
  func markCodebooksInitialized() {
    if case .residual(let q) = bottleneck { for stage in q.stages { stage.isInitialized = true } }
  }

  /// Stages a file made with this model may use.
  public var stageCount: Int { configuration.stages }

  // MARK: - Inference

  /// The code indices of an image tensor `[1, H, W, 3]` (H, W multiples of f): one array per stage, row-major.
  public func indices(for image: Tensor, stages: Int) -> [[Int32]] {
    let z = latents(for: image)
    switch bottleneck {
    case .residual(let q): return q.indices(for: z, stages: stages)
    case .gumbel(let q): return [q.indices(for: z)]
    case .reinforce(let q): return [q.indices(for: z)]
    }
  }

  /// The decoded image tensor `[1, h·f, w·f, 3]` (unclamped) for index grids over `latentShape = [1, h, w]`.
  public func reconstruction(from indices: [[Int32]], latentShape: [Int]) -> Tensor {
    let latents: Tensor
    switch bottleneck {
    case .residual(let q): latents = q.reconstruct(from: indices, shape: latentShape)
    case .gumbel(let q): latents = Self.codes(of: indices[0], in: q.codebook, shape: latentShape)
    case .reinforce(let q): latents = Self.codes(of: indices[0], in: q.codebook, shape: latentShape)
    }
    return decoder(Variable(latents, requiresGrad: false), on: Tape(isRecording: false)).value
  }

  private static func codes(of indices: [Int32], in codebook: Codebook, shape: [Int]) -> Tensor {
    var latents = [Float](repeating: 0, count: indices.count * codebook.dimension)
    codebook.addCodes(indices, into: &latents)
    return Tensor(shape: shape + [codebook.dimension], scalars: latents)
  }

  /// The continuous latents `[1, H/f, W/f, D]` of an image tensor `[1, H, W, 3]`, before quantization.
  public func latents(for image: Tensor) -> Tensor {
    encoder(Variable(image, requiresGrad: false), on: Tape(isRecording: false)).value
  }

  /// The codebook of each stage (one for Gumbel and REINFORCE models).
  public var codebooks: [Codebook] {
    switch bottleneck {
    case .residual(let q): q.stages.map(\.codebook)
    case .gumbel(let q): [q.codebook]
    case .reinforce(let q): [q.codebook]
    }
  }
}

/// Quantizer settings chosen at training time.
public struct QuantizerOptions: Sendable {
  public var codebookUpdate: CodebookUpdate = .ema(decay: 0.99)
  /// Straight-through codebooks: k-means++ on the first batch (the default) or the random start of VQ-VAE.
  public var initialization: CodebookInitialization = .kMeansPlusPlus(iterations: 10)
  /// Straight-through: restart codes that fall out of use.
  public var restartsDeadCodes = true
  public var commitmentWeight: Float = 0.25
  public var quantizerDropout = true
  public var hardGumbel = true
  public var klWeight: Float = 5e-4
  public var usesBaseline = true
  public init() {}
}

extension Tensor {
  func reshapedTo(_ shape: [Int]) -> Tensor { Tensor(shape: shape, scalars: scalars) }
}
