import Codec
import Layers
import Quantizers
import Tensors

/// One `bench-f4` training step exactly as DESIGN.md fixes it: straight-through VQ with the codebook learned by its
/// loss (`VectorQuantizer` with `.gradient`, no k-means, no restarts), loss = MSE(x̂, x) + ‖sg[z_e] − q‖² +
/// 0.25‖z_e − sg[q]‖², Adam at 2e-4, on four fixed random batches.
final class TrainingStepBenchmark {
  let encoder: Encoder, decoder: Decoder
  let quantizer: VectorQuantizer
  let optimizer: Adam
  let pool: [Variable]
  var rng: SplitMix64
  var stepIndex = 0
  var lastLoss: Float = 0

  init(config: ModelConfiguration, batch: Int, size: ImageSize, rng: inout SplitMix64) throws {
    encoder = Encoder(config, using: &rng)
    decoder = Decoder(config, using: &rng)
    quantizer = VectorQuantizer(
      codes: config.codebookSize, dimension: config.latentDimension, update: .gradient, initialization: .random,
      restart: nil, using: &rng)
    optimizer = Adam(parameters: encoder.parameters + quantizer.parameters + decoder.parameters, learningRate: 2e-4)
    pool = (0..<4).map { _ in
      Variable(.uniform(shape: [batch, size.height, size.width, 3], in: -0.5...0.5, using: &rng), requiresGrad: false)
    }
    self.rng = rng
  }

  func run() {
    let x = pool[stepIndex % pool.count]
    stepIndex += 1
    let tape = Tape()
    let output = quantizer.quantize(encoder(x, on: tape), on: tape, using: &rng)
    let loss = tape.add(tape.meanSquaredError(decoder(output.quantized, on: tape), x), output.loss)
    optimizer.zeroGradients()
    tape.backward(from: loss)
    optimizer.update()
    quantizer.finishStep(using: &rng)
    lastLoss = loss.value.item
  }
}
