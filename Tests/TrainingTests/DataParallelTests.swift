import Codec
import Foundation
import Tensors
import Testing

@testable import Training

/// What `mpirun -np N` promises, checked without MPI: ranks as threads (`ThreadRanks`) train the same bytes as one
/// process, for every estimator and for 2 and 3 ranks. Straight-through's code 0 starts far from every latent, so it
/// dies and is restarted at a latent of shard 0, which rank 0 sends to the others.
@Test(arguments: Estimator.allCases, [2, 3])
func ranksTrainTheSameModelAsOneProcess(estimator: Estimator, ranks: Int) throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  let dataset = try ImageDataset(folder: folder.path, crop: 16)
  var options = tinyOptions(steps: 40)
  (options.estimator, options.batch, options.shards) = (estimator, 3, 3)
  options.configuration.codebookSize = 8
  options.quantizer.initialization = .random

  let alone = makeTrainer(options, dataset: dataset)
  placeCodeZeroFarAway(alone.model)
  for _ in 0..<options.steps { _ = try alone.trainStep() }
  let expected = ModelFile.serialize(alone.model)

  let shared = options
  let group = ThreadRanks(size: ranks)
  let results = ResultSlots(count: ranks)
  onThreads(ranks) { rank in
    let options = shared
    var rng = SplitMix64(seed: options.seed)
    let model = VQModel(options.configuration, estimator: estimator, options: options.quantizer, using: &rng)
    placeCodeZeroFarAway(model)
    let trainer = Trainer(options: options, model: model, dataset: dataset, group: group.rank(rank))
    results.store(rank) {
      for _ in 0..<options.steps { _ = try trainer.trainStep() }
      return ModelFile.serialize(trainer.model)
    }
  }
  for rank in 0..<ranks { #expect(try results.value(rank) == expected, "rank \(rank) of \(ranks)") }
  if case .residual(let q) = alone.model.bottleneck {
    #expect(q.stages[0].codebook.embeddings.value.scalars[0] < 100, "code 0 was never restarted")
  }
}

private func placeCodeZeroFarAway(_ model: VQModel) {
  guard case .residual(let q) = model.bottleneck else { return }
  let d = q.dimension
  q.stages[0].restart(code: 0, at: [Float](repeating: 1000, count: d))
}

/// Each thread's outcome, collected under a lock.
private final class ResultSlots: @unchecked Sendable {  // guarded by `lock`
  private let lock = NSLock()
  private var slots: [Result<[UInt8], Error>?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ body: () throws -> [UInt8]) {
    let result = Result { try body() }
    lock.withLock { slots[index] = result }
  }

  func value(_ index: Int) throws -> [UInt8] { try lock.withLock { slots[index]! }.get() }
}
