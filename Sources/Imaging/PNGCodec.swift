import CPNG

/// PNG decoding (libpng's simplified API) and encoding (row by row, `PNGRowWriter`) through the CPNG shim.
enum PNGCodec {
  /// Decodes any PNG libpng reads (1–16 bit; gray, gray+alpha, RGB, RGBA,
  /// palette, tRNS, Adam7) to RGB8. 16-bit samples become round(v / 257).
  /// Data that ends before a complete IEND chunk is `.truncated`, even when
  /// libpng had every pixel: the JPEG reader cannot tell a lost EOI from a
  /// cut between progressive scans, so both formats apply the same rule.
  /// The pixels are decoded straight into the image's own array: a huge image is in memory once, not twice.
  static func decode(_ data: [UInt8], name: String) throws -> DecodedImage {
    try data.withUnsafeBytes { bytes in
      var message = ShimMessage()
      var reader: OpaquePointer?
      var (width, height): (UInt32, UInt32) = (0, 0)
      var hadAlpha: Int32 = 0
      let status = message.buffer.withUnsafeMutableBufferPointer { text in
        cpng_read_begin(
          bytes.baseAddress, bytes.count, UInt32(RGBImage.maximumSide), UInt64(RGBImage.maximumPixelCount),
          &reader, &width, &height, &hadAlpha, text.baseAddress, text.count)
      }
      switch status {
      case CPNG_OK: break
      case CPNG_TOO_LARGE: throw ImageError.tooLarge(path: name, width: Int(width), height: Int(height))
      default: throw failure(data, name: name, message: message)
      }
      // RGBA is read whole and compacted to RGB in place, so the array's capacity keeps the alpha's quarter.
      let count = Int(width) * Int(height)
      let pixels = try [UInt8](unsafeUninitializedCapacity: count * (hadAlpha != 0 ? 4 : 3)) { buffer, initialized in
        let finished = message.buffer.withUnsafeMutableBufferPointer { text in
          cpng_read_finish(reader, buffer.baseAddress, text.baseAddress, text.count)
        }
        guard finished == CPNG_OK else { throw failure(data, name: name, message: message) }
        initialized = count * 3
      }
      if endsBeforeIEND(data) { throw ImageError.truncated(path: name, format: .png) }
      let image = RGBImage(width: Int(width), height: Int(height), pixels: pixels)
      return DecodedImage(image: image, droppedAlpha: hadAlpha != 0, format: .png)
    }
  }

  /// libpng's messages for cut-off data vary by where the cut falls, so truncation is decided from the chunk
  /// structure instead.
  private static func failure(_ data: [UInt8], name: String, message: ShimMessage) -> ImageError {
    endsBeforeIEND(data)
      ? .truncated(path: name, format: .png) : .decoderFailed(path: name, format: .png, message: message.text)
  }

  /// Encodes 8-bit RGB with libpng's default compression.
  static func encode(_ image: RGBImage) throws -> [UInt8] {
    var png: [UInt8] = []
    let writer = try PNGRowWriter(width: image.width, height: image.height) { png.append(contentsOf: $0) }
    try image.pixels.withUnsafeBufferPointer { try writer.append($0) }
    try writer.finish()
    return png
  }

  /// Whether the data is a well-formed chunk sequence cut off before a
  /// complete IEND chunk. Chunks before the cut must have letter-only types
  /// and matching CRCs, so corrupt data or garbage after a PNG signature is
  /// not mistaken for truncation.
  static func endsBeforeIEND(_ data: [UInt8]) -> Bool {
    data.withUnsafeBufferPointer { bytes in
      var offset = 8
      while offset + 8 <= bytes.count {
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        let type = bytes[offset + 4..<offset + 8]
        if !type.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) { return false }
        let end = offset + 12 + length
        if end > bytes.count { return true }
        let storedCRC = bytes[end - 4..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if cpng_crc32(bytes.baseAddress! + offset + 4, 4 + length) != storedCRC { return false }
        if type.elementsEqual("IEND".utf8) { return false }
        offset = end
      }
      return true  // ended inside a chunk header
    }
  }
}
