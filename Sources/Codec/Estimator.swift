/// How gradients pass through the discrete bottleneck during training (`--estimator`); saved in the model file.
public enum Estimator: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  /// VQ-VAE: nearest code, straight-through gradient, residual stages (the codec's default).
  case straightThrough = 0
  /// Gumbel-softmax relaxation of K logits per latent, annealed temperature, KL to the uniform prior.
  case gumbel = 1
  /// The score-function estimator as the notes' one-backward surrogate loss, with a running-mean baseline.
  case reinforce = 2

  public var description: String {
    switch self {
    case .straightThrough: "straight-through"
    case .gumbel: "gumbel"
    case .reinforce: "reinforce"
    }
  }

  public init?(name: String) {
    guard let match = Estimator.allCases.first(where: { $0.description == name }) else { return nil }
    self = match
  }
}
