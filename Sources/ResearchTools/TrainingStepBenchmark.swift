import Codec
import Layers
import Quantizers
import Tensors

/// One `bench-f4` training step exactly as DESIGN.md fixes it: straight-through VQ with the codebook learned by its
/// loss (one stage, `.gradient`, no k-means, no restarts, no dropout), loss = `VQModel.forward`'s MSE(x̂, x) +
/// ‖sg[z_e] − q‖² + 0.25‖z_e − sg[q]‖², Adam at 2e-4, on four fixed random batches.
final class TrainingStepBenchmark {
  let model: VQModel
  let optimizer: Adam
  let pool: [Variable]
  var rng: SplitMix64
  var stepIndex = 0
  var lastLoss: Float = 0

  init(config: ModelConfiguration, batch: Int, size: ImageSize, rng: inout SplitMix64) throws {
    var quantizer = QuantizerOptions()
    (quantizer.codebookUpdate, quantizer.initialization) = (.gradient, .random)
    (quantizer.restartsDeadCodes, quantizer.quantizerDropout) = (false, false)
    var configuration = config
    configuration.stages = 1
    model = VQModel(configuration, estimator: .straightThrough, options: quantizer, using: &rng)
    optimizer = Adam(parameters: model.parameters, learningRate: 2e-4)
    pool = (0..<4).map { _ in
      Variable(.uniform(shape: [batch, size.height, size.width, 3], in: -0.5...0.5, using: &rng), requiresGrad: false)
    }
    self.rng = rng
  }

  func run() {
    let x = pool[stepIndex % pool.count]
    stepIndex += 1
    let tape = Tape()
    // σ only shapes the log-likelihood, which the straight-through loss does not use.
    let loss = model.forward(x, on: tape, likelihoodSigma: 0.1, using: &rng).loss
    optimizer.zeroGradients()
    tape.backward(from: loss)
    optimizer.update()
    model.bottleneck.quantizer.finishStep(using: &rng)
    lastLoss = loss.value.item
  }
}
