import Tensors

/// GDN (Ballé, Laparra and Simoncelli, "Density modeling of images using a generalized normalization
/// transformation", 2016) over the channels of NHWC input: `y_i = x_i / √(β_i + Σ_j γ_ij x_j²)`, or with `inverse`
/// (IGDN, the decoder's) `y_i = x_i · √(…)`. In place of the ReLU after a stride-2 convolution it lets the encoder
/// divide out local contrast and the decoder put it back, which learned image codecs rely on (capacity probe,
/// `Docs/BENCHMARKS.md`, lever 9).
///
/// β and γ stay positive as squares of the stored parameters, β with 10⁻⁶ added so the root never meets zero; they
/// start at β = 1 and γ = 0.1·I. The sum over j is a 1×1 convolution of x², so it runs on the engine's GEMM.
public final class GeneralizedDivisiveNormalization: Layer {
  /// `[C]`; β_i = beta_i² + 10⁻⁶.
  public let beta: Variable
  /// `[1, 1, C, C]`, a 1×1 convolution's weight: γ_ij = gamma[0, 0, j, i]².
  public let gamma: Variable
  public let inverse: Bool

  public init(channels: Int, inverse: Bool) {
    beta = Variable(Tensor(repeating: 1, shape: [channels]), name: "beta")
    var identity = [Float](repeating: 0, count: channels * channels)
    for i in 0..<channels { identity[i * channels + i] = Float(0.1).squareRoot() }
    gamma = Variable(Tensor(shape: [1, 1, channels, channels], scalars: identity), name: "gamma")
    self.inverse = inverse
  }

  public var parameters: [Variable] { [beta, gamma] }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    Self.normalize(x, beta: beta, gamma: gamma, inverse: inverse, on: tape)
  }

  /// The layer as a function of its parameters (the gradient check passes its own).
  static func normalize(_ x: Variable, beta: Variable, gamma: Variable, inverse: Bool, on tape: Tape) -> Variable {
    let epsilon = Variable(Tensor(repeating: 1e-6, shape: beta.shape), requiresGrad: false)
    let energy = tape.conv2d(tape.square(x), weight: tape.square(gamma), bias: tape.add(tape.square(beta), epsilon))
    return tape.divisiveNormalization(x, energy: energy, inverse: inverse)
  }
}
