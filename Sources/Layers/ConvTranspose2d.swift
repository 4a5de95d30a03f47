import Tensors

/// Transposed 2-D convolution of NHWC input (`Tape.convTranspose2d`): weight `[KH, KW, outChannels, inChannels]`.
public final class ConvTranspose2d: Layer {
  public let weight: Variable
  public let bias: Variable
  public let stride: Int, padding: Int

  /// PyTorch's default initialisation for `ConvTranspose2d`: uniform in ±1/√(outChannels·k²) (PyTorch reads fan-in
  /// from the weight's second dimension, which is the output channels for a transposed convolution).
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    using rng: inout some RandomNumberGenerator
  ) {
    let bound = 1 / Float(outChannels * kernelSize * kernelSize).squareRoot()
    weight = Variable(
      .uniform(shape: [kernelSize, kernelSize, outChannels, inChannels], in: -bound...bound, using: &rng),
      name: "weight")
    bias = Variable(.uniform(shape: [outChannels], in: -bound...bound, using: &rng), name: "bias")
    (self.stride, self.padding) = (stride, padding)
  }

  public var parameters: [Variable] { [weight, bias] }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    tape.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
  }

  /// `relu(self(x))`, fused where the engine can (`Tape.convTranspose2d(…reluOutput:)`).
  public func callAsFunction(_ x: Variable, on tape: Tape, reluOutput: Bool) -> Variable {
    tape.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, reluOutput: reluOutput)
  }
}
