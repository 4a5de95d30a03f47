/// Decodes what `RangeEncoder` wrote (FORMAT.md §5.1). It reads untrusted bytes: reading past the end
/// of the payload throws, and arithmetic is arranged so that no input can make it trap.
struct RangeDecoder {
  private let bytes: [UInt8]
  private var position = 0
  private var range: UInt32 = 0xFFFF_FFFF
  private var code: UInt32 = 0

  /// Loads the first four payload bytes as a big-endian `code`.
  init(_ bytes: [UInt8]) throws(FormatError) {
    self.bytes = bytes
    for _ in 0..<4 { code = code << 8 | UInt32(try nextByte()) }
  }

  /// True once every payload byte has been read; a valid payload ends exactly here (FORMAT.md §5.1).
  var isAtEnd: Bool { position == bytes.count }

  mutating func decodeBit(with model: inout AdaptiveBitModel) throws(FormatError) -> Bool {
    let bound = (range >> AdaptiveBitModel.precisionBits) * model.probabilityOfZero
    let bit: Bool
    if code < bound {
      range = bound
      bit = false
    } else {
      code -= bound
      range -= bound
      bit = true
    }
    model.update(bit: bit)
    try normalise()
    return bit
  }

  /// The value in [0, total) that selects a symbol; follow with `consume(start:frequency:)`.
  mutating func target(total: UInt32) throws(FormatError) -> UInt32 {
    let value = code / (range / total)
    guard value < total else { throw .malformedPayload(reason: "range coder value outside its interval") }
    return value
  }

  /// Narrows to the chosen symbol's interval [start, start + frequency) of `total`.
  mutating func consume(start: UInt32, frequency: UInt32, total: UInt32) throws(FormatError) {
    let r = range / total
    code -= r * start
    range = r * frequency
    try normalise()
  }

  private mutating func normalise() throws(FormatError) {
    while range < RangeEncoder.topValue {
      range <<= 8
      code = code << 8 | UInt32(try nextByte())
    }
  }

  @inline(never)
  private mutating func nextByte() throws(FormatError) -> UInt8 {
    guard position < bytes.count else {
      throw .malformedPayload(reason: "range-coded payload ends early (\(bytes.count) bytes)")
    }
    defer { position += 1 }
    return bytes[position]
  }
}
