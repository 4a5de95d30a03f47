/// Coder 1 (FORMAT.md §4.2): each index, in raster order, with the static table from the prior counts.
enum StaticRangeCoder {
  static func encode(_ indices: [UInt16], priorCounts: [UInt32]) -> [UInt8] {
    let table = StaticFrequencyTable(quantising: priorCounts)
    var encoder = RangeEncoder()
    for index in indices {
      let symbol = Int(index)
      encoder.encode(start: table.cumulative[symbol], frequency: table.frequencies[symbol], total: table.total)
    }
    return encoder.finish()
  }

  static func decode(_ payload: [UInt8], indexCount: Int, priorCounts: [UInt32]) throws(FormatError) -> [UInt16] {
    let table = StaticFrequencyTable(quantising: priorCounts)
    var decoder = try RangeDecoder(payload)
    var indices = [UInt16]()
    indices.reserveCapacity(indexCount)
    for _ in 0..<indexCount {
      let symbol = table.symbol(containing: try decoder.target(total: table.total))
      try decoder.consume(start: table.cumulative[symbol], frequency: table.frequencies[symbol], total: table.total)
      indices.append(UInt16(symbol))
    }
    guard decoder.isAtEnd else { throw .malformedPayload(reason: "static range payload has unread bytes") }
    return indices
  }
}
