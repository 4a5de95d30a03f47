import Codec
import Layers
import Tensors

/// One `bench-f4` training step exactly as DESIGN.md fixes it: straight-through VQ, loss =
/// MSE(x̂, x) + ‖sg[z_e] − q‖² + 0.25‖z_e − sg[q]‖², Adam at 2e-4, on four fixed random batches.
final class TrainingStepBenchmark {
  let encoder: Encoder, decoder: Decoder
  let codebook: Variable
  let optimizer: Adam
  let pool: [Variable]
  var stepIndex = 0
  var lastLoss: Float = 0

  init(config: ModelConfiguration, batch: Int, size: ImageSize, rng: inout SplitMix64) throws {
    encoder = Encoder(config, using: &rng)
    decoder = Decoder(config, using: &rng)
    let k = config.codebookSize
    codebook = Variable(.uniform(shape: [k, config.latentDimension], in: -1 / Float(k)...1 / Float(k), using: &rng))
    optimizer = Adam(parameters: encoder.parameters + [codebook] + decoder.parameters, learningRate: 2e-4)
    pool = (0..<4).map { _ in
      Variable(.uniform(shape: [batch, size.height, size.width, 3], in: -0.5...0.5, using: &rng), requiresGrad: false)
    }
  }

  func run() {
    let x = pool[stepIndex % pool.count]
    stepIndex += 1
    let tape = Tape()
    let ze = encoder(x, on: tape)
    let d = ze.shape[3]
    let rows = ze.value.count / d
    let flat = tape.reshaped(ze, to: [rows, d])
    let nearest = nearestCodes(flat.value.scalars, rows: rows, codebook: codebook.value.scalars, codes: codebook.shape[0], dimension: d)
    let q = tape.gatherRows(codebook, indices: nearest.indices)
    let codebookLoss = tape.meanSquaredError(flat.detached(), q)
    let commitment = tape.meanSquaredError(flat, q.detached())
    let straightThrough = tape.add(flat, Variable(q.value, requiresGrad: false).offset(by: flat.value))
    let xHat = decoder(tape.reshaped(straightThrough, to: ze.shape), on: tape)
    let loss = tape.add(tape.add(tape.meanSquaredError(xHat, x), codebookLoss), tape.scaled(commitment, by: 0.25))
    optimizer.zeroGradients()
    tape.backward(from: loss)
    optimizer.update()
    lastLoss = loss.value.item
  }
}

extension Variable {
  /// The constant `self − base`: added to `base` it gives `self`'s value with `base`'s gradient (straight-through).
  func offset(by base: Tensor) -> Variable {
    var v = value
    for i in v.scalars.indices { v.scalars[i] -= base.scalars[i] }
    return Variable(v, requiresGrad: false)
  }
}
