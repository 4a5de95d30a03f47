import Codec
import Dispatch
import Layers
import Quantizers
import Tensors

/// Runs training steps: random crops → model → loss → one backward → clipping → Adam → quantizer updates.
/// All randomness (crops, flips, codebook initialisation, restarts, dropout, samples) comes from `rng`, which the
/// checkpoint saves, so a resumed run continues exactly where it stopped.
public final class Trainer {
  public let options: TrainingOptions
  public let model: VQModel
  public let optimizer: Adam
  public let dataset: ImageDataset
  public var rng: SplitMix64
  /// Steps completed.
  public var step = 0
  /// Decayed index histograms per stage (the entropy coder's static prior when the model is saved).
  public var indexCounts: [[Float]]
  private let schedule: LearningRateSchedule

  public init(options: TrainingOptions, model: VQModel, dataset: ImageDataset) {
    self.options = options
    self.model = model
    self.dataset = dataset
    rng = SplitMix64(seed: options.seed &+ 0x5EED)
    optimizer = Adam(parameters: model.parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
    indexCounts = [[Float]](
      repeating: [Float](repeating: 0, count: model.configuration.codebookSize), count: model.stageCount)
    schedule = LearningRateSchedule(
      peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.steps)
  }

  /// One optimisation step on a fresh batch.
  /// - Throws: `TrainingError.diverged` when the loss or the gradient is not finite, before the step's update reaches
  ///   the parameters or the optimizer.
  public func trainStep() throws(TrainingError) -> StepMetrics {
    let start = DispatchTime.now().uptimeNanoseconds
    let batch = dataset.batch(count: options.batch, crop: options.crop, using: &rng)
    var metrics = StepMetrics()
    let tape = Tape()
    let x = Variable(batch, requiresGrad: false)
    if case .gumbel(let q) = model.bottleneck {
      q.temperature = options.temperature.temperature(atStep: step)
      metrics.temperature = q.temperature
    }
    let pass = model.forward(x, on: tape, likelihoodSigma: options.likelihoodSigma, using: &rng)
    let (output, mse, logLikelihood, loss) = (pass.quantizer, pass.meanSquaredError, pass.logLikelihood, pass.loss)
    guard loss.value.item.isFinite else { throw .diverged(step: step + 1, quantity: "loss") }
    optimizer.zeroGradients()
    tape.backward(from: loss)
    metrics.gradientNorm = clipGradientNorm(model.parameters, maxNorm: options.gradientClip)
    guard metrics.gradientNorm.isFinite else { throw .diverged(step: step + 1, quantity: "gradient") }
    optimizer.learningRate = schedule.rate(at: step)
    optimizer.update()
    model.bottleneck.quantizer.finishStep(using: &rng)
    recordIndices(output.indices)
    step += 1

    metrics.step = step
    metrics.loss = loss.value.item
    metrics.meanSquaredError = mse.value.item
    metrics.logLikelihood = logLikelihood.value.scalars.reduce(0, +) / Float(options.batch)
    metrics.entropy = output.entropy
    metrics.logCodeCount = output.logCodeCount
    metrics.perplexity = output.usage[0].perplexity
    metrics.usedCodes = output.usage[0].usedCodes
    metrics.activeStages = output.indices.count
    metrics.learningRate = optimizer.learningRate
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    metrics.imagesPerSecond = Double(options.batch) / seconds
    return metrics
  }

  /// Folds this batch's indices into the decayed histograms (half-life about 700 batches).
  private func recordIndices(_ indices: [[Int32]]) {
    for (s, stage) in indices.enumerated() {
      for k in indexCounts[s].indices { indexCounts[s][k] *= 0.999 }
      for i in stage { indexCounts[s][Int(i)] += 1 }
    }
  }

  /// The histograms as the model's prior: scaled to integers, every code at least 1.
  public var indexPrior: [[UInt32]] {
    indexCounts.map { counts in
      let total = max(1, counts.reduce(0, +))
      return counts.map { UInt32(max(1, ($0 / total * 1_000_000).rounded())) }
    }
  }
}
