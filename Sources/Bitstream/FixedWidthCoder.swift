/// Coder 0 (FORMAT.md §4.1): every index in `bitsPerIndex(K)` bits, MSB first, padded with zero bits
/// to a whole byte. The payload is exactly ceil(count × bits / 8) bytes.
public enum FixedWidthCoder {
  /// ceil(log2 K): 1 for K = 2, 2 for K = 3 or 4, 12 for K = 4096, 16 for K = 65536. What fixed-width packing
  /// spends per index; the rates in reports and validation count it from here.
  public static func bitsPerIndex(codebookSize: Int) -> Int {
    precondition(codebookSize >= 2)
    return Int.bitWidth - (codebookSize - 1).leadingZeroBitCount
  }

  static func payloadByteCount(indexCount: Int, codebookSize: Int) -> Int {
    (indexCount * bitsPerIndex(codebookSize: codebookSize) + 7) / 8
  }

  static func encode(_ indices: [UInt16], codebookSize: Int) -> [UInt8] {
    let bits = bitsPerIndex(codebookSize: codebookSize)
    var writer = BitWriter()
    for index in indices {
      precondition(Int(index) < codebookSize, "index \(index) is not below K = \(codebookSize)")
      writer.write(UInt32(index), bitCount: bits)
    }
    return writer.paddedBytes
  }

  /// Checks the length before allocating `indexCount` indices, and refuses indices ≥ K and non-zero padding.
  static func decode(_ payload: [UInt8], indexCount: Int, codebookSize: Int) throws(FormatError) -> [UInt16] {
    let expected = payloadByteCount(indexCount: indexCount, codebookSize: codebookSize)
    guard payload.count == expected else {
      throw .malformedPayload(reason: "fixed-width payload is \(payload.count) bytes, expected \(expected)")
    }
    let bits = bitsPerIndex(codebookSize: codebookSize)
    var reader = BitReader(payload)
    var indices = [UInt16]()
    indices.reserveCapacity(indexCount)
    for _ in 0..<indexCount {
      let index = Int(try reader.read(bitCount: bits))
      guard index < codebookSize else { throw .indexOutOfRange(index: index, codebookSize: codebookSize) }
      indices.append(UInt16(index))
    }
    let padding = reader.remainingBitCount
    if padding > 0, try reader.read(bitCount: padding) != 0 {
      throw .malformedPayload(reason: "fixed-width padding bits are not zero")
    }
    return indices
  }
}
