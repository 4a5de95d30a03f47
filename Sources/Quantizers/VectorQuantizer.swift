import Tensors

/// Nearest-code quantization with the straight-through estimator (van den Oord et al. 2017).
///
/// Forward: `k_i = argmin_k ‖z_i − e_k‖²` (the `nearestCodes` kernel), `q_i = e_{k_i}`, and the decoder gets
/// `z_q = z_e + sg[q − z_e]` (value `q`, gradient copied to `z_e`). Loss (means over all elements):
/// - `.gradient`: `‖sg[z_e] − q‖² + β‖z_e − sg[q]‖²` (codebook + commitment);
/// - `.ema`: `β‖z_e − sg[q]‖²` only; the codebook follows EMAs of its clusters in `finishStep`.
///
/// Health (defaults): EMA updates, k-means++ initialisation on the first training batch, dead-code restarts.
public final class VectorQuantizer: Quantizer {
  public let codebook: Codebook
  public let update: CodebookUpdate
  /// β, the weight of the commitment term.
  public let commitmentWeight: Float
  public let initialization: CodebookInitialization
  /// Whether the codebook has been initialised from data (set after the first training batch; save it with
  /// the model so a resumed run does not re-initialise).
  public var isInitialized: Bool
  /// EMA state when `update` is `.ema`.
  public var ema: CodebookEMA?
  /// Dead-code restart state, or nil for none.
  public var restart: DeadCodeRestart?
  /// The last training batch, kept for `takeBatchStatistics`: latents `[M, D]` and their codes.
  private var pending: (latents: [Float], indices: [Int32])?
  /// Where dead codes restart this step: the latents of the first batch taken since the last `endStep` (in a
  /// step split into shards, the first shard's, which every rank can be sent).
  private var restartCandidates: [Float]?

  public init(
    codebook: Codebook, update: CodebookUpdate = .ema(decay: 0.99), commitmentWeight: Float = 0.25,
    initialization: CodebookInitialization = .kMeansPlusPlus(iterations: 10),
    restart: DeadCodeRestart? = DeadCodeRestart()
  ) {
    (self.codebook, self.update, self.commitmentWeight) = (codebook, update, commitmentWeight)
    (self.initialization, self.restart) = (initialization, restart)
    isInitialized = initialization == .random
    if case .ema(let decay) = update { ema = CodebookEMA(codebook: codebook, decay: decay) }
  }

  /// A fresh codebook of `codes × dimension`, uniform in ±1/K (replaced by k-means++ on the first batch when
  /// that initialisation is chosen).
  public convenience init(
    codes: Int, dimension: Int, update: CodebookUpdate = .ema(decay: 0.99), commitmentWeight: Float = 0.25,
    initialization: CodebookInitialization = .kMeansPlusPlus(iterations: 10),
    restart: DeadCodeRestart? = DeadCodeRestart(), using rng: inout some RandomNumberGenerator
  ) {
    self.init(
      codebook: Codebook(codes: codes, dimension: dimension, using: &rng), update: update,
      commitmentWeight: commitmentWeight, initialization: initialization, restart: restart)
  }

  public var codes: Int { codebook.codes }
  public var parameters: [Variable] { update == .gradient ? [codebook.embeddings] : [] }

  public func quantize(_ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator) -> QuantizerOutput {
    let stage = quantizeStage(z, on: tape, using: &rng)
    let quantized = tape.straightThrough(z, to: Tensor(shape: z.shape, scalars: stage.codes.value.scalars))
    return QuantizerOutput(
      quantized: quantized, indices: [stage.indices], loss: stage.loss, usage: [stage.usage], entropy: 0,
      logCodeCount: Float.log(Float(codes)))
  }

  /// The nearest codes of `z [N, H, W, D]` without a tape or any state change (the encoder's path).
  public func indices(for z: Tensor) -> [Int32] {
    precondition(
      z.shape.last == codebook.dimension, "latents have \(z.shape.last ?? 0) channels, codebook \(codebook.dimension)")
    return codebook.nearest(to: z.scalars).indices
  }

  /// One stage's work, shared with `ResidualQuantizer`: codes `[N, H, W, D]` (looked up on the tape), the loss,
  /// usage. On a recording tape: initialises the codebook if needed and keeps the batch for `finishStep`.
  func quantizeStage(
    _ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator
  )
    -> (indices: [Int32], codes: Variable, loss: Variable, usage: CodebookUsage)
  {
    precondition(
      z.shape.count == 4 && z.shape[3] == codebook.dimension,
      "VectorQuantizer needs z [N,H,W,\(codebook.dimension)], got \(z.shape)")
    if tape.isRecording && !isInitialized { initializeCodebook(from: z.value.scalars, using: &rng) }
    let indices = codebook.nearest(to: z.value.scalars).indices
    let q = tape.reshaped(codebook.lookup(indices, on: tape), to: z.shape)
    var loss = tape.scaled(tape.meanSquaredError(z, q.detached()), by: commitmentWeight)
    if update == .gradient { loss = tape.add(tape.meanSquaredError(z.detached(), q), loss) }
    if tape.isRecording { pending = (z.value.scalars, indices) }
    return (indices, q, loss, CodebookUsage(indices: indices, codes: codes))
  }

  /// Replaces the codebook by k-means on `latents [M, D]` (k-means++ seeds, then the Lloyd iterations of
  /// `initialization`, none for `.random`) and restarts the EMA state from the clusters' sizes. The first
  /// training batch calls this automatically unless `isInitialized`.
  public func initializeCodebook(from latents: [Float], using rng: inout some RandomNumberGenerator) {
    let iterations: Int
    if case .kMeansPlusPlus(let n) = initialization { iterations = n } else { iterations = 0 }
    let (centroids, counts) = KMeans.cluster(
      points: latents, dimension: codebook.dimension, count: codes, iterations: iterations, using: &rng)
    codebook.embeddings.value.scalars = centroids
    if ema != nil {
      let d = codebook.dimension
      for c in 0..<codes { ema!.reset(code: c, to: centroids[c * d..<(c + 1) * d], size: max(1, Float(counts[c]))) }
    }
    isInitialized = true
  }

  /// Takes `codes [K·D]` trained elsewhere (a fine-tune's source model) as this codebook: no k-means on the first
  /// batch, and the EMA state restarts from them as it does for a fresh codebook (each code's count 1).
  public func adopt(codes: [Float]) {
    precondition(codes.count == self.codes * codebook.dimension, "adopt: \(codes.count) floats for this codebook")
    codebook.embeddings.value.scalars = codes
    if case .ema(let decay) = update { ema = CodebookEMA(codebook: codebook, decay: decay) }
    isInitialized = true
  }

  /// After the optimizer step: the EMA codebook update (`.ema`) and dead-code restarts, from the last training
  /// batch. Does nothing if no training batch ran since the last call. (A step split into shards does the same in
  /// parts: `takeBatchStatistics` per shard, `applyStatistics` on their sum, `restart`, `endStep`.)
  public func finishStep(using rng: inout some RandomNumberGenerator) {
    guard let statistics = takeBatchStatistics() else { return }
    for (code, row) in applyStatistics(statistics[...], using: &rng) { restart(code: code, at: candidate(row: row)) }
    endStep()
  }

  /// Floats in `takeBatchStatistics`' result: the codes' counts `[K]`, then for `.ema` their latents' sums `[K·D]`.
  public var statisticsCount: Int { codes + (ema == nil ? 0 : codes * codebook.dimension) }

  /// The last training batch's statistics, which add up across batches (shards) of one step; nil if no training
  /// batch ran since the last call.
  public func takeBatchStatistics() -> [Float]? {
    guard let (latents, indices) = pending else { return nil }
    pending = nil
    if restartCandidates == nil { restartCandidates = latents }
    let (k, d) = (codes, codebook.dimension)
    var statistics = [Float](repeating: 0, count: statisticsCount)
    latents.withUnsafeBufferPointer { z in
      statistics.withUnsafeMutableBufferPointer { s in
        for (i, index) in indices.enumerated() {
          let c = Int(index)
          s[c] += 1
          if ema != nil { for j in 0..<d { s[k + c * d + j] += z[i * d + j] } }
        }
      }
    }
    return statistics
  }

  /// Folds a step's summed statistics in (the EMA update) and finds the dead codes: each with the row of the
  /// restart candidates it moves to, drawn from `rng` (the same on every rank).
  public func applyStatistics(
    _ totals: ArraySlice<Float>, using rng: inout some RandomNumberGenerator
  ) -> [(
    code: Int, row: Int
  )] {
    precondition(totals.count == statisticsCount, "\(totals.count) statistics for \(statisticsCount)")
    let counts = Array(totals.prefix(codes))
    if ema != nil { ema!.update(codebook, counts: counts, sums: Array(totals.dropFirst(codes))) }
    guard var restart, let rows = restartCandidates.map({ $0.count / codebook.dimension }) else { return [] }
    let dead = restart.deadCodes(afterBatchWith: counts.map { Int($0) })
    self.restart = restart
    return dead.map { ($0, Int.random(in: 0..<rows, using: &rng)) }
  }

  /// Row `row` of the restart candidates.
  public func candidate(row: Int) -> [Float] {
    let d = codebook.dimension
    return Array(restartCandidates![row * d..<(row + 1) * d])
  }

  /// Moves `code` to `vector` (its EMA state too).
  public func restart(code: Int, at vector: [Float]) {
    let d = codebook.dimension
    codebook.embeddings.value.scalars.replaceSubrange(code * d..<(code + 1) * d, with: vector)
    ema?.reset(code: code, to: vector[...], size: 1)
  }

  /// Forgets this step's restart candidates.
  public func endStep() { restartCandidates = nil }
}
