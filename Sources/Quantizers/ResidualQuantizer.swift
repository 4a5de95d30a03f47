import RealModule
import Tensors

/// `S` stages of `VectorQuantizer`: stage `s` quantizes the residual `r_s = z_e − Σ_{t<s} q_t` left by the
/// stages before it, and the decoder gets `z_q = z_e + sg[Σ_s q_s − z_e]` (Zeghidour et al. 2021, SoundStream).
///
/// Training with quantizer dropout draws the number of active stages uniformly from `1...S` for each batch, so
/// that decoding from the first `s` stages of a file works for every `s` (variable rate). Each stage's loss
/// (commitment, plus the codebook term for `.gradient`) compares its residual with its codes; residuals are
/// formed from detached codes, so commitment gradients reach `z_e` and nothing else.
public final class ResidualQuantizer: Quantizer {
  public let stages: [VectorQuantizer]
  /// Whether training batches use a random number of stages (`1...S`); inference always uses the number asked for.
  public var quantizerDropout: Bool

  public init(stages: [VectorQuantizer], quantizerDropout: Bool = true) {
    precondition(!stages.isEmpty, "a residual quantizer needs at least one stage")
    precondition(Set(stages.map { $0.codebook.dimension }).count == 1, "residual stages must share the code dimension")
    (self.stages, self.quantizerDropout) = (stages, quantizerDropout)
  }

  /// `stageCount` fresh stages of `codes × dimension` with the same settings (defaults: EMA, k-means++ on the
  /// first batch's residuals, dead-code restarts).
  public convenience init(
    stageCount: Int, codes: Int, dimension: Int, update: CodebookUpdate = .ema(decay: 0.99),
    commitmentWeight: Float = 0.25, initialization: CodebookInitialization = .kMeansPlusPlus(iterations: 10),
    restart: DeadCodeRestart? = DeadCodeRestart(), quantizerDropout: Bool = true,
    using rng: inout some RandomNumberGenerator
  ) {
    let stages = (0..<stageCount).map { s in
      let stage = VectorQuantizer(
        codes: codes, dimension: dimension, update: update, commitmentWeight: commitmentWeight,
        initialization: initialization, restart: restart, using: &rng)
      stage.codebook.embeddings.name = "codebook.\(s)"
      return stage
    }
    self.init(stages: stages, quantizerDropout: quantizerDropout)
  }

  /// `K` of the first stage.
  public var codes: Int { stages[0].codes }
  public var dimension: Int { stages[0].codebook.dimension }
  public var parameters: [Variable] { stages.flatMap(\.parameters) }

  /// All stages (or, on a recording tape with `quantizerDropout`, a random `1...S` of them).
  public func quantize(_ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator) -> QuantizerOutput {
    let active = tape.isRecording && quantizerDropout ? Int.random(in: 1...stages.count, using: &rng) : stages.count
    return quantize(z, stages: active, on: tape, using: &rng)
  }

  /// The first `active` stages. `indices` has one array per active stage. With no stage active, `z` itself passes
  /// (unquantized training, `TrainingOptions.unquantizedSteps`): no codes, no quantizer loss.
  public func quantize(
    _ z: Variable, stages active: Int, on tape: Tape, using rng: inout some RandomNumberGenerator
  ) -> QuantizerOutput {
    precondition((0...stages.count).contains(active), "active stages must lie in 0...\(stages.count), got \(active)")
    guard active > 0 else {
      return QuantizerOutput(
        quantized: z, indices: [], loss: Variable(Tensor(0), requiresGrad: false), usage: [], entropy: 0,
        logCodeCount: 0)
    }
    var residual = z
    var sum = [Float](repeating: 0, count: z.value.count)
    var losses: [Variable] = []
    var indices: [[Int32]] = []
    var usage: [CodebookUsage] = []
    for stage in stages[..<active] {
      let result = stage.quantizeStage(residual, on: tape, using: &rng)
      addInPlace(&sum, result.codes.value.scalars)
      losses.append(result.loss)
      indices.append(result.indices)
      usage.append(result.usage)
      residual = tape.subtract(residual, result.codes.detached())
    }
    let loss = losses.dropFirst().reduce(losses[0]) { tape.add($0, $1) }
    return QuantizerOutput(
      quantized: tape.straightThrough(z, to: Tensor(shape: z.shape, scalars: sum)), indices: indices, loss: loss,
      usage: usage, entropy: 0, logCodeCount: Float(active) * Float.log(Float(codes)))
  }

  /// After the optimizer step: each stage that ran this batch updates its EMA codebook and restarts dead codes.
  public func finishStep(using rng: inout some RandomNumberGenerator) {
    for stage in stages { stage.finishStep(using: &rng) }
  }

  /// Initialises every stage not yet initialised by k-means on `z [N, H, W, D]`, stage by stage on the residuals
  /// left by the stages before it, as training's first batch would; the same `z` and `rng` give the same codebooks.
  public func initializeStages(from z: Tensor, using rng: inout some RandomNumberGenerator) {
    var residual = z.scalars
    let tape = Tape(isRecording: false)
    for stage in stages {
      if !stage.isInitialized { stage.initializeCodebook(from: residual, using: &rng) }
      let indices = stage.codebook.nearest(to: residual).indices
      subtractInPlace(&residual, stage.codebook.lookup(indices, on: tape).value.scalars)
    }
  }

  // MARK: - A step in shards (data-parallel training)

  /// Every stage's `takeBatchStatistics`, concatenated; a stage that did not run this batch contributes zeros (its
  /// counts sum to 0, which `applyStatistics` reads as "did not run").
  public func takeBatchStatistics() -> [Float] {
    stages.flatMap { $0.takeBatchStatistics() ?? [Float](repeating: 0, count: $0.statisticsCount) }
  }

  /// Each stage that ran folds in its part of the summed statistics; returns the restarts (stage, code, row).
  public func applyStatistics(
    _ totals: [Float], using rng: inout some RandomNumberGenerator
  ) -> [(
    stage: Int, code: Int, row: Int
  )] {
    precondition(totals.count == stages.reduce(0) { $0 + $1.statisticsCount }, "statistics of another quantizer")
    var restarts: [(stage: Int, code: Int, row: Int)] = []
    var offset = 0
    for (s, stage) in stages.enumerated() {
      let part = totals[offset..<offset + stage.statisticsCount]
      offset += stage.statisticsCount
      guard part.prefix(stage.codes).contains(where: { $0 > 0 }) else { continue }
      restarts += stage.applyStatistics(part, using: &rng).map { (s, $0.code, $0.row) }
    }
    return restarts
  }

  /// Forgets this step's restart candidates in every stage.
  public func endStep() { for stage in stages { stage.endStep() } }

  /// The codes of the first `count` stages for `z [N, H, W, D]`, one array per stage, row-major over `N·H·W`.
  /// No tape, no state change; the residuals are computed exactly as in training, so the indices agree.
  public func indices(for z: Tensor, stages count: Int) -> [[Int32]] {
    precondition((1...stages.count).contains(count), "stages must lie in 1...\(stages.count), got \(count)")
    precondition(z.shape.last == dimension, "latents have \(z.shape.last ?? 0) channels, codebooks \(dimension)")
    var residual = z.scalars
    var result: [[Int32]] = []
    let tape = Tape(isRecording: false)
    for stage in stages[..<count] {
      let indices = stage.codebook.nearest(to: residual).indices
      subtractInPlace(&residual, stage.codebook.lookup(indices, on: tape).value.scalars)
      result.append(indices)
    }
    return result
  }

  /// The sum of the looked-up codes of `indices` (one array per stage, the first `indices.count` stages; the index K
  /// is a skip and adds nothing), as `[N, H, W, D]` for `shape = [N, H, W]`: the decoder's input when decoding a file.
  public func reconstruct(from indices: [[Int32]], shape: [Int]) -> Tensor {
    precondition(shape.count == 3, "reconstruct needs the latent grid [N, H, W], got \(shape)")
    precondition((1...stages.count).contains(indices.count), "\(indices.count) index arrays for \(stages.count) stages")
    let m = shape.reduce(1, *)
    var sum = [Float](repeating: 0, count: m * dimension)
    for (stage, stageIndices) in zip(stages, indices) {
      precondition(stageIndices.count == m, "\(stageIndices.count) indices for a grid of \(m) latents")
      stage.codebook.addCodes(stageIndices, into: &sum)
    }
    return Tensor(shape: shape + [dimension], scalars: sum)
  }
}

/// `a += b` elementwise.
private func addInPlace(_ a: inout [Float], _ b: [Float]) {
  precondition(a.count == b.count, "addInPlace: sizes differ")
  a.withUnsafeMutableBufferPointer { a in b.withUnsafeBufferPointer { b in for i in 0..<a.count { a[i] += b[i] } } }
}

/// `a −= b` elementwise.
private func subtractInPlace(_ a: inout [Float], _ b: [Float]) {
  precondition(a.count == b.count, "subtractInPlace: sizes differ")
  a.withUnsafeMutableBufferPointer { a in b.withUnsafeBufferPointer { b in for i in 0..<a.count { a[i] -= b[i] } } }
}
