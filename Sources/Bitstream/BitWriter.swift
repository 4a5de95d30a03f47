/// Packs unsigned values of 1...32 bits into bytes, most significant bit first (FORMAT.md §1).
public struct BitWriter {
  public private(set) var bytes: [UInt8] = []
  private var pending: UInt64 = 0  // bits not yet written out, right-aligned
  private var pendingCount = 0  // always < 8 between calls

  public init() {}

  /// Appends the low `bitCount` bits of `value`; `value` must fit in them.
  public mutating func write(_ value: UInt32, bitCount: Int) {
    precondition((1...32).contains(bitCount), "bitCount must be in 1...32")
    precondition(UInt64(value) >> UInt64(bitCount) == 0, "\(value) does not fit in \(bitCount) bits")
    pending = pending << UInt64(bitCount) | UInt64(value)
    pendingCount += bitCount
    while pendingCount >= 8 {
      pendingCount -= 8
      bytes.append(UInt8(truncatingIfNeeded: pending >> UInt64(pendingCount)))
    }
    pending &= (1 << UInt64(pendingCount)) - 1
  }

  /// The bytes written so far, the last one padded with zero bits. Idempotent.
  public var paddedBytes: [UInt8] {
    guard pendingCount > 0 else { return bytes }
    return bytes + [UInt8(truncatingIfNeeded: pending << UInt64(8 - pendingCount))]
  }
}
