import Codec
import Layers
import Quantizers
import Tensors

/// Everything needed to continue a run exactly (`--resume`): the model's tensors, Adam's moments, the quantizer's
/// running state, the random generator and the step, as one parameter archive (Docs/FORMAT.md §10). Integers are
/// stored as float tensors of 16-bit pieces, which float32 holds exactly.
enum Checkpoint {
  static func serialize(_ trainer: Trainer, elapsedSeconds: Double) -> [UInt8] {
    var entries: [(String, Tensor)] = trainer.model.storedTensors.map { ($0.name, $0.value) }
    let c = trainer.model.configuration
    entries.append(("run.configuration", floats([c.downsampling, c.width, c.residualBlocks, c.residualHidden,
      c.latentDimension, c.codebookSize, c.stages, Int(trainer.model.estimator.rawValue)])))
    entries.append(("run.step", words(UInt64(trainer.step))))
    entries.append(("run.optimizerStep", words(UInt64(trainer.optimizer.step))))
    entries.append(("run.rng", words(trainer.rng.state)))
    entries.append(("run.elapsedSeconds", Tensor(Float(elapsedSeconds))))
    entries.append(("run.indexCounts", Tensor(shape: [trainer.indexCounts.count * c.codebookSize], scalars: trainer.indexCounts.flatMap { $0 })))
    for (p, (m, v)) in zip(trainer.optimizer.parameters, zip(trainer.optimizer.firstMoments, trainer.optimizer.secondMoments)) {
      entries.append(("adam.m." + p.name, Tensor(shape: [m.count], scalars: m)))
      entries.append(("adam.v." + p.name, Tensor(shape: [v.count], scalars: v)))
    }
    entries += quantizerState(trainer.model)
    return ParameterArchive(entries: entries).serialize()
  }

  /// Restores a trainer built with the same options from a checkpoint's bytes.
  static func restore(_ bytes: [UInt8], into trainer: Trainer) throws(TrainingError) -> Double {
    let archive: ParameterArchive
    do { archive = try ParameterArchive.parse(bytes[...]) } catch { throw .badCheckpoint("\(error)") }
    let c = trainer.model.configuration
    guard let config = archive.tensor(named: "run.configuration"),
          config.scalars.map({ Int($0) }) == [c.downsampling, c.width, c.residualBlocks, c.residualHidden,
            c.latentDimension, c.codebookSize, c.stages, Int(trainer.model.estimator.rawValue)] else {
      throw .badCheckpoint("the checkpoint was made with another preset or estimator")
    }
    do { try archive.load(into: trainer.model.storedTensors) } catch { throw .badCheckpoint("\(error)") }
    func required(_ name: String) throws(TrainingError) -> Tensor {
      guard let t = archive.tensor(named: name) else { throw .badCheckpoint("missing \(name)") }
      return t
    }
    trainer.step = Int(integer(try required("run.step")))
    trainer.optimizer.step = Int(integer(try required("run.optimizerStep")))
    trainer.rng = SplitMix64(seed: integer(try required("run.rng")))
    let counts = try required("run.indexCounts").scalars
    trainer.indexCounts = stride(from: 0, to: counts.count, by: c.codebookSize).map { Array(counts[$0..<$0 + c.codebookSize]) }
    for (k, p) in trainer.optimizer.parameters.enumerated() {
      trainer.optimizer.firstMoments[k] = try required("adam.m." + p.name).scalars
      trainer.optimizer.secondMoments[k] = try required("adam.v." + p.name).scalars
    }
    try restoreQuantizerState(trainer.model, from: archive)
    return Double(try required("run.elapsedSeconds").item)
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
          out.append(("vq.\(s).restart.idle", Tensor(shape: [r.idleSteps.count], scalars: r.idleSteps.map { Float($0) })))
        }
        return out
      }
    case .reinforce(let q):
      return q.baseline?.value.map { [("reinforce.baseline", Tensor($0))] } ?? []
    case .gumbel:
      return []
    }
  }

  private static func restoreQuantizerState(_ model: VQModel, from archive: ParameterArchive) throws(TrainingError) {
    switch model.bottleneck {
    case .residual(let q):
      for (s, stage) in q.stages.enumerated() {
        stage.isInitialized = archive.tensor(named: "vq.\(s).initialized")?.item == 1
        if let sizes = archive.tensor(named: "vq.\(s).ema.sizes"), let sums = archive.tensor(named: "vq.\(s).ema.sums") {
          stage.ema?.clusterSizes = sizes.scalars
          stage.ema?.embeddingSums = sums.scalars
        }
        if let usage = archive.tensor(named: "vq.\(s).restart.usage"), let idle = archive.tensor(named: "vq.\(s).restart.idle") {
          stage.restart?.usage = usage.scalars
          stage.restart?.idleSteps = idle.scalars.map { Int($0) }
        }
      }
    case .reinforce(let q):
      if let b = archive.tensor(named: "reinforce.baseline"), let decay = q.baseline?.decay {
        q.baseline = RunningBaseline(decay: decay, value: b.item)
      }
    case .gumbel:
      break
    }
  }

  private static func floats(_ values: [Int]) -> Tensor { Tensor(shape: [values.count], scalars: values.map { Float($0) }) }

  private static func words(_ value: UInt64) -> Tensor {
    Tensor(shape: [4], scalars: (0..<4).map { Float((value >> (16 * UInt64($0))) & 0xFFFF) })
  }

  private static func integer(_ t: Tensor) -> UInt64 {
    t.scalars.enumerated().reduce(0) { $0 | UInt64($1.element) << (16 * UInt64($1.offset)) }
  }
}
