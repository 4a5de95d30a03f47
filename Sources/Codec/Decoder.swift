import Layers
import Tensors

/// Latents `[N, h, w, D]` → image `[N, h·f, w·f, 3]`: a 3×3 convolution D → width, residual blocks, ReLU, then log2(f)
/// stride-2 4×4 transposed convolutions (width → … → width/2 → 3) with ReLU (or IGDN) between them. With f = 4 and the
/// `bench-f4` widths this is exactly DESIGN.md's decoder. The output is not clamped (training sees the raw values).
public final class Decoder: Layer {
  public let trunk: Conv2d
  public let blocks: [ResidualBlock]
  public let upsampling: [ConvTranspose2d]
  /// One IGDN after each transposed convolution but the last, or none (ReLU).
  public let normalizations: [GeneralizedDivisiveNormalization]

  /// The layers of `c.plan`, initialised in file order.
  public init(_ c: ModelConfiguration, using rng: inout some RandomNumberGenerator) {
    let plan = c.plan
    trunk = Conv2d(plan.decoderTrunk, using: &rng)
    blocks = plan.decoderBlocks.map { ResidualBlock($0, using: &rng) }
    upsampling = plan.upsampling.map { ConvTranspose2d($0, using: &rng) }
    normalizations = plan.decoderNormalizations.map { GeneralizedDivisiveNormalization($0) }
  }

  public var parameters: [Variable] {
    trunk.parameters + blocks.flatMap(\.parameters) + upsampling.flatMap(\.parameters)
      + normalizations.flatMap(\.parameters)
  }

  public func callAsFunction(_ z: Variable, on tape: Tape) -> Variable {
    var h = trunk(z, on: tape)
    for block in blocks { h = block(h, on: tape) }
    h = tape.relu(h)
    for (i, conv) in upsampling.enumerated() {
      let last = i == upsampling.count - 1
      h = conv(h, on: tape, reluOutput: !last && normalizations.isEmpty)
      if !last && !normalizations.isEmpty { h = normalizations[i](h, on: tape) }
    }
    return h
  }
}
