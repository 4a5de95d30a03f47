/// LZMA-style range encoder with carry propagation (FORMAT.md §5.1): 32-bit `range`, 33-bit `low`,
/// integer arithmetic only, so every machine writes the same bytes.
struct RangeEncoder {
  /// Renormalise whenever `range` drops below this: one output byte per shift.
  static let topValue: UInt32 = 1 << 24

  private var low: UInt64 = 0
  private var range: UInt32 = 0xFFFF_FFFF
  private var cache: UInt8 = 0
  private var cacheSize = 1
  private var bytes: [UInt8] = []

  /// Codes one binary decision with an adaptive probability, then updates it (FORMAT.md §5.2).
  mutating func encode(bit: Bool, with model: inout AdaptiveBitModel) {
    let bound = (range >> AdaptiveBitModel.precisionBits) * model.probabilityOfZero
    if bit {
      low += UInt64(bound)
      range -= bound
    } else {
      range = bound
    }
    model.update(bit: bit)
    while range < Self.topValue {
      range <<= 8
      shiftLow()
    }
  }

  /// Codes the interval [start, start + frequency) out of `total` (≤ 2^16) (FORMAT.md §5.3).
  mutating func encode(start: UInt32, frequency: UInt32, total: UInt32) {
    let r = range / total
    low += UInt64(r * start)
    range = r * frequency
    while range < Self.topValue {
      range <<= 8
      shiftLow()
    }
  }

  /// Flushes `low` and returns the payload. The very first byte the algorithm emits is always 0
  /// (the code value is below the initial range), so it is not stored.
  mutating func finish() -> [UInt8] {
    for _ in 0..<5 { shiftLow() }
    precondition(bytes.first == 0, "range coder's leading byte must be zero")
    return Array(bytes.dropFirst())
  }

  /// Moves the top byte of `low` out, holding back runs of 0xFF until a carry is resolved.
  @inline(never)
  private mutating func shiftLow() {
    if low < 0xFF00_0000 || low >= 1 << 32 {
      let carry = UInt8(truncatingIfNeeded: low >> 32)
      var byte = cache
      repeat {
        bytes.append(byte &+ carry)
        byte = 0xFF
        cacheSize -= 1
      } while cacheSize != 0
      cache = UInt8(truncatingIfNeeded: low >> 24)
    }
    cacheSize += 1
    low = (low & 0x00FF_FFFF) << 8
  }
}
