import Layers
import Tensors

/// Image `[N, H, W, 3]` in [-0.5, 0.5] → latents `[N, H/f, W/f, D]`: log2(f) stride-2 4×4 convolutions
/// (3 → width/2 → width → …), each with ReLU, a 3×3 convolution, residual blocks, ReLU, and a 1×1 projection to D.
/// With f = 4 and the `bench-f4` widths this is exactly DESIGN.md's encoder.
public final class Encoder: Layer {
  public let downsampling: [Conv2d]
  public let trunk: Conv2d
  public let blocks: [ResidualBlock]
  public let projection: Conv2d

  public init(_ c: ModelConfiguration, using rng: inout some RandomNumberGenerator) {
    downsampling = c.downsamplingChannels.enumerated().map { layer, channels in
      let conv = Conv2d(
        inChannels: channels.input, outChannels: channels.output, kernelSize: 4, stride: 2, padding: 1, using: &rng)
      conv.nameParameters("down\(layer)")
      return conv
    }
    trunk = Conv2d(
      inChannels: c.downsamplingChannels.last?.output ?? 3, outChannels: c.width, kernelSize: 3, padding: 1, using: &rng
    )
    trunk.nameParameters("trunk")
    blocks = (0..<c.residualBlocks).map { i in
      let block = ResidualBlock(channels: c.width, hidden: c.residualHidden, using: &rng)
      block.nameParameters("block\(i)")
      return block
    }
    projection = Conv2d(inChannels: c.width, outChannels: c.latentDimension, kernelSize: 1, using: &rng)
    projection.nameParameters("projection")
    nameParameters("encoder")
  }

  public var parameters: [Variable] {
    downsampling.flatMap(\.parameters) + trunk.parameters + blocks.flatMap(\.parameters) + projection.parameters
  }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    var h = x
    for conv in downsampling { h = tape.relu(conv(h, on: tape)) }
    h = trunk(h, on: tape)
    for block in blocks { h = block(h, on: tape) }
    return projection(tape.relu(h), on: tape)
  }
}
