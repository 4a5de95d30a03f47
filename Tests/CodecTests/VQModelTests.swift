import Codec
import Layers
import Quantizers
import Tensors
import Testing

/// One training step written out with the Tape: encoder → residual VQ → decoder → MSE + VQ loss → backward → Adam →
/// EMA codebook update. Returns the loss before the update.
func trainingStep(_ model: VQModel, _ optimizer: Adam, on batch: Tensor, using rng: inout SplitMix64) -> Float {
  let tape = Tape()
  let x = Variable(batch, requiresGrad: false)
  let out = model.bottleneck.quantizer.quantize(model.encoder(x, on: tape), on: tape, using: &rng)
  let loss = tape.add(tape.meanSquaredError(model.decoder(out.quantized, on: tape), x), out.loss)
  optimizer.zeroGradients()
  tape.backward(from: loss)
  clipGradientNorm(model.parameters, maxNorm: 1)
  optimizer.update()
  model.bottleneck.quantizer.finishStep(using: &rng)
  return loss.value.item
}

@Test(arguments: ModelConfiguration.Activation.allCases)
func aFewTrainingStepsOnAFixedBatchLowerTheLoss(activation: ModelConfiguration.Activation) {
  var rng = SplitMix64(seed: 10)
  var options = QuantizerOptions()
  options.quantizerDropout = false  // every step trains both stages: the losses are comparable
  var configuration = ModelConfiguration.presets["tiny"]!
  configuration.activation = activation
  let model = VQModel(configuration, options: options, using: &rng)
  let optimizer = Adam(parameters: model.parameters, learningRate: 3e-3)
  let batch = Tensor(
    shape: [2, 16, 16, 3],
    scalars: [testImage(width: 16, height: 16, seed: 1), testImage(width: 16, height: 16, seed: 2)]
      .flatMap { $0.tensor(paddedToMultipleOf: 4).scalars })
  let losses = (0..<25).map { _ in trainingStep(model, optimizer, on: batch, using: &rng) }
  #expect(losses.allSatisfy { $0.isFinite })
  #expect(losses.suffix(3).max()! < 0.7 * losses[0], "losses \(losses)")
  // The first training batch initialised the codebooks from the data.
  if case .residual(let q) = model.bottleneck { #expect(q.stages.allSatisfy { $0.isInitialized }) }
}

@Test func indicesAndReconstructionShapes() {
  let model = makeModel(seed: 11)
  let image = testImage(width: 17, height: 13, seed: 3).tensor(paddedToMultipleOf: 4)
  #expect(image.shape == [1, 16, 20, 3])
  for stages in 1...model.stageCount {
    let indices = model.indices(for: image, stages: stages)
    #expect(indices.count == stages)
    #expect(indices.allSatisfy { $0.count == 4 * 5 && $0.allSatisfy { (0..<16).contains($0) } })
    #expect(model.reconstruction(from: indices, latentShape: [1, 4, 5]).shape == [1, 16, 20, 3])
  }
  // The helper model is not degenerate: its latents use several codes.
  #expect(Set(model.indices(for: image, stages: 1)[0]).count > 2)
}

@Test func categoricalEstimatorsHaveOneStage() {
  var rng = SplitMix64(seed: 12)
  for estimator in [Estimator.gumbel, .reinforce] {
    let model = VQModel(ModelConfiguration.presets["tiny"]!, estimator: estimator, using: &rng)
    #expect(model.stageCount == 1 && model.configuration.stages == 1)
    let image = testImage(width: 8, height: 8, seed: 4).tensor(paddedToMultipleOf: 4)
    let indices = model.indices(for: image, stages: 1)
    #expect(indices.count == 1 && indices[0].count == 4)
    #expect(model.reconstruction(from: indices, latentShape: [1, 2, 2]).shape == [1, 8, 8, 3])
  }
}

@Test func storedTensorsHaveUniqueNames() {
  for estimator in Estimator.allCases {
    let names = makeModel(seed: 13, estimator: estimator).storedTensors.map(\.name)
    #expect(Set(names).count == names.count, "\(estimator)")
    #expect(!names.contains(""), "\(estimator)")
  }
}

@Test func copyTransformsGivesTheSameLatentsWithADifferentQuantizer() throws {
  let source = makeModel(seed: 21)
  var configuration = source.configuration
  (configuration.codebookSize, configuration.stages) = (4, 3)
  var rng = SplitMix64(seed: 22)
  let target = VQModel(configuration, using: &rng)
  let image = Variable(testImage(width: 12, height: 8, seed: 5).tensor(paddedToMultipleOf: 4), requiresGrad: false)
  let latents = { (m: VQModel) in m.encoder(image, on: Tape(isRecording: false)).value.scalars }
  let decoded = { (m: VQModel) in
    m.decoder(
      Variable(m.encoder(image, on: Tape(isRecording: false)).value, requiresGrad: false), on: Tape(isRecording: false)
    ).value.scalars
  }
  #expect(latents(target) != latents(source))
  try target.copyTransforms(from: source)
  #expect(latents(target) == latents(source))
  #expect(decoded(target) == decoded(source))
}

/// A wider network, or GDN where the source has ReLU (the same convolutions, more tensors): refused, not trapped.
@Test(arguments: ["width", "activation"])
func copyTransformsRefusesADifferentArchitecture(change: String) {
  let source = makeModel(seed: 23)
  var configuration = source.configuration
  if change == "width" { configuration.width *= 2 } else { configuration.activation = .gdn }
  var rng = SplitMix64(seed: 24)
  let target = VQModel(configuration, using: &rng)
  #expect(throws: CodecError.self) { try target.copyTransforms(from: source) }
}

/// `--keep-codebooks`: a three-stage target adopts a two-stage source's codebooks (marked trained, so the first
/// training batch runs no k-means); its third stage stays fresh and still waits for k-means.
@Test func copyCodebooksAdoptsTheSourcesStagesAndLeavesTheRestFresh() throws {
  let source = makeModel(seed: 25)
  var configuration = source.configuration
  configuration.stages = source.stageCount + 1
  var rng = SplitMix64(seed: 26)
  let target = VQModel(configuration, using: &rng)
  guard case .residual(let mine) = target.bottleneck, case .residual(let theirs) = source.bottleneck else {
    Issue.record("the test model is not residual")
    return
  }
  let freshLast = mine.stages.last!.codebook.embeddings.value
  #expect(try target.copyCodebooks(from: source) == source.stageCount)
  for (stage, trained) in zip(mine.stages, theirs.stages) {
    #expect(stage.codebook.embeddings.value == trained.codebook.embeddings.value && stage.isInitialized)
  }
  #expect(mine.stages.last!.codebook.embeddings.value == freshLast && !mine.stages.last!.isInitialized)
}

/// Codebooks of another K cannot be kept: refused with the reason, not trapped.
@Test func copyCodebooksRefusesAnotherCodebookSize() {
  let source = makeModel(seed: 27)
  var configuration = source.configuration
  configuration.codebookSize *= 2
  var rng = SplitMix64(seed: 28)
  let target = VQModel(configuration, using: &rng)
  #expect(
    throws: CodecError.modelMismatch(
      "cannot keep codebooks of K \(source.configuration.codebookSize) for a run with K \(configuration.codebookSize) "
        + "(give the same --codebook-size)")
  ) { _ = try target.copyCodebooks(from: source) }
}
