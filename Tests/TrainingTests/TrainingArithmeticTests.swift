import Codec
import Serialization
import Testing
import Training

/// Training's arithmetic, pinned: eight steps of the tiny preset on the test images give these weights bit for bit,
/// for every estimator, on every machine and thread count (the engine's sums do not depend on the CPU's kernels or
/// on how the work is split: Docs/FORMAT.md §6.1). Speed work must leave them alone; a change that moves them on
/// purpose (another loss, another summation order) records the new values here and says why.
@Test(arguments: [
  (Estimator.straightThrough, UInt32(1_794_848_704)), (.gumbel, 2_231_188_886), (.reinforce, 3_300_146_172),
])
func eightTinyStepsGiveTheRecordedWeights(estimator: Estimator, expected: UInt32) throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 8)
  options.estimator = estimator
  let trainer = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  for _ in 0..<8 { _ = try trainer.trainStep() }
  let bytes = trainer.model.parameters.flatMap {
    $0.value.scalars.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
  }
  #expect(CRC32.checksum(bytes) == expected, "\(estimator): CRC-32 \(CRC32.checksum(bytes)) of the weights")
}
