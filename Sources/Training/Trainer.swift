import Codec
import Dispatch
import Layers
import Quantizers
import Tensors

/// Runs training steps: random crops → model → loss → backward → clipping → Adam → quantizer updates.
///
/// A step's global batch is cut into the shards of `options.shardPlan`; this rank computes its shards' gradients
/// and batch statistics one shard at a time, the ranks exchange them (`RankGroup.allGather`), and every rank adds
/// all shards' in shard order and takes the same step. Randomness is derived from the seed, the step and the image's
/// or shard's position (`derivedSeed`), never from the rank: one process and any number of ranks train the same
/// bits, and a resumed run continues exactly where it stopped.
public final class Trainer {
  public let options: TrainingOptions
  public let model: VQModel
  public let optimizer: Adam
  public let dataset: ImageDataset
  public let group: RankGroup
  /// Steps completed.
  public var step = 0
  /// Decayed index histograms per stage (the entropy coder's static prior when the model is saved).
  public var indexCounts: [[Float]]
  private let schedule: LearningRateSchedule
  private let shards: ShardPlan

  public init(options: TrainingOptions, model: VQModel, dataset: ImageDataset, group: RankGroup = SingleProcess()) {
    (self.options, self.model, self.dataset, self.group) = (options, model, dataset, group)
    shards = options.shardPlan
    precondition(group.size <= shards.count, "\(group.size) ranks for \(shards.count) shards")
    precondition(
      (1...max(1, model.stageCount)).contains(options.minimumActiveStages),
      "minimum active stages \(options.minimumActiveStages) outside 1...\(model.stageCount)")
    optimizer = Adam(parameters: model.parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
    indexCounts = [[Float]](
      repeating: [Float](repeating: 0, count: model.configuration.codebookSize), count: model.stageCount)
    schedule = LearningRateSchedule(
      peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.steps)
  }

  /// One optimisation step on a fresh global batch; every rank calls it and ends with the same model.
  /// - Throws: `TrainingError.diverged` (on every rank alike) when the loss or the gradient is not finite, before
  ///   the step's update reaches the parameters or the optimizer.
  public func trainStep() throws(TrainingError) -> StepMetrics {
    let start = DispatchTime.now().uptimeNanoseconds
    var stepRNG = SplitMix64(seed: derivedSeed(options.seed, 1, UInt64(step)))
    var metrics = StepMetrics()
    if case .gumbel(let q) = model.bottleneck {
      q.temperature = options.temperature.temperature(atStep: step)
      metrics.temperature = q.temperature
    }
    var activeStages: Int?
    if case .residual(let q) = model.bottleneck {
      // No draw without a share: the seeds of runs without one stay what they were.
      let skips = options.unquantizedShare > 0 && Float.random(in: 0..<1, using: &stepRNG) < options.unquantizedShare
      if step < options.unquantizedSteps || skips {
        activeStages = 0
      } else {
        if q.quantizerDropout {
          activeStages = Int.random(in: options.minimumActiveStages...q.stages.count, using: &stepRNG)
        }
        initializeCodebooks(q, using: &stepRNG)
      }
    }
    let layout = StepRecordLayout(model: model)
    var local: [Float] = []
    let mine = shards.shards(ofRank: group.rank, among: group.size)
    local.reserveCapacity(mine.count * layout.count)
    for shard in mine { local += shardRecord(shard, layout: layout, activeStages: activeStages) }
    let counts = (0..<group.size).map { shards.shards(ofRank: $0, among: group.size).count * layout.count }
    let exchange = DispatchTime.now().uptimeNanoseconds
    let records = group.allGather(local, counts: counts)
    metrics.communicationSeconds = Double(DispatchTime.now().uptimeNanoseconds - exchange) / 1e9
    let totals = layout.sumInShardOrder(records, shards: shards.count)

    let loss = totals[layout.loss] / Float(shards.count)
    guard loss.isFinite else { throw .diverged(step: step + 1, quantity: "loss") }
    setGradients(from: totals, layout: layout)
    metrics.gradientNorm = clipGradientNorm(model.parameters, maxNorm: options.gradientClip)
    guard metrics.gradientNorm.isFinite else { throw .diverged(step: step + 1, quantity: "gradient") }
    optimizer.learningRate = schedule.rate(at: step)
    optimizer.update()
    finishQuantizerStep(totals, layout: layout, using: &stepRNG)
    let stageCounts = layout.indexCounts(totals)
    recordIndices(stageCounts)
    step += 1

    metrics.step = step
    metrics.loss = loss
    metrics.meanSquaredError = totals[layout.meanSquaredError] / Float(shards.count)
    metrics.logLikelihood = totals[layout.logLikelihood] / Float(options.batch)
    metrics.entropy = totals[layout.entropy] / Float(shards.count)
    metrics.logCodeCount = totals[layout.logCodeCount] / Float(shards.count)
    let usage = CodebookUsage(counts: stageCounts[0].map { Int($0) })
    (metrics.perplexity, metrics.usedCodes) = (usage.perplexity, usage.usedCodes)
    metrics.activeStages = stageCounts.count { $0.contains { $0 > 0 } }
    metrics.learningRate = optimizer.learningRate
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    metrics.imagesPerSecond = Double(options.batch) / seconds
    return metrics
  }

  /// Bytes this rank receives per step: the records of the shards other ranks computed (`StepRecordLayout`).
  public var receivedBytesPerStep: Int {
    (shards.count - shards.shards(ofRank: group.rank, among: group.size).count) * StepRecordLayout(model: model).count
      * MemoryLayout<Float>.size
  }

  /// Codebooks not yet initialised start from k-means on the first shard's latents, which every rank computes.
  private func initializeCodebooks(_ q: ResidualQuantizer, using rng: inout SplitMix64) {
    guard q.stages.contains(where: { !$0.isInitialized }) else { return }
    let x = dataset.batch(positions: shards.positions(ofShard: 0), crop: options.crop, seed: options.seed, step: step)
    let z = model.encoder(Variable(x, requiresGrad: false), on: Tape(isRecording: false)).value
    q.initializeStages(from: z, using: &rng)
  }

  /// One shard's forward and backward: its record (`StepRecordLayout`).
  private func shardRecord(_ shard: Int, layout: StepRecordLayout, activeStages: Int?) -> [Float] {
    let x = dataset.batch(
      positions: shards.positions(ofShard: shard), crop: options.crop, seed: options.seed, step: step)
    var sampleRNG = SplitMix64(seed: derivedSeed(options.seed, 2, UInt64(step), UInt64(shard)))
    let tape = Tape()
    let pass = model.forward(
      Variable(x, requiresGrad: false), on: tape, likelihoodSigma: options.likelihoodSigma,
      activeStages: activeStages, using: &sampleRNG)
    optimizer.zeroGradients()
    tape.backward(from: pass.loss)
    var statistics: [Float] = []
    if case .residual(let q) = model.bottleneck { statistics = q.takeBatchStatistics() }
    return layout.record(pass, statistics: statistics, parameters: model.parameters)
  }

  /// The parameters' gradients: the shards' sum, scaled to the mean over the batch (each shard's loss is a mean
  /// over its own images).
  private func setGradients(from totals: [Float], layout: StepRecordLayout) {
    let scale = 1 / Float(shards.count)
    var offset = layout.gradients.lowerBound
    for p in model.parameters {
      p.grad = totals[offset..<offset + p.value.count].map { $0 * scale }
      offset += p.value.count
    }
  }

  /// EMA codebooks, dead-code restarts (at latents of shard 0, which rank 0 computed and sends) and REINFORCE's
  /// baseline, from the whole step's statistics.
  private func finishQuantizerStep(_ totals: [Float], layout: StepRecordLayout, using rng: inout SplitMix64) {
    switch model.bottleneck {
    case .residual(let q):
      let restarts = q.applyStatistics(Array(totals[layout.statistics]), using: &rng)
      if !restarts.isEmpty {
        let d = q.dimension
        let vectors: [Float] =
          group.rank == 0 ? restarts.flatMap { q.stages[$0.stage].candidate(row: $0.row) } : []
        let sent = group.broadcast(floats: vectors, count: restarts.count * d, from: 0)
        for (i, r) in restarts.enumerated() {
          q.stages[r.stage].restart(code: r.code, at: Array(sent[i * d..<(i + 1) * d]))
        }
      }
      q.endStep()
    case .reinforce(let q):
      q.baseline?.update(with: totals[layout.logLikelihood] / Float(options.batch))
    case .gumbel:
      break
    }
  }

  /// Folds this step's index counts into the decayed histograms (half-life about 700 steps); stages that did not
  /// run are left as they are.
  private func recordIndices(_ counts: [[Float]]) {
    for (s, stage) in counts.enumerated() where stage.contains(where: { $0 > 0 }) {
      for k in indexCounts[s].indices { indexCounts[s][k] = indexCounts[s][k] * 0.999 + stage[k] }
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
