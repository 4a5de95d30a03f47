/// Coder 2 (FORMAT.md §4.3): for each position in raster order, "equals candidate i?" flags over the distinct
/// neighbour values, each with an adaptive binary context; if every flag says no, the index itself with an
/// adaptive frequency model from which the candidates are excluded.
///
/// VQ index maps have near-uniform marginals but long runs of repeated indices, so the flags carry the gain:
/// a flat region costs a few hundredths of a bit per index, and a fresh index costs about log2 K.
enum ContextModelCoder {
  static func encode(
    _ indices: [UInt16], height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]?, previousStage: [UInt16]?
  ) -> [UInt8] {
    var flags = [AdaptiveBitModel](repeating: AdaptiveBitModel(), count: NeighbourCandidates.contextCount)
    var symbols = AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts)
    var candidates = NeighbourCandidates()
    var encoder = RangeEncoder()
    for y in 0..<height {
      for x in 0..<width {
        let position = y * width + x
        let index = indices[position]
        candidates.gather(from: indices, width: width, position: position, x: x, y: y, previousStage: previousStage)
        var isResolved = false
        for slot in candidates.values.indices {
          // Only this candidate is left: implied.
          if codebookSize - slot == 1 {
            isResolved = true
            break
          }
          let isHit = index == candidates.values[slot]
          encoder.encode(bit: isHit, with: &flags[candidates.contexts[slot]])
          if isHit {
            isResolved = true
            break
          }
        }
        if isResolved { continue }
        let excluded = candidates.sortedValues
        if codebookSize - excluded.count > 1 {
          var excludedTotal: UInt32 = 0
          var excludedBelow: UInt32 = 0
          for value in excluded {
            let frequency = symbols.frequencies[Int(value)]
            excludedTotal += frequency
            if value < index { excludedBelow += frequency }
          }
          let symbol = Int(index)
          encoder.encode(
            start: symbols.cumulative(below: symbol) - excludedBelow,
            frequency: symbols.frequencies[symbol], total: symbols.total - excludedTotal)
        }
        symbols.record(Int(index))
      }
    }
    return encoder.finish()
  }

  /// Allocates the `height × width` grid only; every step is bounded, so malformed bytes end in a throw.
  static func decode(
    _ payload: [UInt8], height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]?, previousStage: [UInt16]?
  ) throws(FormatError) -> [UInt16] {
    var flags = [AdaptiveBitModel](repeating: AdaptiveBitModel(), count: NeighbourCandidates.contextCount)
    var symbols = AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts)
    var candidates = NeighbourCandidates()
    var decoder = try RangeDecoder(payload)
    var indices = [UInt16](repeating: 0, count: height * width)
    for y in 0..<height {
      for x in 0..<width {
        let position = y * width + x
        candidates.gather(from: indices, width: width, position: position, x: x, y: y, previousStage: previousStage)
        var decoded: UInt16? = nil
        for slot in candidates.values.indices {
          if codebookSize - slot == 1 {
            decoded = candidates.values[slot]
            break
          }
          if try decoder.decodeBit(with: &flags[candidates.contexts[slot]]) {
            decoded = candidates.values[slot]
            break
          }
        }
        if let decoded {
          indices[position] = decoded
          continue
        }
        let symbol = try decodeExcluding(candidates.sortedValues, with: &decoder, symbols: symbols)
        symbols.record(symbol)
        indices[position] = UInt16(symbol)
      }
    }
    guard decoder.isAtEnd else { throw .malformedPayload(reason: "adaptive range payload has unread bytes") }
    return indices
  }

  /// Decodes one index from `symbols` with the `excluded` values (ascending) removed from the alphabet.
  private static func decodeExcluding(
    _ excluded: [UInt16], with decoder: inout RangeDecoder, symbols: AdaptiveFrequencyModel
  ) throws(FormatError) -> Int {
    let codebookSize = symbols.codebookSize
    if codebookSize - excluded.count == 1 {  // one index is left: implied, no bits
      var symbol = 0
      for value in excluded where Int(value) == symbol { symbol += 1 }
      return symbol
    }
    var excludedTotal: UInt32 = 0
    for value in excluded { excludedTotal += symbols.frequencies[Int(value)] }
    let total = symbols.total - excludedTotal
    let target = try decoder.target(total: total)
    // Map the target from the reduced alphabet back into the full one, stepping over excluded intervals.
    var fullTarget = target
    for value in excluded where symbols.cumulative(below: Int(value)) <= fullTarget {
      fullTarget += symbols.frequencies[Int(value)]
    }
    let symbol = symbols.symbol(containing: fullTarget)
    var excludedBelow: UInt32 = 0
    for value in excluded where Int(value) < symbol { excludedBelow += symbols.frequencies[Int(value)] }
    guard symbol < codebookSize, !excluded.contains(UInt16(symbol)) else {
      throw .malformedPayload(reason: "adaptive range coder selected an excluded index")
    }
    try decoder.consume(
      start: symbols.cumulative(below: symbol) - excludedBelow, frequency: symbols.frequencies[symbol], total: total)
    return symbol
  }
}
