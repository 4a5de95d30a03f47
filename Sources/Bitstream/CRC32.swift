import CZlib

/// zlib's CRC-32 (polynomial 0xEDB88320, reflected), the checksum that closes a `.vq` file (FORMAT.md §1).
enum CRC32 {
  static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
      UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, UInt32(buffer.count)))
    }
  }
}
