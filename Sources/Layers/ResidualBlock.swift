import Tensors

/// `x + conv1×1(hidden→channels)(ReLU(conv3×3(channels→hidden)(ReLU(x))))`, the block of VQ-VAE and `bench-f4`.
public final class ResidualBlock: Layer {
  public let conv3x3: Conv2d
  public let conv1x1: Conv2d

  public init(channels: Int, hidden: Int, using rng: inout some RandomNumberGenerator) {
    conv3x3 = Conv2d(inChannels: channels, outChannels: hidden, kernelSize: 3, padding: 1, using: &rng)
    conv1x1 = Conv2d(inChannels: hidden, outChannels: channels, kernelSize: 1, using: &rng)
    conv3x3.nameParameters("conv3x3")
    conv1x1.nameParameters("conv1x1")
  }

  public var parameters: [Variable] { conv3x3.parameters + conv1x1.parameters }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    conv1x1(conv3x3(x, on: tape, reluInput: true, reluOutput: true), on: tape, adding: x)
  }
}
