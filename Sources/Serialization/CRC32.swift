import CZlib

/// zlib's CRC-32 (polynomial 0xEDB88320, reflected): the checksum that closes every vqcodec file.
public enum CRC32 {
  public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
      UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, UInt32(buffer.count)))
    }
  }

  public static func checksum(_ bytes: [UInt8]) -> UInt32 { checksum(bytes[...]) }
}
