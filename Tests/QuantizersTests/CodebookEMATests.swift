import Tensors
import TestSupport
import Testing

@testable import Quantizers

@Test func emaUpdateMatchesHandComputationOnTwoCodes() {
  let codebook = Codebook(embeddings: Tensor(shape: [2, 2], scalars: [0, 0, 1, 1]))
  var ema = CodebookEMA(codebook: codebook, decay: 0.5, epsilon: 1e-5)
  let latents: [Float] = [0.2, 0, -0.2, 0.4, 0.9, 1.1]
  ema.update(codebook, latents: latents, indices: [0, 0, 1])
  // N = 0.5·[1, 1] + 0.5·[2, 1] = [1.5, 1]; Σ N = 2.5; Ñ_k = (N_k + ε)/(2.5 + 2ε)·2.5.
  // m_0 = 0.5·[0, 0] + 0.5·[0, 0.4] = [0, 0.2]; m_1 = 0.5·[1, 1] + 0.5·[0.9, 1.1] = [0.95, 1.05].
  let eps = 1e-5
  let smoothed0 = (1.5 + eps) / (2.5 + 2 * eps) * 2.5
  let smoothed1 = (1 + eps) / (2.5 + 2 * eps) * 2.5
  let expected = [0, 0.2 / smoothed0, 0.95 / smoothed1, 1.05 / smoothed1].map(Float.init)
  #expect(ema.clusterSizes == [1.5, 1])
  #expect(maxAbsoluteDifference(ema.embeddingSums, [0, 0.2, 0.95, 1.05]) < 1e-7)
  #expect(maxAbsoluteDifference(codebook.embeddings.value.scalars, expected) < 1e-6)
}

@Test func vectorQuantizerAppliesTheEMAUpdateInFinishStep() {
  var rng = SplitMix64(seed: 1)
  let vq = VectorQuantizer(
    codebook: Codebook(embeddings: Tensor(shape: [2, 2], scalars: [0, 0, 1, 1])), update: .ema(decay: 0.5),
    initialization: .random, restart: nil)
  var reference = CodebookEMA(
    codebook: Codebook(embeddings: Tensor(shape: [2, 2], scalars: [0, 0, 1, 1])), decay: 0.5)
  let z = Tensor(shape: [1, 1, 3, 2], scalars: [0.2, 0, -0.2, 0.4, 0.9, 1.1])
  let out = vq.quantize(Variable(z), on: Tape(), using: &rng)
  #expect(out.indices == [[0, 0, 1]])
  #expect(vq.codebook.embeddings.value.scalars == [0, 0, 1, 1])  // nothing moves before finishStep
  vq.finishStep(using: &rng)
  let expectedCodebook = Codebook(embeddings: Tensor(shape: [2, 2], scalars: [0, 0, 1, 1]))
  reference.update(expectedCodebook, latents: z.scalars, indices: [0, 0, 1])
  #expect(vq.codebook.embeddings.value == expectedCodebook.embeddings.value)
  #expect(vq.ema == reference)
}
