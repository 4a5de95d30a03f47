/// Reads little-endian fields from untrusted bytes; a field that runs past the end throws
/// `FormatError.truncated` naming it.
struct ByteReader {
  let bytes: [UInt8]
  private(set) var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var remainingCount: Int { bytes.count - offset }

  mutating func readBytes(_ count: Int, field: String) throws(FormatError) -> [UInt8] {
    guard count <= remainingCount else { throw .truncated(field: field, offset: offset) }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }

  mutating func readUInt8(field: String) throws(FormatError) -> UInt8 {
    try readBytes(1, field: field)[0]
  }

  mutating func readUInt16(field: String) throws(FormatError) -> UInt16 {
    let b = try readBytes(2, field: field)
    return UInt16(b[0]) | UInt16(b[1]) << 8
  }

  mutating func readUInt32(field: String) throws(FormatError) -> UInt32 {
    let b = try readBytes(4, field: field)
    return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
  }
}

extension Array where Element == UInt8 {
  /// Appends `value` in little-endian byte order.
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    for shift in stride(from: 0, to: T.bitWidth, by: 8) {
      append(UInt8(truncatingIfNeeded: value >> shift))
    }
  }
}
