import Codec
import Foundation
import Quantizers
import Tensors
import TestSupport
import Testing

@testable import Training

/// A training folder of three small images.
func makeTrainingFolder() throws -> TemporaryFolder {
  let folder = try TemporaryFolder()
  for i in 0..<3 {
    try folder.writePNG(testImage(width: 24 + 4 * i, height: 20, seed: UInt32(i + 1)), named: "img\(i).png")
  }
  return folder
}

/// The tiny preset, batches of 2 crops of 16: a debug-build step takes a fraction of a second.
func tinyOptions(steps: Int) -> TrainingOptions {
  var options = TrainingOptions(configuration: ModelConfiguration.presets["tiny"]!)
  (options.steps, options.batch, options.crop, options.warmupSteps, options.seed) = (steps, 2, 16, 2, 42)
  (options.checkpointEvery, options.logEvery, options.validateEvery) = (1000, 1, 1000)
  return options
}

/// A trainer exactly as `vqcodec train` builds one.
func makeTrainer(_ options: TrainingOptions, dataset: ImageDataset) -> Trainer {
  var rng = SplitMix64(seed: options.seed)
  let model = VQModel(options.configuration, estimator: options.estimator, options: options.quantizer, using: &rng)
  return Trainer(options: options, model: model, dataset: dataset)
}

/// `vqcodec train --steps 6` in one go, and `--steps 6` interrupted after 3 then `--resume`d: the model files, the
/// checkpoints and the trainer states must be identical.
@Test(arguments: Estimator.allCases)
func resumingGivesTheSameModelAsTrainingInOneGo(estimator: Estimator) throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  var options = tinyOptions(steps: 6)
  options.estimator = estimator
  options.temperature = TemperatureSchedule(start: 1, end: 0.5, steps: 6)

  let straight = makeTrainer(options, dataset: dataset)
  let straightSession = try TrainingSession(trainer: straight, modelPath: folder.file("straight.vqm"))
  try straightSession.run(shouldStop: { false }, report: { _ in })
  #expect(straight.step == 6)

  let first = makeTrainer(options, dataset: dataset)
  let firstSession = try TrainingSession(trainer: first, modelPath: folder.file("resumed.vqm"))
  try firstSession.run(shouldStop: { first.step >= 3 }, report: { _ in })  // Ctrl-C after step 3
  #expect(first.step == 3)
  let second = makeTrainer(options, dataset: dataset)
  let secondSession = try TrainingSession(
    trainer: second, modelPath: folder.file("resumed.vqm"), resumeFrom: firstSession.checkpointPath)
  #expect(second.step == 3)
  try secondSession.run(shouldStop: { false }, report: { _ in })
  #expect(second.step == 6)

  let a = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("straight.vqm"))))
  let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("resumed.vqm"))))
  #expect(a.count == b.count)
  #expect(a == b, "first difference at byte \(a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? a.count)")
  #expect(ModelFile.fingerprint(of: a) == ModelFile.fingerprint(of: b))
  #expect(straight.indexCounts == second.indexCounts)
  #expect(straight.optimizer.firstMoments == second.optimizer.firstMoments)
  #expect(straight.optimizer.secondMoments == second.optimizer.secondMoments)
  // The quantizers' running state (EMA sums and sizes, dead-code usage and idle counters) came back whole, although
  // six steps are too few for a restart to show in the weights.
  if case .residual(let q1) = straight.model.bottleneck, case .residual(let q2) = second.model.bottleneck {
    for (s1, s2) in zip(q1.stages, q2.stages) {
      #expect(s1.ema == s2.ema && s1.restart == s2.restart && s1.isInitialized == s2.isInitialized)
      #expect(s1.restart?.usage.isEmpty == false)
    }
  } else if case .reinforce(let q1) = straight.model.bottleneck, case .reinforce(let q2) = second.model.bottleneck {
    #expect(q1.baseline?.value == q2.baseline?.value)
  }
  // One more step from each gives the same loss: nothing that steers training was left out of the checkpoint.
  #expect(try straight.trainStep().loss == second.trainStep().loss)
}

@Test func aSessionWritesAModelACheckpointAndALog() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  let trainer = makeTrainer(tinyOptions(steps: 2), dataset: dataset)
  let session = try TrainingSession(
    trainer: trainer, modelPath: folder.file("m.vqm"),
    validationImages: [testImage(width: 13, height: 9, seed: 5)])
  var events: [String] = []
  try session.run(
    shouldStop: { false },
    report: { event in
      switch event {
      case .step(let m, _, let total): events.append("step \(m.step)/\(total ?? 0)")
      case .validation(let step, let v):
        events.append("validation \(step)")
        #expect(v.psnr.isFinite)
      case .saved(_, let step): events.append("saved \(step)")
      }
    })
  #expect(events == ["step 1/2", "step 2/2", "validation 2", "saved 2"])
  let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("m.vqm"))))
  let (model, notes) = try ModelFile.parse(bytes)
  #expect(model.configuration == ModelConfiguration.presets["tiny"]!)
  #expect(model.indexPrior.count == 2 && model.indexPrior.allSatisfy { $0.count == 16 && $0.allSatisfy { $0 >= 1 } })
  #expect(notes.contains("\"trained_steps\": 2"))
  #expect(!notes.contains("seconds"), "wall-clock time would make the model bytes differ between identical runs")
  #expect(FileManager.default.fileExists(atPath: session.checkpointPath))
  let log = try String(contentsOfFile: session.logPath, encoding: .utf8).split(separator: "\n")
  #expect(log.count == 3)  // two steps (logEvery 1) and the final validation
  for line in log { #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any]) }
}

@Test func resumingFromABadCheckpointThrows() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  let trainer = makeTrainer(tinyOptions(steps: 2), dataset: dataset)
  #expect(throws: TrainingError.self) {
    try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"), resumeFrom: folder.file("missing.ckpt"))
  }
  let garbage = try folder.write(Array("garbage".utf8), named: "garbage.ckpt")
  #expect(throws: TrainingError.self) {
    try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"), resumeFrom: garbage)
  }
  // A checkpoint of another preset is refused by name.
  var other = tinyOptions(steps: 1)
  other.configuration.codebookSize = 8
  let otherTrainer = makeTrainer(other, dataset: dataset)
  let otherSession = try TrainingSession(trainer: otherTrainer, modelPath: folder.file("other.vqm"))
  try otherSession.run(shouldStop: { false }, report: { _ in })
  #expect(throws: TrainingError.badCheckpoint("the checkpoint was made with another preset or estimator")) {
    try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"), resumeFrom: otherSession.checkpointPath)
  }
}
