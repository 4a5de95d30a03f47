import Codec
import Layers
import Tensors
import Testing

/// Layer structure of every preset: a 3×3 convolution D → width, the residual blocks, then log2(f) stride-2 4×4
/// transposed convolutions width → … → width/2 → 3; the output grid is the latent grid times f.
@Test(arguments: ModelConfiguration.presets.keys.sorted())
func decoderStructureAndShapes(name: String) {
  let c = ModelConfiguration.presets[name]!
  var rng = SplitMix64(seed: 5)
  let decoder = Decoder(c, using: &rng)
  #expect(decoder.trunk.weight.shape == [3, 3, c.latentDimension, c.width] && decoder.trunk.padding == 1)
  #expect(decoder.blocks.count == c.residualBlocks)
  #expect(decoder.upsampling.count == c.downsamplingLayers)
  var channels = c.width
  for (layer, conv) in decoder.upsampling.enumerated() {
    let last = layer == decoder.upsampling.count - 1
    let out = last ? 3 : (layer == decoder.upsampling.count - 2 ? c.width / 2 : c.width)
    // ConvTranspose2d weights are [k, k, out, in].
    #expect(conv.weight.shape == [4, 4, out, channels], "up\(layer)")
    #expect(conv.stride == 2 && conv.padding == 1)
    channels = out
  }
  #expect(channels == 3)
  #expect(Set(decoder.parameters.map(\.name)).count == decoder.parameters.count)
  #expect(decoder.parameters.allSatisfy { $0.name.hasPrefix("decoder.") })

  let z = Variable(
    Tensor.uniform(shape: [1, 2, 3, c.latentDimension], in: -0.5...0.5, using: &rng), requiresGrad: false)
  #expect(decoder(z, on: Tape(isRecording: false)).shape == [1, 2 * c.downsampling, 3 * c.downsampling, 3])
}

@Test func decoderEqualsTheComposedOps() {
  let c = ModelConfiguration.presets["tiny"]!
  var rng = SplitMix64(seed: 6)
  let decoder = Decoder(c, using: &rng)
  let z = Variable(Tensor.uniform(shape: [2, 2, 3, c.latentDimension], in: -1...1, using: &rng), requiresGrad: false)
  let tape = Tape(isRecording: false)
  var h = tape.conv2d(z, weight: decoder.trunk.weight, bias: decoder.trunk.bias, stride: 1, padding: 1)
  for block in decoder.blocks { h = block(h, on: tape) }
  h = tape.relu(h)
  for (i, conv) in decoder.upsampling.enumerated() {
    h = tape.convTranspose2d(h, weight: conv.weight, bias: conv.bias, stride: 2, padding: 1)
    if i < decoder.upsampling.count - 1 { h = tape.relu(h) }
  }
  #expect(decoder(z, on: tape).value == h.value)
}

/// With zero weights and biases (residual blocks are then the identity) the decoder outputs its last bias
/// everywhere, unclamped (training sees raw values).
@Test(arguments: ["tiny", "bench-f4"])
func decoderWithZeroWeightsOutputsTheLastBias(name: String) {
  let c = ModelConfiguration.presets[name]!
  var rng = SplitMix64(seed: 7)
  let decoder = Decoder(c, using: &rng)
  for p in decoder.parameters { p.value = Tensor(zeros: p.shape) }
  decoder.upsampling.last!.bias.value = Tensor(shape: [3], scalars: [-2, 0.25, 3])
  let y = decoder(
    Variable(Tensor.uniform(shape: [1, 1, 2, c.latentDimension], in: -1...1, using: &rng), requiresGrad: false),
    on: Tape(isRecording: false))
  #expect(y.shape == [1, c.downsampling, 2 * c.downsampling, 3])
  #expect(y.value.scalars == (0..<2 * c.downsampling * c.downsampling).flatMap { _ in [Float(-2), 0.25, 3] })
}
