import CJPEG

/// JPEG decoding and encoding through the CJPEG shim (libjpeg-turbo).
enum JPEGCodec {
  /// Decodes baseline or progressive JPEG; grayscale expands to R = G = B and
  /// CMYK/YCCK is converted with the Adobe (inverted) convention when the
  /// file carries an Adobe marker.
  /// The pixels are decoded straight into the image's own array: a huge image is in memory once, not twice.
  static func decode(_ data: [UInt8], name: String) throws -> DecodedImage {
    try data.withUnsafeBytes { bytes in
      var message = ShimMessage()
      var reader: OpaquePointer?
      var (width, height): (UInt32, UInt32) = (0, 0)
      let status = message.buffer.withUnsafeMutableBufferPointer { text in
        cjpeg_read_begin(
          bytes.baseAddress, bytes.count, UInt32(RGBImage.maximumSide), UInt64(RGBImage.maximumPixelCount),
          &reader, &width, &height, text.baseAddress, text.count)
      }
      guard status == CJPEG_OK else {
        throw failure(status, name: name, width: width, height: height, message: message)
      }
      let count = Int(width) * Int(height) * 3
      let pixels = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let finished = message.buffer.withUnsafeMutableBufferPointer { text in
          cjpeg_read_finish(reader, buffer.baseAddress, text.baseAddress, text.count)
        }
        guard finished == CJPEG_OK else {
          throw failure(finished, name: name, width: width, height: height, message: message)
        }
        initialized = count
      }
      return DecodedImage(
        image: RGBImage(width: Int(width), height: Int(height), pixels: pixels), droppedAlpha: false, format: .jpeg)
    }
  }

  private static func failure(
    _ status: cjpeg_status, name: String, width: UInt32, height: UInt32, message: ShimMessage
  ) -> ImageError {
    switch status {
    case CJPEG_TOO_LARGE: .tooLarge(path: name, width: Int(width), height: Int(height))
    case CJPEG_TRUNCATED: .truncated(path: name, format: .jpeg)
    default: .decoderFailed(path: name, format: .jpeg, message: message.text)
    }
  }

  /// Encodes `samples` with `components` interleaved channels (1 gray,
  /// 3 RGB with 4:2:0 chroma, 4 Adobe CMYK) using optimised Huffman tables.
  static func encode(
    samples: [UInt8], width: Int, height: Int, components: Int, quality: Int, isProgressive: Bool = false
  ) throws -> [UInt8] {
    precondition((1...100).contains(quality), "JPEG quality must be in 1...100, got \(quality)")
    precondition(
      samples.count == width * height * components, "sample count does not match \(width)×\(height)×\(components)")
    var message = ShimMessage()
    var jpeg: UnsafeMutablePointer<UInt8>?
    var size = 0
    let status = samples.withUnsafeBufferPointer { samples in
      message.buffer.withUnsafeMutableBufferPointer { text in
        cjpeg_write(
          samples.baseAddress, UInt32(width), UInt32(height), Int32(components), Int32(quality),
          isProgressive ? 1 : 0, &jpeg, &size, text.baseAddress, text.count)
      }
    }
    guard status == CJPEG_OK, let jpeg else { throw ImageError.encoderFailed(format: .jpeg, message: message.text) }
    defer { cjpeg_free(jpeg) }
    return Array(UnsafeBufferPointer(start: jpeg, count: size))
  }
}
