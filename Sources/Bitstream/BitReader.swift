/// Reads what `BitWriter` wrote: unsigned values of 1...32 bits, most significant bit first (FORMAT.md §1).
///
/// It reads untrusted bytes, so running out of bits throws `FormatError.outOfBits` instead of trapping.
public struct BitReader {
  private let bytes: [UInt8]
  private var bitPosition = 0

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// Bits not yet read, padding included.
  public var remainingBitCount: Int { bytes.count * 8 - bitPosition }

  /// Reads the next `bitCount` bits (1...32) as an unsigned value.
  public mutating func read(bitCount: Int) throws(FormatError) -> UInt32 {
    precondition((1...32).contains(bitCount), "bitCount must be in 1...32")
    guard bitCount <= remainingBitCount else {
      throw .outOfBits(requested: bitCount, remaining: remainingBitCount)
    }
    var value: UInt64 = 0
    var needed = bitCount
    while needed > 0 {
      let byte = UInt64(bytes[bitPosition >> 3])
      let bitsLeftInByte = 8 - (bitPosition & 7)
      let take = min(needed, bitsLeftInByte)
      let chunk = (byte >> UInt64(bitsLeftInByte - take)) & ((1 << UInt64(take)) - 1)
      value = value << UInt64(take) | chunk
      needed -= take
      bitPosition += take
    }
    return UInt32(truncatingIfNeeded: value)
  }
}
