import Codec
import Foundation
import Layers
import Quantizers
import Tensors
import Testing
import Training

@testable import FuzzTargets

/// Writes the model, archive and checkpoint seeds into the folder named by `VQCODEC_WRITE_FUZZ_SEEDS` (normally
/// `Tests/FuzzTargetsTests/Corpus`); skipped otherwise. The PNG and JPEG seeds come from `Corpus/make-images.py`.
@Test(.enabled(if: ProcessInfo.processInfo.environment["VQCODEC_WRITE_FUZZ_SEEDS"] != nil))
func writeSeeds() throws {
  let corpus = ProcessInfo.processInfo.environment["VQCODEC_WRITE_FUZZ_SEEDS"]!
  func write(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: corpus + "/" + path))
  }
  for estimator in Estimator.allCases {
    var configuration = FuzzTarget.seedConfiguration
    if estimator != .straightThrough { configuration.stages = 1 }
    var rng = SplitMix64(seed: 7)
    let model = VQModel(configuration, estimator: estimator, using: &rng)
    model.indexPrior = Array(repeating: [40, 30, 20, 10], count: configuration.stages)
    try write(ModelFile.serialize(model, notes: "{\"seed\": 7}"), "model/micro-\(estimator).vqm")
    try write(SafetensorsFile.serialize(model, notes: "seed 7"), "safetensors/micro-\(estimator).safetensors")
  }
  try write(ParameterArchive(entries: []).serialize(), "archive/empty.vqpa")
  try write(
    ParameterArchive(entries: [
      ("a", Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, .leastNormalMagnitude, 7])),
      ("b.c", Tensor(shape: [], scalars: [0.25])),
    ]).serialize(), "archive/two.vqpa")
  let trainer = FuzzTarget.makeTrainer()
  try write(Checkpoint.serialize(trainer, elapsedSeconds: 0), "checkpoint/step-0.ckpt")
  _ = try trainer.trainStep()
  try write(Checkpoint.serialize(trainer, elapsedSeconds: 1.5), "checkpoint/step-1.ckpt")
}
