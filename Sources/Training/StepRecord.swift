import Codec
import Tensors

/// What one shard of a step contributes, as one run of floats that add across shards: the loss terms, the index
/// counts per stage, the quantizer's batch statistics and every parameter's gradient. The ranks exchange these
/// records, and every rank adds them in shard order (`sumInShardOrder`).
struct StepRecordLayout {
  let loss = 0, meanSquaredError = 1, logLikelihood = 2, entropy = 3, logCodeCount = 4
  let stages: Int, codes: Int
  let indexCountRange: Range<Int>
  let statistics: Range<Int>
  let gradients: Range<Int>

  init(model: VQModel) {
    (stages, codes) = (model.stageCount, model.configuration.codebookSize)
    indexCountRange = 5..<5 + stages * codes
    var statisticsCount = 0
    if case .residual(let q) = model.bottleneck { statisticsCount = q.stages.reduce(0) { $0 + $1.statisticsCount } }
    statistics = indexCountRange.upperBound..<indexCountRange.upperBound + statisticsCount
    let parameterCount = model.parameters.reduce(0) { $0 + $1.value.count }
    gradients = statistics.upperBound..<statistics.upperBound + parameterCount
  }

  var count: Int { gradients.upperBound }

  /// A shard's record: `pass`'s loss terms and codes, the quantizer's `statistics`, the parameters' gradients (zeros
  /// where none flowed).
  func record(_ pass: ModelForward, statistics batchStatistics: [Float], parameters: [Variable]) -> [Float] {
    precondition(batchStatistics.count == statistics.count, "quantizer statistics of another layout")
    var out = [Float](repeating: 0, count: count)
    out[loss] = pass.loss.value.item
    out[meanSquaredError] = pass.meanSquaredError.value.item
    out[logLikelihood] = pass.logLikelihood.value.scalars.reduce(0, +)
    out[entropy] = pass.quantizer.entropy
    out[logCodeCount] = pass.quantizer.logCodeCount
    for (s, indices) in pass.quantizer.indices.enumerated() {
      for i in indices { out[indexCountRange.lowerBound + s * codes + Int(i)] += 1 }
    }
    out.replaceSubrange(statistics, with: batchStatistics)
    var offset = gradients.lowerBound
    for p in parameters {
      if p.grad.count == p.value.count { out.replaceSubrange(offset..<offset + p.grad.count, with: p.grad) }
      offset += p.value.count
    }
    return out
  }

  /// `records` holds `shards` records in shard order; their elementwise sum, added in that order.
  func sumInShardOrder(_ records: [Float], shards: Int) -> [Float] {
    precondition(records.count == shards * count, "\(records.count) floats for \(shards) records of \(count)")
    var total = Array(records[0..<count])
    total.withUnsafeMutableBufferPointer { t in
      records.withUnsafeBufferPointer { r in
        for shard in 1..<max(shards, 1) {
          let base = shard * count
          for i in 0..<count { t[i] += r[base + i] }
        }
      }
    }
    return total
  }

  /// The summed index counts, one array of `K` per stage.
  func indexCounts(_ totals: [Float]) -> [[Float]] {
    (0..<stages).map { s in
      Array(totals[indexCountRange.lowerBound + s * codes..<indexCountRange.lowerBound + (s + 1) * codes])
    }
  }
}
