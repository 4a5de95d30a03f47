import Codec
import Tensors
import Testing

@Test(arguments: ModelConfiguration.presets.keys.sorted())
func presetsAreValid(name: String) throws {
  let c = ModelConfiguration.presets[name]!
  try c.validate()
  #expect(1 << c.downsamplingLayers == c.downsampling)
}

@Test func benchF4IsDesignsNetwork() {
  #expect(
    ModelConfiguration.presets["bench-f4"]
      == ModelConfiguration(
        downsampling: 4, width: 128, residualBlocks: 2, residualHidden: 32, latentDimension: 64, codebookSize: 512,
        stages: 1))
}

/// Narrow versions of every preset's shape (f2…f16, 0…2 blocks, 1…8 stages, ReLU and GDN): building the full presets' models costs
/// seconds in a debug build, and the count's logic only depends on the number of layers.
let narrowConfigurations = [
  microConfiguration, ModelConfiguration.presets["tiny"]!,
  ModelConfiguration(
    downsampling: 8, width: 12, residualBlocks: 2, residualHidden: 5, latentDimension: 3, codebookSize: 7, stages: 4),
  ModelConfiguration(
    downsampling: 16, width: 10, residualBlocks: 2, residualHidden: 3, latentDimension: 6, codebookSize: 5, stages: 8),
  ModelConfiguration(
    downsampling: 8, width: 12, residualBlocks: 2, residualHidden: 5, latentDimension: 3, codebookSize: 7, stages: 4,
    activation: .gdn),
]

/// The plan's tensors (what `ModelFile.parse` counts before building a model, and what exports name) are exactly the
/// built model's, in order, with their shapes.
@Test(arguments: narrowConfigurations, Estimator.allCases)
func plannedTensorsAreTheModelsTensors(configuration: ModelConfiguration, estimator: Estimator) {
  var rng = SplitMix64(seed: 1)
  let model = VQModel(configuration, estimator: estimator, using: &rng)
  let planned = model.configuration.storedTensorShapes(estimator: estimator)
  #expect(planned.map(\.name) == model.storedTensors.map(\.name))
  #expect(planned.map(\.shape) == model.storedTensors.map(\.shape))
  #expect(
    configuration.storedScalarCount(estimator: estimator) == model.storedTensors.reduce(0) { $0 + $1.value.count })
}

/// bench-f4 on a 64×64 image, layer by layer (outputs × inputs × k² per convolution, inputs × outputs × k² per
/// transposed one): down0 32·32·3·64·16, down1 16·16·64·128·16, trunk 16·16·128·128·9, two blocks of
/// 16·16·(128·32·9 + 32·128), projection 16·16·128·64 | codebook search 16·16·512·64 | trunk 16·16·64·128·9, the two
/// blocks, up0 16·16·128·64·16, up1 32·32·64·3·16.
@Test func forwardWorkOfBenchF4ByHand() {
  let work = ModelConfiguration.presets["bench-f4"]!.forwardWork(height: 64, width: 64, batch: 2)
  let blocks = 2 * 256 * (128 * 32 * 9 + 32 * 128)
  #expect(work.encoder == 2 * (3_145_728 + 33_554_432 + 37_748_736 + blocks + 2_097_152))
  #expect(work.quantizer == 2 * 8_388_608)
  #expect(work.decoder == 2 * (18_874_368 + blocks + 33_554_432 + 3_145_728))
}

@Test func storedScalarCountOfTheMicroModelByHand() {
  // f2 width 8 D 2 K 4, two stages: down0 4·4·3·4+4, trunk 3·3·4·8+8, projection 8·2+2 | codebooks 2·4·2 |
  // decoder trunk 3·3·2·8+8, up0 4·4·8·3+3.
  let expected = (196 + 296 + 18) + 16 + (152 + 387)
  #expect(microConfiguration.storedScalarCount(estimator: .straightThrough) == expected)
}

@Test func validationNamesTheField() {
  var c = ModelConfiguration.presets["tiny"]!
  c.codebookSize = 1
  #expect(throws: CodecError.invalidModel("codebook size 1 out of range")) { try c.validate() }
}

/// The width rule, written out by hand for width 16: the encoder 3 → 8 → 16 → …, the decoder its mirror from the
/// trunk's width; and the layers built are the ones the plan lists.
@Test(arguments: [
  (2, [(3, 8)], [(16, 3)]),
  (4, [(3, 8), (8, 16)], [(16, 8), (8, 3)]),
  (8, [(3, 8), (8, 16), (16, 16)], [(16, 16), (16, 8), (8, 3)]),
  (16, [(3, 8), (8, 16), (16, 16), (16, 16)], [(16, 16), (16, 16), (16, 8), (8, 3)]),
])
func layersFollowTheChannelPlan(_ f: Int, down: [(Int, Int)], up: [(Int, Int)]) {
  var c = ModelConfiguration.presets["tiny"]!
  c.downsampling = f
  #expect(c.downsamplingChannels == down.map { ModelConfiguration.Channels(input: $0.0, output: $0.1) })
  #expect(c.upsamplingChannels == up.map { ModelConfiguration.Channels(input: $0.0, output: $0.1) })
  var rng = SplitMix64(seed: 1)
  let encoder = Encoder(c, using: &rng)
  let decoder = Decoder(c, using: &rng)
  // Weights are [k, k, in, out] for convolutions and [k, k, out, in] for transposed ones.
  #expect(encoder.downsampling.map { [$0.weight.shape[2], $0.weight.shape[3]] } == down.map { [$0.0, $0.1] })
  #expect(decoder.upsampling.map { [$0.weight.shape[3], $0.weight.shape[2]] } == up.map { [$0.0, $0.1] })
}
