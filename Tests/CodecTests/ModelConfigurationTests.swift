import Testing
import Codec
import Tensors

@Test(arguments: ModelConfiguration.presets.keys.sorted())
func presetsAreValid(name: String) throws {
  let c = ModelConfiguration.presets[name]!
  try c.validate()
  #expect(1 << c.downsamplingLayers == c.downsampling)
}

@Test func benchF4IsDesignsNetwork() {
  #expect(ModelConfiguration.presets["bench-f4"] == ModelConfiguration(
    downsampling: 4, width: 128, residualBlocks: 2, residualHidden: 32, latentDimension: 64, codebookSize: 512, stages: 1))
}

/// The count `ModelFile.parse` checks before building a model equals what the built model really stores.
@Test(arguments: ModelConfiguration.presets.keys.sorted(), Estimator.allCases)
func storedScalarCountMatchesTheModel(name: String, estimator: Estimator) {
  var rng = SplitMix64(seed: 1)
  let configuration = ModelConfiguration.presets[name]!
  let model = VQModel(configuration, estimator: estimator, using: &rng)
  #expect(configuration.storedScalarCount(estimator: estimator) == model.storedTensors.reduce(0) { $0 + $1.value.count })
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
