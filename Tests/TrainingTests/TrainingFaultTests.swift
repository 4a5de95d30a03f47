import Codec
import Foundation
import Imaging
import Layers
import Tensors
import TestSupport
import Testing

@testable import Training

/// `--lr 1e6`: the run stops at the first step whose loss or gradient is not finite, with what the files on disk hold.
@Test func aDivergingRunStopsAndKeepsTheLastGoodCheckpoint() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 50)
  (options.learningRate, options.warmupSteps, options.checkpointEvery) = (1e6, 0, 1)
  let trainer = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  let session = try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"))
  var failure: TrainingError?
  do { try session.run(shouldStop: { false }, report: { _ in }) } catch let error as TrainingError { failure = error }
  guard case .divergedAfterSaving(let step, _, let savedStep, _) = failure else {
    Issue.record("expected a divergence, got \(String(describing: failure)) after \(trainer.step) steps")
    return
  }
  #expect(step < 50)
  let saved = try #require(savedStep, "with a checkpoint every step, an earlier step was saved")
  #expect(saved == step - 1)
  #expect(failure!.description.contains("training diverged at step \(step)"))
  #expect(failure!.description.contains("of step \(saved) are kept"))
  // The files on disk are the last good step's: the model loads (finite weights) and the checkpoint resumes there.
  let (_, notes) = try ModelFile.parse(try FileBytes.read(path: session.modelPath))
  #expect(notes.contains("\"trained_steps\": \(saved),"))
  let resumed = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  _ = try TrainingSession(trainer: resumed, modelPath: folder.file("m.vqm"), resumeFrom: session.checkpointPath)
  #expect(resumed.step == saved)
}

/// Diverging before the first checkpoint writes no model and no checkpoint at all.
@Test func divergingBeforeTheFirstCheckpointWritesNothing() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 50)
  (options.learningRate, options.warmupSteps) = (1e6, 0)
  let trainer = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  let session = try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"))
  #expect(throws: TrainingError.self) { try session.run(shouldStop: { false }, report: { _ in }) }
  #expect(!FileManager.default.fileExists(atPath: session.modelPath))
  #expect(!FileManager.default.fileExists(atPath: session.checkpointPath))
}

@Test func aModelWithANonFiniteWeightIsNeverSaved() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let trainer = makeTrainer(tinyOptions(steps: 1), dataset: try ImageDataset(folder: folder.path, crop: 16))
  let session = try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"))
  trainer.model.storedTensors[0].value.scalars[0] = .nan
  #expect(throws: TrainingError.self) { try session.save(elapsed: 0, report: { _ in }) }
  #expect(!FileManager.default.fileExists(atPath: session.modelPath))
}

/// A full disk mid-run: the run ends with a write error and the model and checkpoint on disk stay those of the last
/// save, with no temporary files; the log keeps whole lines.
@Test func aFullDiskEndsTheRunAndKeepsTheLastSave() throws {
  guard let disk = SmallFileSystem.mount(bytes: 2 << 20) else { return }
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  let first = makeTrainer(tinyOptions(steps: 1), dataset: dataset)
  let firstSession = try TrainingSession(trainer: first, modelPath: disk.file("m.vqm"))
  try firstSession.run(shouldStop: { false }, report: { _ in })
  let model = try FileBytes.read(path: firstSession.modelPath)
  let checkpoint = try FileBytes.read(path: firstSession.checkpointPath)
  disk.fill()

  let second = makeTrainer(tinyOptions(steps: 3), dataset: dataset)
  let secondSession = try TrainingSession(
    trainer: second, modelPath: disk.file("m.vqm"), resumeFrom: firstSession.checkpointPath)
  #expect {
    try secondSession.run(shouldStop: { false }, report: { _ in })
  } throws: { error in
    guard case TrainingError.writeFailed(let why) = error else { return false }
    return why.contains("No space left on device")
  }
  #expect(try FileBytes.read(path: firstSession.modelPath) == model)
  #expect(try FileBytes.read(path: firstSession.checkpointPath) == checkpoint)
  #expect(disk.contents() == ["filler", "m.vqm", "m.vqm.ckpt", "m.vqm.log.jsonl"])
  let log = try String(contentsOfFile: firstSession.logPath, encoding: .utf8)
  #expect(log.hasSuffix("\n"))
  for line in log.split(separator: "\n") {
    #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
  }
}

/// Checkpoints whose checksum is valid but whose values are not: each is refused with an error, never trapped on.
@Test(arguments: ["nan step", "step piece too large", "short moments", "infinite counts", "negative idle steps"])
func aCheckpointWithBadValuesIsRefused(_ corruption: String) throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  let trainer = makeTrainer(tinyOptions(steps: 1), dataset: dataset)
  let session = try TrainingSession(trainer: trainer, modelPath: folder.file("m.vqm"))
  try session.run(shouldStop: { false }, report: { _ in })
  var archive = try ParameterArchive.parse(try FileBytes.read(path: session.checkpointPath)[...])
  func replace(_ name: String, _ change: (inout Tensor) -> Void) throws {
    let index = try #require(archive.entries.firstIndex { $0.name == name }, "no \(name)")
    change(&archive.entries[index].tensor)
  }
  switch corruption {
  case "nan step": try replace("run.step") { $0.scalars[0] = .nan }
  case "step piece too large": try replace("run.optimizerStep") { $0.scalars[3] = 70_000 }
  case "short moments":
    let name = "adam.m." + trainer.optimizer.parameters[0].name
    try replace(name) { $0 = Tensor(shape: [$0.count - 1], scalars: Array($0.scalars.dropLast())) }
  case "infinite counts": try replace("run.indexCounts") { $0.scalars[0] = .infinity }
  default: try replace("vq.0.restart.idle") { $0.scalars[0] = -1 }
  }
  let bad = try folder.write(archive.serialize(), named: "bad.ckpt")
  let fresh = makeTrainer(tinyOptions(steps: 1), dataset: dataset)
  #expect {
    try TrainingSession(trainer: fresh, modelPath: folder.file("n.vqm"), resumeFrom: bad)
  } throws: { error in
    guard case TrainingError.badCheckpoint = error else { return false }
    return true
  }
}
