import Glibc

/// Where coders 2 and 3 send their coding events: a `RangeEncoder` writes them, a `ModelUpdate` only lets the
/// adaptive models learn from them (the encoder's rate model, `IndexCostModel`, follows the coder that way).
protocol RangeEventSink {
  mutating func encode(bit: Bool, with model: inout AdaptiveBitModel)
  mutating func encode(start: UInt32, frequency: UInt32, total: UInt32)
}

extension RangeEncoder: RangeEventSink {}

/// Updates the adaptive models as coding would, and writes nothing.
struct ModelUpdate: RangeEventSink {
  func encode(bit: Bool, with model: inout AdaptiveBitModel) { model.update(bit: bit) }
  func encode(start: UInt32, frequency: UInt32, total: UInt32) {}
}

/// The adaptive state of coders 2 and 3 over one stage (FORMAT.md §4.3): 48 binary contexts for the "equals this
/// neighbour?" flags and a symbol model over the alphabet (K values for coder 2; K + 1 for coder 3, whose last value
/// means "skip"). One position at a time, in raster order, each coded, decoded or priced from the same state.
struct ContextModel {
  let alphabetSize: Int
  private var flags = [AdaptiveBitModel](repeating: AdaptiveBitModel(), count: NeighbourCandidates.contextCount)
  private var symbols: AdaptiveFrequencyModel
  private var candidates = NeighbourCandidates()

  init(symbols: AdaptiveFrequencyModel) {
    self.symbols = symbols
    alphabetSize = symbols.codebookSize
  }

  /// Codes `grid[position]`; `grid` holds the values of every earlier position.
  mutating func code(
    _ grid: [UInt16], width: Int, position: Int, previousStage: [UInt16]?, into sink: inout some RangeEventSink
  ) {
    let value = grid[position]
    candidates.gather(
      from: grid, width: width, position: position, x: position % width, y: position / width,
      previousStage: previousStage)
    for slot in candidates.values.indices {
      if alphabetSize - slot == 1 { return }  // only this candidate is left: implied
      let isHit = value == candidates.values[slot]
      sink.encode(bit: isHit, with: &flags[candidates.contexts[slot]])
      if isHit { return }
    }
    let excluded = candidates.sortedValues
    if alphabetSize - excluded.count > 1 {
      var excludedTotal: UInt32 = 0
      var excludedBelow: UInt32 = 0
      for candidate in excluded {
        let frequency = symbols.frequencies[Int(candidate)]
        excludedTotal += frequency
        if candidate < value { excludedBelow += frequency }
      }
      let symbol = Int(value)
      sink.encode(
        start: symbols.cumulative(below: symbol) - excludedBelow, frequency: symbols.frequencies[symbol],
        total: symbols.total - excludedTotal)
    }
    symbols.record(Int(value))
  }

  /// Decodes the value at `position`; `grid` holds the values of every earlier position.
  mutating func decode(
    _ grid: [UInt16], width: Int, position: Int, previousStage: [UInt16]?, from decoder: inout RangeDecoder
  ) throws(FormatError) -> UInt16 {
    candidates.gather(
      from: grid, width: width, position: position, x: position % width, y: position / width,
      previousStage: previousStage)
    for slot in candidates.values.indices {
      if alphabetSize - slot == 1 { return candidates.values[slot] }
      if try decoder.decodeBit(with: &flags[candidates.contexts[slot]]) { return candidates.values[slot] }
    }
    let symbol = try decodeExcluding(candidates.sortedValues, with: &decoder)
    symbols.record(symbol)
    return UInt16(symbol)
  }

  /// What coding each value 0..<alphabetSize at `position` would cost now, in bits; `grid` holds the values of every
  /// earlier position.
  mutating func costs(
    _ grid: [UInt16], width: Int, position: Int, previousStage: [UInt16]?, into bits: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(bits.count == alphabetSize, "one cost per value of the alphabet")
    candidates.gather(
      from: grid, width: width, position: position, x: position % width, y: position / width,
      previousStage: previousStage)
    var missed: Float = 0  // the flags of every candidate before this one said no
    for slot in candidates.values.indices {
      let value = Int(candidates.values[slot])
      if alphabetSize - slot == 1 {  // implied: the other values are the candidates before it
        bits[value] = missed
        return
      }
      let p = Float(flags[candidates.contexts[slot]].probabilityOfZero) / Float(1 << AdaptiveBitModel.precisionBits)
      bits[value] = missed - log2f(1 - p)
      missed -= log2f(p)
    }
    var excludedTotal: UInt32 = 0
    for candidate in candidates.values { excludedTotal += symbols.frequencies[Int(candidate)] }
    let remaining = alphabetSize - candidates.values.count
    let logTotal = log2f(Float(symbols.total - excludedTotal))
    for v in 0..<alphabetSize where !candidates.values.contains(UInt16(v)) {
      bits[v] = remaining == 1 ? missed : missed + logTotal - log2f(Float(symbols.frequencies[v]))
    }
  }

  /// Decodes one index from `symbols` with the `excluded` values (ascending) removed from the alphabet.
  private func decodeExcluding(_ excluded: [UInt16], with decoder: inout RangeDecoder) throws(FormatError) -> Int {
    if alphabetSize - excluded.count == 1 {  // one value is left: implied, no bits
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
    guard symbol < alphabetSize, !excluded.contains(UInt16(symbol)) else {
      throw .malformedPayload(reason: "adaptive range coder selected an excluded index")
    }
    try decoder.consume(
      start: symbols.cumulative(below: symbol) - excludedBelow, frequency: symbols.frequencies[symbol], total: total)
    return symbol
  }
}
