import Layers
import Tensors

/// Image `[N, H, W, 3]` in [-0.5, 0.5] → latents `[N, H/f, W/f, D]`: log2(f) stride-2 4×4 convolutions
/// (3 → width/2 → width → …), each with ReLU (or GDN, `ModelConfiguration.Activation`), a 3×3 convolution, residual
/// blocks, ReLU, and a 1×1 projection to D.
/// With f = 4 and the `bench-f4` widths this is exactly DESIGN.md's encoder.
public final class Encoder: Layer {
  public let downsampling: [Conv2d]
  public let trunk: Conv2d
  public let blocks: [ResidualBlock]
  public let projection: Conv2d
  /// One GDN per stride-2 layer, or none (ReLU).
  public let normalizations: [GeneralizedDivisiveNormalization]

  /// The layers of `c.plan`, initialised in file order (the order of the random draws is part of the format of
  /// seeds: the same seed gives the same model).
  public init(_ c: ModelConfiguration, using rng: inout some RandomNumberGenerator) {
    let plan = c.plan
    downsampling = plan.downsampling.map { Conv2d($0, using: &rng) }
    trunk = Conv2d(plan.encoderTrunk, using: &rng)
    blocks = plan.encoderBlocks.map { ResidualBlock($0, using: &rng) }
    projection = Conv2d(plan.projection, using: &rng)
    normalizations = plan.encoderNormalizations.map { GeneralizedDivisiveNormalization($0) }
  }

  public var parameters: [Variable] {
    downsampling.flatMap(\.parameters) + trunk.parameters + blocks.flatMap(\.parameters) + projection.parameters
      + normalizations.flatMap(\.parameters)
  }

  public func callAsFunction(_ x: Variable, on tape: Tape) -> Variable {
    var h = x
    for (i, conv) in downsampling.enumerated() {
      h = normalizations.isEmpty ? tape.relu(conv(h, on: tape)) : normalizations[i](conv(h, on: tape), on: tape)
    }
    h = trunk(h, on: tape)
    for block in blocks { h = block(h, on: tape) }
    return projection(tape.relu(h), on: tape)
  }
}
