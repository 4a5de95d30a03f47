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
  /// The last training batch, kept for `finishStep`: latents `[M, D]` and their codes.
  private var pending: (latents: [Float], indices: [Int32])?

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

  /// After the optimizer step: the EMA codebook update (`.ema`) and dead-code restarts, from the last training
  /// batch. Does nothing if no training batch ran since the last call.
  public func finishStep(using rng: inout some RandomNumberGenerator) {
    guard let (latents, indices) = pending else { return }
    pending = nil
    ema?.update(codebook, latents: latents, indices: indices)
    guard var restart else { return }
    let dead = restart.deadCodes(afterBatchWith: CodebookUsage(indices: indices, codes: codes).counts)
    self.restart = restart
    let d = codebook.dimension
    let m = indices.count
    for c in dead {
      let row = Int.random(in: 0..<m, using: &rng)
      let vector = latents[row * d..<(row + 1) * d]
      codebook.embeddings.value.scalars.replaceSubrange(c * d..<(c + 1) * d, with: vector)
      ema?.reset(code: c, to: vector, size: 1)
    }
  }
}
