import Layers
import Tensors

/// A 1×1 convolution from `D` channels to `K` logits per latent: `ℓ[n,h,w,:] = z[n,h,w,:] · W + b`, with
/// `W [1, 1, D, K]` and `b [K]` (the categorical quantizers' own parameters, φ's last layer).
public final class LogitProjection: Layer {
  public let weight: Variable
  public let bias: Variable

  /// Takes existing parameters (e.g. loaded from a file, or shared with a gradient check).
  public init(weight: Variable, bias: Variable) {
    precondition(
      weight.shape.count == 4 && weight.shape[0] == 1 && weight.shape[1] == 1,
      "LogitProjection needs weight [1, 1, D, K], got \(weight.shape)")
    precondition(bias.shape == [weight.shape[3]], "LogitProjection bias must be [K], got \(bias.shape)")
    (self.weight, self.bias) = (weight, bias)
  }

  /// PyTorch's default initialisation: uniform in ±1/√D.
  public convenience init(dimension: Int, codes: Int, using rng: inout some RandomNumberGenerator) {
    let bound = 1 / Float(dimension).squareRoot()
    self.init(
      weight: Variable(
        .uniform(shape: [1, 1, dimension, codes], in: -bound...bound, using: &rng), name: "projection.weight"),
      bias: Variable(.uniform(shape: [codes], in: -bound...bound, using: &rng), name: "projection.bias"))
  }

  public var dimension: Int { weight.shape[2] }
  public var codes: Int { weight.shape[3] }
  public var parameters: [Variable] { [weight, bias] }

  /// `z [N, H, W, D]` → logits `[N, H, W, K]`.
  public func callAsFunction(_ z: Variable, on tape: Tape) -> Variable {
    tape.conv2d(z, weight: weight, bias: bias)
  }

  /// `log q(k | x)` for every latent, `[N·H·W, K]` (log-softmax of the logits).
  public func logProbabilities(_ z: Variable, on tape: Tape) -> Variable {
    let logits = self(z, on: tape)
    return tape.logSoftmax(tape.reshaped(logits, to: [logits.value.count / codes, codes]))
  }
}
