import Codec
import Layers
import Tensors
import Testing

/// Layer structure of every preset: log2(f) stride-2 4×4 convolutions 3 → width/2 → width → …, a 3×3 trunk,
/// the residual blocks, a 1×1 projection to D; and the output grid is the input's divided by f.
@Test(arguments: ModelConfiguration.presets.keys.sorted())
func encoderStructureAndShapes(name: String) {
  let c = ModelConfiguration.presets[name]!
  var rng = SplitMix64(seed: 2)
  let encoder = Encoder(c, using: &rng)
  #expect(encoder.downsampling.count == c.downsamplingLayers)
  var channels = 3
  for (layer, conv) in encoder.downsampling.enumerated() {
    let out = layer == 0 ? c.width / 2 : c.width
    #expect(conv.weight.shape == [4, 4, channels, out], "down\(layer)")
    #expect(conv.stride == 2 && conv.padding == 1)
    channels = out
  }
  #expect(encoder.trunk.weight.shape == [3, 3, channels, c.width] && encoder.trunk.padding == 1)
  #expect(encoder.blocks.count == c.residualBlocks)
  for block in encoder.blocks {
    #expect(block.conv3x3.weight.shape == [3, 3, c.width, c.residualHidden])
    #expect(block.conv1x1.weight.shape == [1, 1, c.residualHidden, c.width])
  }
  #expect(encoder.projection.weight.shape == [1, 1, c.width, c.latentDimension])
  #expect(encoder.normalizations.count == (c.activation == .gdn ? c.downsamplingLayers : 0))
  #expect(Set(encoder.parameters.map(\.name)).count == encoder.parameters.count)
  #expect(encoder.parameters.allSatisfy { $0.name.hasPrefix("encoder.") })

  let x = Variable(
    Tensor.uniform(shape: [1, 2 * c.downsampling, 3 * c.downsampling, 3], in: -0.5...0.5, using: &rng),
    requiresGrad: false)
  #expect(encoder(x, on: Tape(isRecording: false)).shape == [1, 2, 3, c.latentDimension])
}

/// The encoder is exactly its documented composition of ops (ReLU after each downsampling, ReLU before projection).
@Test func encoderEqualsTheComposedOps() {
  let c = ModelConfiguration.presets["tiny"]!
  var rng = SplitMix64(seed: 3)
  let encoder = Encoder(c, using: &rng)
  let x = Variable(Tensor.uniform(shape: [2, 8, 12, 3], in: -0.5...0.5, using: &rng), requiresGrad: false)
  let tape = Tape(isRecording: false)
  var h = x
  for conv in encoder.downsampling {
    h = tape.relu(tape.conv2d(h, weight: conv.weight, bias: conv.bias, stride: 2, padding: 1))
  }
  h = tape.conv2d(h, weight: encoder.trunk.weight, bias: encoder.trunk.bias, stride: 1, padding: 1)
  for block in encoder.blocks { h = block(h, on: tape) }
  let expected = tape.conv2d(tape.relu(h), weight: encoder.projection.weight, bias: encoder.projection.bias)
  #expect(encoder(x, on: tape).value == expected.value)
}

/// With every weight and bias zero, each residual block is the identity and each convolution outputs its bias; by
/// hand: the trunk bias alternates −1.5, −0.5, 0.5, 1.5, ReLU keeps 0.5 + 1.5 = 2 per group of four channels, and an
/// all-ones projection sums them (width/4 · 2) and adds its own bias. For `bench-f4`: 64 latents of 64 + d.
@Test(arguments: ["tiny", "bench-f4"])
func encoderWithZeroWeightsOnAHandComputedCase(name: String) {
  let c = ModelConfiguration.presets[name]!
  var rng = SplitMix64(seed: 4)
  let encoder = Encoder(c, using: &rng)
  for p in encoder.parameters { p.value = Tensor(zeros: p.shape) }
  encoder.trunk.bias.value = Tensor(shape: [c.width], scalars: (0..<c.width).map { Float($0 % 4) - 1.5 })
  encoder.projection.weight.value = Tensor(repeating: 1, shape: encoder.projection.weight.shape)
  encoder.projection.bias.value = Tensor(shape: [c.latentDimension], scalars: (0..<c.latentDimension).map { Float($0) })
  let x = Tensor.uniform(shape: [1, c.downsampling, 2 * c.downsampling, 3], in: -0.5...0.5, using: &rng)
  let y = encoder(Variable(x, requiresGrad: false), on: Tape(isRecording: false))
  let positive = Float(c.width / 4) * 2
  #expect(y.shape == [1, 1, 2, c.latentDimension])
  #expect(y.value.scalars == (0..<2).flatMap { _ in (0..<c.latentDimension).map { positive + Float($0) } })
}
