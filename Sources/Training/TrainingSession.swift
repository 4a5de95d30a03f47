import Codec
import Dispatch
import Foundation
import Imaging
import Serialization
import Tensors

/// A whole `vqcodec train` run: the step loop, periodic validation, atomic checkpoints and model files, the
/// metrics log, a clean stop on request (Ctrl-C) and a clean stop when training diverges.
public final class TrainingSession {
  public enum Event {
    case step(StepMetrics, elapsed: Double, total: Int?)
    case validation(step: Int, ValidationResult)
    case saved(path: String, step: Int)
  }

  public let trainer: Trainer
  public let modelPath: String
  public let validationImages: [RGBImage]
  private var elapsedBefore = 0.0
  /// The metrics log; only rank 0 writes files (the model, the checkpoint, the log).
  private let log: AppendingFile?
  /// The step of the model and checkpoint on disk from this run (or the one resumed), if any.
  private var savedStep: Int?

  /// The checkpoint (`model.vqm.ckpt`) and metrics log (`model.vqm.log.jsonl`) sit beside the model.
  public var checkpointPath: String { modelPath + ".ckpt" }
  public var logPath: String { modelPath + ".log.jsonl" }
  private var writesFiles: Bool { trainer.group.rank == 0 }

  /// A fresh run starts an empty log; a resumed one appends to it. Whether existing files may be replaced is the
  /// caller's decision (`vqcodec train --force`). Over several ranks, rank 0 reads the checkpoint (or takes its own
  /// fresh state) and sends it to the others, so every rank starts from rank 0's parameters and optimizer state.
  public init(
    trainer: Trainer, modelPath: String, validationImages: [RGBImage] = [], resumeFrom checkpoint: String? = nil
  ) throws {
    self.trainer = trainer
    self.modelPath = modelPath
    self.validationImages = validationImages
    let group = trainer.group
    if checkpoint != nil || group.size > 1 {
      var bytes: [UInt8] = []
      if group.rank == 0 {
        if let checkpoint {
          do { bytes = try FileBytes.read(path: checkpoint) } catch { throw TrainingError.badCheckpoint("\(error)") }
        } else {
          bytes = Checkpoint.serialize(trainer, elapsedSeconds: 0)
        }
      }
      bytes = group.broadcast(bytes, from: 0)
      elapsedBefore = try Checkpoint.restore(bytes, into: trainer)
      if checkpoint != nil { savedStep = trainer.step }
    }
    if group.rank == 0 {
      do { log = try AppendingFile(path: modelPath + ".log.jsonl", truncating: checkpoint == nil) } catch {
        throw TrainingError.writeFailed("\(error)")
      }
    } else {
      log = nil
    }
  }

  /// Trains until `options.steps`, `options.minutes` or `shouldStop()`; saves the model and a checkpoint at the end.
  /// Every rank runs this loop; the ranks agree before each step whether to stop (any rank's Ctrl-C or clock stops
  /// them all at the same step), and only rank 0 reports, logs, validates and saves.
  /// - Throws: `TrainingError.divergedAfterSaving` when a step's loss or gradient is not finite (the files on disk
  ///   then keep the last good step), `.writeFailed` when the log, the model or the checkpoint cannot be written.
  public func run(shouldStop: () -> Bool, report: (Event) -> Void) throws {
    let options = trainer.options
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { elapsedBefore + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    while trainer.step < options.steps {
      let timeUp = options.minutes.map { elapsed() >= $0 * 60 } ?? false
      if anyRank(timeUp || shouldStop()) { break }
      let metrics: StepMetrics
      do { metrics = try trainer.trainStep() } catch { throw afterDivergence(error) }
      guard writesFiles else { continue }
      report(.step(metrics, elapsed: elapsed(), total: options.steps))
      if trainer.step % options.logEvery == 0 { try writeLog(metrics, elapsed: elapsed()) }
      if !validationImages.isEmpty && trainer.step % options.validateEvery == 0 { try validate(report) }
      if trainer.step % options.checkpointEvery == 0 { try save(elapsed: elapsed(), report: report) }
    }
    guard writesFiles else { return }
    // The last step may already have been validated and saved by the periodic checks.
    if !validationImages.isEmpty && trainer.step % options.validateEvery != 0 { try validate(report) }
    if trainer.step % options.checkpointEvery != 0 || trainer.step == 0 { try save(elapsed: elapsed(), report: report) }
  }

  /// Whether any rank says yes: one small collective per step, so all ranks stop at the same step.
  private func anyRank(_ flag: Bool) -> Bool {
    let group = trainer.group
    guard group.size > 1 else { return flag }
    return group.allGather([flag ? 1 : 0], counts: [Int](repeating: 1, count: group.size)).contains(1)
  }

  /// The trainer's divergence, told with what is on disk.
  private func afterDivergence(_ error: TrainingError) -> TrainingError {
    guard case .diverged(let step, let quantity) = error else { return error }
    return .divergedAfterSaving(step: step, quantity: quantity, savedStep: savedStep, checkpoint: checkpointPath)
  }

  private func validate(_ report: (Event) -> Void) throws {
    // Before the codebooks exist there is nothing to code with; the step line's PSNR shows the unquantized progress.
    guard trainer.step > trainer.options.unquantizedSteps else { return }
    let result = Validation.evaluate(trainer.model, on: validationImages)
    report(.validation(step: trainer.step, result))
    try writeLine(
      .object([
        ("step", .integer(trainer.step)), ("val_psnr", logged(result.psnr)),
        ("val_bpp_fixed", logged(result.bitsPerPixel)), ("val_perplexity", logged(result.perplexity)),
        ("val_used_codes", .integer(result.usedCodes)), ("val_dead_codes", .integer(result.deadCodes)),
      ]))
  }

  /// Writes the model file and the checkpoint, each atomically; a model with a non-finite weight is never written.
  public func save(elapsed: Double, report: (Event) -> Void) throws {
    if let tensor = trainer.model.storedTensors.first(where: { !$0.value.isFinite }) {
      throw afterDivergence(.diverged(step: trainer.step, quantity: "value of \(tensor.name)"))
    }
    trainer.model.indexPrior = trainer.indexPrior
    // No wall-clock time in the model file: the same options and seed must give the same bytes (and fingerprint),
    // in one go or resumed. The time is in the checkpoint and the metrics log.
    let options = trainer.options
    var notes: [(String, JSONValue)] = [
      ("trained_steps", .integer(trainer.step)), ("estimator", .string("\(trainer.model.estimator)")),
      ("batch", .integer(options.batch)), ("crop", .integer(options.crop)),
      // A float32 has 7 significant digits; the seed is a UInt64, beyond `.integer`'s range.
      ("learning_rate", .number(Double(options.learningRate), significantDigits: 7)),
      ("seed", .verbatim(String(options.seed))),
    ]
    if let source = options.initializedFrom { notes.append(("initialized_from", .string(source))) }
    if options.keptCodebookStages > 0 { notes.append(("kept_codebook_stages", .integer(options.keptCodebookStages))) }
    if options.minimumActiveStages > 1 {
      notes.append(("minimum_active_stages", .integer(options.minimumActiveStages)))
    }
    if options.unquantizedSteps > 0 { notes.append(("unquantized_steps", .integer(options.unquantizedSteps))) }
    if options.unquantizedShare > 0 {
      notes.append(("unquantized_share", .number(Double(options.unquantizedShare), significantDigits: 7)))
    }
    do {
      try AtomicFile.write(ModelFile.serialize(trainer.model, notes: JSONValue.object(notes).line), to: modelPath)
      try AtomicFile.write(Checkpoint.serialize(trainer, elapsedSeconds: elapsed), to: checkpointPath)
    } catch { throw TrainingError.writeFailed("\(error)") }
    savedStep = trainer.step
    report(.saved(path: modelPath, step: trainer.step))
  }

  private func writeLog(_ m: StepMetrics, elapsed: Double) throws {
    var fields: [(String, JSONValue)] = [
      ("step", .integer(m.step)), ("seconds", logged(elapsed)), ("loss", logged(m.loss)),
      ("mse", logged(m.meanSquaredError)), ("psnr", logged(m.psnr)), ("log_likelihood", logged(m.logLikelihood)),
      ("entropy", logged(m.entropy)), ("log_k", logged(m.logCodeCount)), ("perplexity", logged(m.perplexity)),
      ("used_codes", .integer(m.usedCodes)), ("stages", .integer(m.activeStages)),
      ("grad_norm", logged(m.gradientNorm)), ("lr", logged(m.learningRate)),
    ]
    if let t = m.temperature { fields.append(("temperature", logged(t))) }
    fields.append(("images_per_s", logged(m.imagesPerSecond)))
    if trainer.group.size > 1 { fields.append(("exchange_s", logged(m.communicationSeconds))) }
    try writeLine(.object(fields))
  }

  private func writeLine(_ record: JSONValue) throws {
    do { try log?.append(record.line + "\n") } catch { throw TrainingError.writeFailed("\(error)") }
  }
}

/// A measurement in the metrics log: five significant digits are plenty and keep lines short.
private func logged(_ x: some BinaryFloatingPoint) -> JSONValue { .number(Double(x), significantDigits: 5) }
