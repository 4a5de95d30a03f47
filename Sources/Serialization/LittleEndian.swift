/// Little-endian fields, the byte order of every vqcodec file (`.vq`, `.vqm`, parameter archives, checkpoints).

extension Array where Element == UInt8 {
  /// Appends `value` in little-endian byte order.
  public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }

  /// Appends each float's IEEE-754 bits in little-endian byte order.
  public mutating func appendLittleEndian(_ floats: [Float]) {
    reserveCapacity(count + 4 * floats.count)
    for value in floats { appendLittleEndian(value.bitPattern) }
  }
}

/// Reads little-endian fields from untrusted bytes. A read that runs past the end throws `EndOfBytes` and consumes
/// nothing; each format turns that into its own error (naming the field where it can).
public struct ByteReader {
  /// The bytes end before a field of `needed` bytes at `offset` is complete.
  public struct EndOfBytes: Error, Equatable {
    public let offset: Int, needed: Int
  }

  private let bytes: ArraySlice<UInt8>
  /// Bytes read so far, counted from the start of the bytes given to `init`.
  public private(set) var offset = 0

  public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
  public init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

  public var remainingCount: Int { bytes.count - offset }

  public mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(EndOfBytes) -> T {
    let size = MemoryLayout<T>.size
    let start = try advance(by: size)
    var value: T = 0
    for i in 0..<size { value |= T(bytes[start + i]) << (8 * i) }
    return value
  }

  public mutating func readBytes(_ count: Int) throws(EndOfBytes) -> [UInt8] {
    let start = try advance(by: count)
    return Array(bytes[start..<start + count])
  }

  /// `count` floats from their little-endian IEEE-754 bits.
  public mutating func readFloats(_ count: Int) throws(EndOfBytes) -> [Float] {
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
    let start = try advance(by: overflow ? .max : byteCount)
    return bytes.withUnsafeBufferPointer { raw in
      let base = start - bytes.startIndex
      return (0..<count).map { i in
        let b = base + 4 * i
        return Float(
          bitPattern: UInt32(raw[b]) | UInt32(raw[b + 1]) << 8 | UInt32(raw[b + 2]) << 16 | UInt32(raw[b + 3]) << 24)
      }
    }
  }

  /// The index in `bytes` where the next `count` bytes start, once they are known to be there.
  private mutating func advance(by count: Int) throws(EndOfBytes) -> Int {
    guard count >= 0, count <= remainingCount else { throw EndOfBytes(offset: offset, needed: count) }
    defer { offset += count }
    return bytes.startIndex + offset
  }
}
