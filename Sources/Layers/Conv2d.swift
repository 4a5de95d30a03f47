import Tensors

/// 2-D convolution of NHWC input (`Tape.conv2d`): weight `[KH, KW, inChannels, outChannels]`, bias `[outChannels]`.
///
/// `Tape.conv2d` picks one of three paths from the shapes and the tape, all in `Sources/Tensors`:
/// - im2col + one GEMM over the batch, backward = two GEMMs + col2im (`Ops/Conv2d.swift`; a 1×1 skips im2col);
/// - a stride-1 convolution that narrows its channels (the residual blocks' 3×3) as the transposed convolution it
///   equals, forward and backward (`Ops/Conv2d+Narrowing.swift`, on `Ops/ConvTranspose2d.swift`'s kernels);
/// - on an inference tape with an image-sized input, `KH` GEMMs over shifted views of the padded input, bit-identical
///   to im2col (`Kernels/ShiftedConvolution.swift`), with the fused ReLUs and residual sum of the calls below.
public final class Conv2d: Layer {
  public let weight: Variable
  public let bias: Variable
  public let stride: Int, padding: Int

  /// PyTorch's default initialisation: weight and bias uniform in ±1/√fanIn, fanIn = inChannels·k².
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    using rng: inout some RandomNumberGenerator
  ) {
    let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
    weight = Variable(
      .uniform(shape: [kernelSize, kernelSize, inChannels, outChannels], in: -bound...bound, using: &rng),
      name: "weight")
    bias = Variable(.uniform(shape: [outChannels], in: -bound...bound, using: &rng), name: "bias")
    (self.stride, self.padding) = (stride, padding)
  }

  public var parameters: [Variable] { [weight, bias] }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    tape.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
  }

  /// `residual + self(x)` for a 1×1 convolution, fused where the engine can (`Tape.conv2d(…adding:)`).
  public func callAsFunction(_ x: Variable, on tape: Tape, adding residual: Variable) -> Variable {
    precondition(stride == 1 && padding == 0, "adding a residual needs a 1×1, stride-1, unpadded convolution")
    return tape.conv2d(x, weight: weight, bias: bias, adding: residual)
  }

  /// `relu(self(relu(x)))` with either ReLU optional, fused where the engine can (`Tape.conv2d(…reluInput:…)`).
  public func callAsFunction(_ x: Variable, on tape: Tape, reluInput: Bool, reluOutput: Bool) -> Variable {
    tape.conv2d(
      x, weight: weight, bias: bias, stride: stride, padding: padding, reluInput: reluInput, reluOutput: reluOutput)
  }
}
