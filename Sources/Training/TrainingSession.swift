import Codec
import Dispatch
import Foundation
import Imaging
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
  private let log: AppendingFile
  /// The step of the model and checkpoint on disk from this run (or the one resumed), if any.
  private var savedStep: Int?

  /// The checkpoint (`model.vqm.ckpt`) and metrics log (`model.vqm.log.jsonl`) sit beside the model.
  public var checkpointPath: String { modelPath + ".ckpt" }
  public var logPath: String { modelPath + ".log.jsonl" }

  /// A fresh run starts an empty log; a resumed one appends to it. Whether existing files may be replaced is the
  /// caller's decision (`vqcodec train --force`).
  public init(
    trainer: Trainer, modelPath: String, validationImages: [RGBImage] = [], resumeFrom checkpoint: String? = nil
  ) throws {
    self.trainer = trainer
    self.modelPath = modelPath
    self.validationImages = validationImages
    if let checkpoint {
      let bytes: [UInt8]
      do { bytes = try FileBytes.read(path: checkpoint) } catch { throw TrainingError.badCheckpoint("\(error)") }
      elapsedBefore = try Checkpoint.restore(bytes, into: trainer)
      savedStep = trainer.step
    }
    do { log = try AppendingFile(path: modelPath + ".log.jsonl", truncating: checkpoint == nil) } catch {
      throw TrainingError.writeFailed("\(error)")
    }
  }

  /// Trains until `options.steps`, `options.minutes` or `shouldStop()`; saves the model and a checkpoint at the end.
  /// - Throws: `TrainingError.divergedAfterSaving` when a step's loss or gradient is not finite (the files on disk
  ///   then keep the last good step), `.writeFailed` when the log, the model or the checkpoint cannot be written.
  public func run(shouldStop: () -> Bool, report: (Event) -> Void) throws {
    let options = trainer.options
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { elapsedBefore + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    while trainer.step < options.steps {
      if let minutes = options.minutes, elapsed() >= minutes * 60 { break }
      if shouldStop() { break }
      let metrics: StepMetrics
      do { metrics = try trainer.trainStep() } catch { throw afterDivergence(error) }
      report(.step(metrics, elapsed: elapsed(), total: options.steps))
      if trainer.step % options.logEvery == 0 { try writeLog(metrics, elapsed: elapsed()) }
      if !validationImages.isEmpty && trainer.step % options.validateEvery == 0 { try validate(report) }
      if trainer.step % options.checkpointEvery == 0 { try save(elapsed: elapsed(), report: report) }
    }
    // The last step may already have been validated and saved by the periodic checks.
    if !validationImages.isEmpty && trainer.step % options.validateEvery != 0 { try validate(report) }
    if trainer.step % options.checkpointEvery != 0 || trainer.step == 0 { try save(elapsed: elapsed(), report: report) }
  }

  /// The trainer's divergence, told with what is on disk.
  private func afterDivergence(_ error: TrainingError) -> TrainingError {
    guard case .diverged(let step, let quantity) = error else { return error }
    return .divergedAfterSaving(step: step, quantity: quantity, savedStep: savedStep, checkpoint: checkpointPath)
  }

  private func validate(_ report: (Event) -> Void) throws {
    let result = Validation.evaluate(trainer.model, on: validationImages)
    report(.validation(step: trainer.step, result))
    try writeLine(
      "{\"step\": \(trainer.step), \"val_psnr\": \(fmt(result.psnr)), \"val_bpp_fixed\": \(fmt(result.bitsPerPixel)), \"val_perplexity\": \(fmt(result.perplexity)), \"val_used_codes\": \(result.usedCodes), \"val_dead_codes\": \(result.deadCodes)}"
    )
  }

  /// Writes the model file and the checkpoint, each atomically; a model with a non-finite weight is never written.
  public func save(elapsed: Double, report: (Event) -> Void) throws {
    if let tensor = trainer.model.storedTensors.first(where: { !$0.value.isFinite }) {
      throw afterDivergence(.diverged(step: trainer.step, quantity: "value of \(tensor.name)"))
    }
    trainer.model.indexPrior = trainer.indexPrior
    // No wall-clock time in the model file: the same options and seed must give the same bytes (and fingerprint),
    // in one go or resumed. The time is in the checkpoint and the metrics log.
    var notes =
      "{\"trained_steps\": \(trainer.step), \"estimator\": \"\(trainer.model.estimator)\", \"batch\": \(trainer.options.batch), \"crop\": \(trainer.options.crop), \"learning_rate\": \(trainer.options.learningRate), \"seed\": \(trainer.options.seed)"
    if let source = trainer.options.initializedFrom { notes += ", \"initialized_from\": \"\(source)\"" }
    notes += "}"
    do {
      try AtomicFile.write(ModelFile.serialize(trainer.model, notes: notes), to: modelPath)
      try AtomicFile.write(Checkpoint.serialize(trainer, elapsedSeconds: elapsed), to: checkpointPath)
    } catch { throw TrainingError.writeFailed("\(error)") }
    savedStep = trainer.step
    report(.saved(path: modelPath, step: trainer.step))
  }

  private func writeLog(_ m: StepMetrics, elapsed: Double) throws {
    var line =
      "{\"step\": \(m.step), \"seconds\": \(fmt(elapsed)), \"loss\": \(fmt(Double(m.loss))), \"mse\": \(fmt(Double(m.meanSquaredError))), \"psnr\": \(fmt(m.psnr)), "
    line +=
      "\"log_likelihood\": \(fmt(Double(m.logLikelihood))), \"entropy\": \(fmt(Double(m.entropy))), \"log_k\": \(fmt(Double(m.logCodeCount))), "
    line +=
      "\"perplexity\": \(fmt(m.perplexity)), \"used_codes\": \(m.usedCodes), \"stages\": \(m.activeStages), \"grad_norm\": \(fmt(Double(m.gradientNorm))), \"lr\": \(fmt(Double(m.learningRate)))"
    if let t = m.temperature { line += ", \"temperature\": \(fmt(Double(t)))" }
    try writeLine(line + ", \"images_per_s\": \(fmt(m.imagesPerSecond))}")
  }

  private func writeLine(_ line: String) throws {
    do { try log.append(line + "\n") } catch { throw TrainingError.writeFailed("\(error)") }
  }
}

func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.5g", x) : "null" }
