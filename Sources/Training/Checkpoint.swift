import Codec
import Layers
import Quantizers
import Tensors

/// Everything needed to continue a run exactly (`--resume`): the model's tensors, Adam's moments, the quantizer's
/// running state, the random generator and the step, as one parameter archive (Docs/FORMAT.md §10). Integers are
/// stored as float tensors of 16-bit pieces, which float32 holds exactly.
public enum Checkpoint {
  public static func serialize(_ trainer: Trainer, elapsedSeconds: Double) -> [UInt8] {
    var entries: [(String, Tensor)] = trainer.model.storedTensors.map { ($0.name, $0.value) }
    let c = trainer.model.configuration
    entries.append(
      (
        "run.configuration",
        floats([
          c.downsampling, c.width, c.residualBlocks, c.residualHidden,
          c.latentDimension, c.codebookSize, c.stages, Int(trainer.model.estimator.rawValue),
        ])
      ))
    entries.append(("run.step", words(UInt64(trainer.step))))
    entries.append(("run.optimizerStep", words(UInt64(trainer.optimizer.step))))
    entries.append(("run.elapsedSeconds", Tensor(Float(elapsedSeconds))))
    entries.append(
      (
        "run.indexCounts",
        Tensor(shape: [trainer.indexCounts.count * c.codebookSize], scalars: trainer.indexCounts.flatMap { $0 })
      ))
    for (p, (m, v)) in zip(
      trainer.optimizer.parameters, zip(trainer.optimizer.firstMoments, trainer.optimizer.secondMoments))
    {
      entries.append(("adam.m." + p.name, Tensor(shape: [m.count], scalars: m)))
      entries.append(("adam.v." + p.name, Tensor(shape: [v.count], scalars: v)))
    }
    entries += quantizerState(trainer.model)
    return ParameterArchive(entries: entries).serialize()
  }

  /// Restores a trainer built with the same options from a checkpoint's bytes. Every size and value is checked
  /// before it is used: a corrupt or foreign checkpoint is refused, never trapped on.
  public static func restore(_ bytes: [UInt8], into trainer: Trainer) throws(TrainingError) -> Double {
    let archive: ParameterArchive
    do { archive = try ParameterArchive.parse(bytes[...]) } catch { throw .badCheckpoint("\(error)") }
    let c = trainer.model.configuration
    let expected = [
      c.downsampling, c.width, c.residualBlocks, c.residualHidden, c.latentDimension, c.codebookSize,
      c.stages, Int(trainer.model.estimator.rawValue),
    ].map { Float($0) }
    guard archive.tensor(named: "run.configuration")?.scalars == expected else {
      throw .badCheckpoint("the checkpoint was made with another preset or estimator")
    }
    do { try archive.load(into: trainer.model.storedTensors) } catch { throw .badCheckpoint("\(error)") }
    if let bad = trainer.model.storedTensors.first(where: { !$0.value.isFinite }) {
      throw .badCheckpoint("\(bad.name) holds a value that is not finite")
    }
    let state = StateReader(archive: archive)
    trainer.step = try state.stepCount("run.step")
    trainer.optimizer.step = try state.stepCount("run.optimizerStep")
    let counts = try state.floats("run.indexCounts", count: trainer.indexCounts.count * c.codebookSize)
    trainer.indexCounts = stride(from: 0, to: counts.count, by: c.codebookSize).map {
      Array(counts[$0..<$0 + c.codebookSize])
    }
    for (k, p) in trainer.optimizer.parameters.enumerated() {
      trainer.optimizer.firstMoments[k] = try state.floats("adam.m." + p.name, count: p.value.count)
      trainer.optimizer.secondMoments[k] = try state.floats("adam.v." + p.name, count: p.value.count)
    }
    try restoreQuantizerState(trainer.model, from: state)
    let elapsed = try state.floats("run.elapsedSeconds", count: 1)[0]
    guard elapsed >= 0 else { throw .badCheckpoint("run.elapsedSeconds is negative") }
    return Double(elapsed)
  }

  private static func quantizerState(_ model: VQModel) -> [(String, Tensor)] {
    switch model.bottleneck {
    case .residual(let q):
      return q.stages.enumerated().flatMap { s, stage -> [(String, Tensor)] in
        var out: [(String, Tensor)] = [("vq.\(s).initialized", Tensor(stage.isInitialized ? 1 : 0))]
        if let ema = stage.ema {
          out.append(("vq.\(s).ema.sizes", Tensor(shape: [ema.clusterSizes.count], scalars: ema.clusterSizes)))
          out.append(("vq.\(s).ema.sums", Tensor(shape: [ema.embeddingSums.count], scalars: ema.embeddingSums)))
        }
        if let r = stage.restart, !r.usage.isEmpty {
          out.append(("vq.\(s).restart.usage", Tensor(shape: [r.usage.count], scalars: r.usage)))
          out.append(
            ("vq.\(s).restart.idle", Tensor(shape: [r.idleSteps.count], scalars: r.idleSteps.map { Float($0) })))
        }
        return out
      }
    case .reinforce(let q):
      return q.baseline?.value.map { [("reinforce.baseline", Tensor($0))] } ?? []
    case .gumbel:
      return []
    }
  }

  private static func restoreQuantizerState(_ model: VQModel, from state: StateReader) throws(TrainingError) {
    let c = model.configuration
    switch model.bottleneck {
    case .residual(let q):
      for (s, stage) in q.stages.enumerated() {
        stage.isInitialized = state.archive.tensor(named: "vq.\(s).initialized")?.scalars == [1]
        if stage.ema != nil, state.has("vq.\(s).ema.sizes") {
          stage.ema?.clusterSizes = try state.floats("vq.\(s).ema.sizes", count: c.codebookSize)
          stage.ema?.embeddingSums = try state.floats("vq.\(s).ema.sums", count: c.codebookSize * c.latentDimension)
        }
        if stage.restart != nil, state.has("vq.\(s).restart.usage") {
          stage.restart?.usage = try state.floats("vq.\(s).restart.usage", count: c.codebookSize)
          stage.restart?.idleSteps = try state.counts("vq.\(s).restart.idle", count: c.codebookSize)
        }
      }
    case .reinforce(let q):
      if state.has("reinforce.baseline"), let decay = q.baseline?.decay {
        q.baseline = RunningBaseline(decay: decay, value: try state.floats("reinforce.baseline", count: 1)[0])
      }
    case .gumbel:
      break
    }
  }

  private static func floats(_ values: [Int]) -> Tensor {
    Tensor(shape: [values.count], scalars: values.map { Float($0) })
  }

  private static func words(_ value: UInt64) -> Tensor {
    Tensor(shape: [4], scalars: (0..<4).map { Float((value >> (16 * UInt64($0))) & 0xFFFF) })
  }
}

/// A checkpoint's run state, read with every size and value checked.
private struct StateReader {
  let archive: ParameterArchive

  func has(_ name: String) -> Bool { archive.tensor(named: name) != nil }

  /// Exactly `count` finite values.
  func floats(_ name: String, count: Int) throws(TrainingError) -> [Float] {
    guard let t = archive.tensor(named: name) else { throw .badCheckpoint("missing \(name)") }
    guard t.count == count else { throw .badCheckpoint("\(name) holds \(t.count) values, the run needs \(count)") }
    guard t.isFinite else { throw .badCheckpoint("\(name) holds a value that is not finite") }
    return t.scalars
  }

  /// Exactly `count` whole numbers from 0 to 2^24 (every one float32 holds exactly).
  func counts(_ name: String, count: Int) throws(TrainingError) -> [Int] {
    let values = try floats(name, count: count)
    guard values.allSatisfy({ $0 >= 0 && $0 <= 16_777_216 && $0 == $0.rounded() }) else {
      throw .badCheckpoint("\(name) holds a value that is not a count")
    }
    return values.map { Int($0) }
  }

  /// A non-negative `Int` stored as a 64-bit integer.
  func stepCount(_ name: String) throws(TrainingError) -> Int {
    guard let value = Int(exactly: try integer(name)) else { throw .badCheckpoint("\(name) is out of range") }
    return value
  }

  /// A 64-bit integer stored as four 16-bit pieces.
  func integer(_ name: String) throws(TrainingError) -> UInt64 {
    let pieces = try counts(name, count: 4)
    guard pieces.allSatisfy({ $0 <= 0xFFFF }) else { throw .badCheckpoint("\(name) is not a 64-bit integer") }
    return pieces.enumerated().reduce(0) { $0 | UInt64($1.element) << (16 * UInt64($1.offset)) }
  }
}
