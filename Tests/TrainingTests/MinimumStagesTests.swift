import Codec
import Testing

@testable import Training

/// `--min-stages 2` of three: quantizer dropout still varies the stages, but never trains on the first alone.
@Test func quantizerDropoutDrawsNoFewerThanTheMinimumStages() throws {
  let folder = try makeTrainingFolder()
  defer { folder.remove() }
  var options = tinyOptions(steps: 12)
  (options.configuration.stages, options.minimumActiveStages) = (3, 2)
  let trainer = makeTrainer(options, dataset: try ImageDataset(folder: folder.path, crop: 16))
  var drawn: Set<Int> = []
  for _ in 0..<12 { drawn.insert(try trainer.trainStep().activeStages) }
  #expect(drawn == [2, 3], "active stages drawn: \(drawn.sorted())")
}
