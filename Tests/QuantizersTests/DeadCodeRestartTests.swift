import Tensors
import Testing

@testable import Quantizers

@Test func deadCodeIsReseededFromTheBatchAfterPatienceSteps() {
  var rng = SplitMix64(seed: 1)
  let codebook = Codebook(embeddings: Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 50, 50, -50, -50]))
  let vq = VectorQuantizer(
    codebook: codebook, update: .gradient, initialization: .random,
    restart: DeadCodeRestart(threshold: 0.5, patience: 3, usageDecay: 0))
  var batch: [Float] = []
  for i in 0..<16 { batch += i % 2 == 0 ? [0.1 * Float(i), 0] : [1, 1 + 0.1 * Float(i)] }
  let z = Variable(Tensor(shape: [1, 4, 4, 2], scalars: batch))
  for step in 1...3 {
    let out = vq.quantize(z, on: Tape(), using: &rng)
    #expect(out.usage[0].counts[2] == 0 && out.usage[0].counts[3] == 0)
    vq.finishStep(using: &rng)
    let rows = (0..<4).map { Array(codebook.embeddings.value.scalars[$0 * 2..<$0 * 2 + 2]) }
    if step < 3 {
      #expect(rows[2] == [50, 50] && rows[3] == [-50, -50])
    } else {
      let batchRows = (0..<16).map { Array(batch[$0 * 2..<$0 * 2 + 2]) }
      #expect(batchRows.contains(rows[2]) && batchRows.contains(rows[3]))
      #expect(rows[0] == [0, 0] && rows[1] == [1, 1])  // used codes stay
    }
  }
  // Re-seeded codes now sit among the data and get chosen.
  let out = vq.quantize(z, on: Tape(), using: &rng)
  #expect(out.usage[0].counts[2] > 0 && out.usage[0].counts[3] > 0)
}

@Test func restartCountsConsecutiveIdleBatches() {
  var restart = DeadCodeRestart(threshold: 0.5, patience: 2, usageDecay: 0)
  #expect(restart.deadCodes(afterBatchWith: [4, 0]) == [])
  #expect(restart.deadCodes(afterBatchWith: [2, 2]) == [])  // used again: the idle count resets
  #expect(restart.deadCodes(afterBatchWith: [4, 0]) == [])
  #expect(restart.deadCodes(afterBatchWith: [4, 0]) == [1])
  #expect(restart.idleSteps == [0, 0] && restart.usage == [4, 2])
}
