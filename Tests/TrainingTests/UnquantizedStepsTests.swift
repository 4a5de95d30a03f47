import Codec
import Foundation
import Quantizers
import Tensors
import TestSupport
import Testing

@testable import Training

/// A trainer on `folder`'s images and its residual quantizer (the tiny preset's).
private func residualTrainer(
  _ options: TrainingOptions, folder: TemporaryFolder
) throws -> (Trainer, ResidualQuantizer) {
  let trainer = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  guard case .residual(let q) = trainer.model.bottleneck else {
    throw TrainingError.invalidOption("the tiny preset is not residual")
  }
  return (trainer, q)
}

/// `--unquantized-steps 2`: the first two steps train encoder and decoder on unquantized latents (no codes, the loss
/// is the MSE alone, the codebooks untouched and not yet started); the third starts them by k-means and quantizes.
@Test func unquantizedStepsComeFirstThenTheCodebooksStart() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 3)
  options.unquantizedSteps = 2
  let (trainer, q) = try residualTrainer(options, folder: folder)
  let codebooks = q.stages.map { $0.codebook.embeddings.value }
  let encoderWeights = trainer.model.encoder.parameters.map(\.value)
  for _ in 0..<2 {
    let m = try trainer.trainStep()
    #expect(m.activeStages == 0 && m.loss == m.meanSquaredError)
    #expect(q.stages.allSatisfy { !$0.isInitialized })
  }
  #expect(q.stages.map { $0.codebook.embeddings.value } == codebooks)
  #expect(trainer.indexCounts.allSatisfy { $0.allSatisfy { $0 == 0 } })
  #expect(trainer.model.encoder.parameters.map(\.value) != encoderWeights, "the encoder learns without codes")

  let m = try trainer.trainStep()
  #expect(m.activeStages >= 1 && m.loss > m.meanSquaredError)
  #expect(q.stages.allSatisfy { $0.isInitialized })
  #expect(trainer.indexCounts[0].contains { $0 > 0 })
}

/// `--unquantized-share 0.5`: about half the steps after the unquantized ones skip the quantizer (the draw depends
/// on the seed and the step only), and they leave the codebooks alone.
@Test func aShareOfLaterStepsSkipsTheQuantizer() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 12)
  options.unquantizedShare = 0.5
  let (trainer, q) = try residualTrainer(options, folder: folder)
  var skipped = 0
  for _ in 0..<12 {
    let before = q.stages.map { $0.codebook.embeddings.value }
    let m = try trainer.trainStep()
    if m.activeStages == 0 {
      skipped += 1
      #expect(q.stages.map { $0.codebook.embeddings.value } == before && m.loss == m.meanSquaredError)
    }
  }
  #expect((3...9).contains(skipped), "\(skipped) of 12 steps unquantized")
}

/// A run stopped during the unquantized steps and resumed past them, with a share of later steps unquantized too,
/// gives the model of one uninterrupted run.
@Test func resumingAcrossTheUnquantizedStepsGivesTheSameModel() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  var options = tinyOptions(steps: 6)
  (options.unquantizedSteps, options.unquantizedShare) = (2, 0.5)
  let straight = makeTrainer(options, dataset: dataset)
  try TrainingSession(trainer: straight, modelPath: folder.file("straight.vqm")).run(
    shouldStop: { false }, report: { _ in })
  let first = makeTrainer(options, dataset: dataset)
  let firstSession = try TrainingSession(trainer: first, modelPath: folder.file("resumed.vqm"))
  try firstSession.run(shouldStop: { first.step >= 1 }, report: { _ in })
  let second = makeTrainer(options, dataset: dataset)
  try TrainingSession(trainer: second, modelPath: folder.file("resumed.vqm"), resumeFrom: firstSession.checkpointPath)
    .run(shouldStop: { false }, report: { _ in })
  let a = try Data(contentsOf: URL(fileURLWithPath: folder.file("straight.vqm")))
  let b = try Data(contentsOf: URL(fileURLWithPath: folder.file("resumed.vqm")))
  #expect(a == b)
  #expect(straight.step == 6 && second.step == 6)
}
