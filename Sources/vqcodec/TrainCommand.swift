import ArgumentParser
import Codec
import Dispatch
import Foundation
import Imaging
import Quantizers
import Synchronization
import Tensors
import Training

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train a model on a folder of PNG/JPEG images (searched recursively).")

  @Argument(help: "Folder of training images.") var folder: String
  @Option(help: "Where to write the model (.vqm); a checkpoint and a metrics log go beside it.") var out: String
  @Option(help: "Architecture: \(ModelConfiguration.presets.keys.sorted().joined(separator: ", ")).") var preset =
    "f8-rq4"
  @Option(help: "Codebook size K per stage, instead of the preset's.") var codebookSize: Int?
  @Option(help: "Residual stages, instead of the preset's (straight-through only).") var stages: Int?
  @Option(
    help: ArgumentHelp(
      "Fine-tune: start the encoder and decoder from this model, a file or a shipped model's name (same preset "
        + "widths; K and stages may differ)."))
  var initFrom: String?
  @Flag(
    help: ArgumentHelp(
      "With --init-from: keep that model's codebooks too (same K) instead of starting them by k-means; stages "
        + "beyond its count still start by k-means."))
  var keepCodebooks = false
  @Option(help: "Gradient estimator: straight-through, gumbel or reinforce.") var estimator = "straight-through"
  @Option(help: "Codebook learning for straight-through: ema or loss.") var codebook = "ema"
  @Option(help: "Stop after this many steps.") var steps = 10_000
  @Option(help: "Stop after this many minutes of training, if sooner.") var minutes: Double?
  @Option(help: "Images per step (the global batch, over all MPI ranks).") var batch = 16
  @Option(
    help: ArgumentHelp(
      "Shards the batch is cut into; each shard's gradient is computed alone and the shards' are added in order, so "
        + "any number of ranks up to this gives the same model (default: the batch's largest divisor up to 4)."))
  var shards: Int?
  @Option(help: "Random crop size in pixels.") var crop = 128
  @Option(help: "Peak learning rate (linear warm-up, then cosine decay).") var lr: Float = 4e-4
  @Option(help: "Warm-up steps.") var warmup = 200
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @Option(help: "Folder of validation images (full images; never the training folder).") var val: String?
  @Option(help: "Validation images to use from --val.") var valImages = 4
  @Option(help: "Steps between validations.") var validateEvery = 500
  @Option(help: "Steps between checkpoints.") var checkpointEvery = 500
  @Option(help: "Steps between lines in the metrics log.") var logEvery = 50
  @Option(help: "Gumbel temperature at the start.") var temperatureStart: Float = 1
  @Option(help: "Gumbel temperature at the end of the schedule.") var temperatureEnd: Float = 0.1
  @Option(help: "Steps over which the Gumbel temperature decays.") var temperatureSteps = 5000
  @Flag(help: "Gumbel: soft samples instead of hard (straight-through) one-hot samples.") var softGumbel = false
  @Option(help: "Gumbel: weight of KL(q || uniform).") var klWeight: Float = 5e-4
  @Flag(help: "REINFORCE: no running-mean baseline (to see the variance it removes).") var noBaseline = false
  @Flag(help: "Straight-through: train every stage on every batch (no quantizer dropout).") var noQuantizerDropout =
    false
  @Option(
    help: ArgumentHelp(
      "Straight-through: quantizer dropout draws the active stages from this number up to all of them (above 1: "
        + "a model for high rates)."))
  var minStages = 1
  @Option(
    help: ArgumentHelp(
      "Straight-through: first train this many steps without the quantizer (latents straight to the decoder), "
        + "then start the codebooks by k-means and quantize."))
  var unquantizedSteps = 0
  @Option(
    help: ArgumentHelp(
      "Straight-through: the share of later steps, drawn at random, that also skip the quantizer (0 to 0.9), so "
        + "the transforms keep what finer latents carry."))
  var unquantizedShare: Float = 0
  @Option(help: "Continue the run saved in this checkpoint (same options give the same result).") var resume: String?
  @Flag(help: "Replace an existing model, checkpoint and metrics log (a --resume run goes on writing its own).")
  var force = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    guard ModelConfiguration.presets[preset] != nil else { throw ValidationError("unknown --preset \(preset)") }
    if let codebookSize, !(2...65536).contains(codebookSize) {
      throw ValidationError("--codebook-size must be in 2...65536")
    }
    if let stages, !(1...16).contains(stages) { throw ValidationError("--stages must be in 1...16") }
    guard let chosen = Estimator(name: estimator) else {
      throw ValidationError("--estimator must be straight-through, gumbel or reinforce")
    }
    if let stages, stages > 1, chosen != .straightThrough {
      throw ValidationError("--stages above 1 needs --estimator straight-through")
    }
    guard ["ema", "loss"].contains(codebook) else { throw ValidationError("--codebook must be ema or loss") }
    guard steps >= 1, batch >= 1, (8...1024).contains(crop), lr > 0, warmup >= 0, valImages >= 1 else {
      throw ValidationError("--steps, --batch, --lr must be positive and --crop in 8...1024")
    }
    guard validateEvery >= 1, checkpointEvery >= 1, logEvery >= 1, temperatureSteps >= 1 else {
      throw ValidationError("intervals must be positive")
    }
    if let minutes, minutes <= 0 { throw ValidationError("--minutes must be positive") }
    if unquantizedSteps != 0 || unquantizedShare != 0 {
      guard chosen == .straightThrough else {
        throw ValidationError("--unquantized-steps and --unquantized-share need straight-through")
      }
      guard (0...0.9).contains(unquantizedShare) else {
        throw ValidationError("--unquantized-share must be in 0...0.9")
      }
      guard (0..<steps).contains(unquantizedSteps) else {
        throw ValidationError("--unquantized-steps must be at least 0 and below --steps (\(steps))")
      }
    }
    if keepCodebooks && initFrom == nil { throw ValidationError("--keep-codebooks needs --init-from") }
    let stageCount = stages ?? ModelConfiguration.presets[preset]!.stages
    if minStages != 1 {
      guard chosen == .straightThrough, !noQuantizerDropout, (1...stageCount).contains(minStages) else {
        throw ValidationError(
          "--min-stages must be in 1...\(stageCount) (the stages), with straight-through and quantizer dropout")
      }
    }
    if let shards, shards < 1 || batch % shards != 0 {
      throw ValidationError("--shards must divide --batch (\(batch)) into equal shards")
    }
  }

  func run() throws {
    let ranks = RankSetup.join()
    do { try train(group: ranks.group) } catch let failure as SharedFailure {
      // Told before MPI_Finalize: once every rank is past it, a quiet rank's exit may make mpirun end this one.
      if let told = failure.told { tellFailure(told) }
      ranks.finish()
      throw QuietFailure()
    }
    // Any other failure is this rank's own, and its exit (without MPI_Finalize) makes mpirun end the other ranks.
    ranks.finish()
  }

  private func train(group: RankGroup) throws {
    let writesFiles = group.rank == 0
    if resume == nil && writesFiles {
      for path in [out, out + ".ckpt", out + ".log.jsonl"] { try checkOutput(path, input: folder, force: force) }
    }
    threadOptions.apply()
    var configuration = ModelConfiguration.presets[preset]!
    if let codebookSize { configuration.codebookSize = codebookSize }
    if let stages { configuration.stages = stages }
    var options = TrainingOptions(configuration: configuration)
    options.estimator = Estimator(name: estimator)!
    options.quantizer.codebookUpdate = codebook == "ema" ? .ema(decay: 0.99) : .gradient
    options.quantizer.hardGumbel = !softGumbel
    options.quantizer.klWeight = klWeight
    options.quantizer.usesBaseline = !noBaseline
    options.quantizer.quantizerDropout = !noQuantizerDropout
    options.minimumActiveStages = minStages
    (options.steps, options.minutes, options.batch, options.crop) = (steps, minutes, batch, crop)
    options.shards = shards
    (options.learningRate, options.warmupSteps, options.seed) = (lr, warmup, seed)
    (options.unquantizedSteps, options.unquantizedShare) = (unquantizedSteps, unquantizedShare)
    (options.validateEvery, options.checkpointEvery, options.logEvery) = (validateEvery, checkpointEvery, logEvery)
    options.temperature = TemperatureSchedule(start: temperatureStart, end: temperatureEnd, steps: temperatureSteps)
    guard options.crop % options.configuration.downsampling == 0 else {
      throw ValidationError(
        "--crop must be a multiple of the preset's downsampling factor \(options.configuration.downsampling)")
    }
    guard group.size <= options.shardPlan.count else {
      let message =
        "\(group.size) ranks but only \(options.shardPlan.count) shards per step: use at most that many ranks, "
        + "or more --shards"
      throw SharedFailure(told: group.rank == 0 ? CommandFailure(message) : nil)
    }

    let progress = ProgressPrinter(silent: !writesFiles)
    var rng = SplitMix64(seed: seed)
    let model = VQModel(options.configuration, estimator: options.estimator, options: options.quantizer, using: &rng)
    // Rank 0's weights reach the other ranks with the rest of its state (`TrainingSession`).
    if let initFrom, writesFiles {
      try startTransforms(of: model, from: initFrom, options: &options, progress: progress)
    }
    progress.note("reading images under \(folder)")
    let dataset = try ImageDataset(folder: folder, crop: crop)
    for (path, reason) in dataset.skipped { progress.note("warning: skipped \(path): \(reason)") }
    progress.note(
      "\(dataset.images.count) images loaded, \(dataset.skipped.count) unreadable, "
        + "\(dataset.tooSmall) smaller than \(crop)×\(crop)"
    )
    try checkSameImages(dataset, group: group)
    let validationImages = writesFiles ? try loadValidation() : []

    let trainer = Trainer(options: options, model: model, dataset: dataset, group: group)
    if group.size > 1 {
      progress.note(
        "\(group.size) ranks, \(options.shardPlan.count) shards per step; rank 0 receives "
          + String(format: "%.1f MB per step", Double(trainer.receivedBytesPerStep) / 1e6))
    }
    let session = try TrainingSession(
      trainer: trainer, modelPath: out, validationImages: validationImages, resumeFrom: resume)
    if resume != nil { progress.note("resumed at step \(trainer.step)") }
    let stop = InterruptFlag()
    do { try session.run(shouldStop: { stop.isSet }, report: { progress.show($0) }) } catch {
      // Every rank meets a divergence at the same step; rank 0 tells it.
      guard case TrainingError.divergedAfterSaving = error else { throw error }
      throw SharedFailure(told: writesFiles ? error : nil)
    }
    progress.finish()
    if stop.isSet {
      progress.note("interrupted: checkpoint written to \(session.checkpointPath); continue with --resume")
    }
    progress.note("model written to \(out) (metrics: \(session.logPath))")
  }

  /// Every rank must crop from the same images: a rank whose folder differs (another host's copy) stops the job.
  private func checkSameImages(_ dataset: ImageDataset, group: RankGroup) throws {
    guard group.size > 1 else { return }
    let mine = dataset.summary
    let all = group.allGather(mine, counts: [Int](repeating: mine.count, count: group.size))
    let first = Array(all.prefix(mine.count))
    guard (0..<group.size).allSatisfy({ Array(all[$0 * mine.count..<($0 + 1) * mine.count]) == first }) else {
      // Each rank that differs from rank 0 says so; the others stop without a word.
      let message =
        "rank \(group.rank) sees other training images under \(folder) than rank 0 (every host needs the same copy)"
      throw SharedFailure(told: mine == first ? nil : CommandFailure(message))
    }
  }

  /// `--init-from`: the source model's encoder and decoder weights (and with `--keep-codebooks` its codebooks); its
  /// fingerprint goes into the new model's notes.
  private func startTransforms(
    of model: VQModel, from path: String, options: inout TrainingOptions, progress: ProgressPrinter
  ) throws {
    let bytes = try modelBytes(path)
    do {
      let source = try ModelFile.parse(bytes).model
      try model.copyTransforms(from: source)
      if keepCodebooks { options.keptCodebookStages = try model.copyCodebooks(from: source) }
    } catch { throw CommandFailure("--init-from \(path): \(error)") }
    options.initializedFrom = hexString(ModelFile.fingerprint(of: bytes))
    let codebooks = { (n: Int) in n == 1 ? "1 codebook" : "\(n) codebooks" }
    let (kept, fresh) = (options.keptCodebookStages, model.stageCount - options.keptCodebookStages)
    progress.note(
      "encoder" + (kept > 0 ? ", decoder and \(codebooks(kept))" : " and decoder") + " start from \(path)"
        + (fresh > 0 ? "; \(codebooks(fresh)) from k-means on the first batch" : ""))
  }

  private func loadValidation() throws -> [RGBImage] {
    guard let val else { return [] }
    let files = try ImageFolder.files(in: val).prefix(valImages)
    return try files.map { try ImageFile.read(path: $0).image }
  }
}

/// Set by SIGINT (Ctrl-C), SIGTERM or SIGUSR1: the loop finishes its step, then writes a checkpoint and stops.
/// `mpirun` turns its own SIGINT or SIGTERM into SIGTERM for every rank and forwards SIGUSR1, so Ctrl-C (or
/// `kill -USR1` to mpirun) stops a data-parallel job the same way. The handlers run on a dispatch queue while the
/// loop reads the flag on the main thread, hence the atomic.
final class InterruptFlag: Sendable {
  private let flag = Atomic<Bool>(false)
  private let sources: [SignalSource]

  var isSet: Bool { flag.load(ordering: .relaxed) }

  init() {
    sources = [SIGINT, SIGTERM, SIGUSR1].map { number in
      signal(number, SIG_IGN)
      return SignalSource(DispatchSource.makeSignalSource(signal: number, queue: .global()))
    }
    for source in sources { source.start { [unowned self] in self.flag.store(true, ordering: .relaxed) } }
  }
}

/// Keeps the dispatch source alive; it is only touched once, from `InterruptFlag.init`, before the handler can run.
private final class SignalSource: @unchecked Sendable {
  private let source: DispatchSourceSignal
  init(_ source: DispatchSourceSignal) { self.source = source }
  func start(_ handler: @escaping @Sendable () -> Void) {
    source.setEventHandler(handler: handler)
    source.resume()
  }
}
