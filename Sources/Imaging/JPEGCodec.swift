import CJPEG

/// JPEG decoding and encoding through the CJPEG shim (libjpeg-turbo).
enum JPEGCodec {
  /// Decodes baseline or progressive JPEG; grayscale expands to R = G = B and
  /// CMYK/YCCK is converted with the Adobe (inverted) convention when the
  /// file carries an Adobe marker.
  static func decode(_ data: [UInt8], name: String) throws -> DecodedImage {
    var message = ShimMessage()
    var pixels: UnsafeMutablePointer<UInt8>?
    var width: UInt32 = 0
    var height: UInt32 = 0
    let status = data.withUnsafeBytes { bytes in
      message.buffer.withUnsafeMutableBufferPointer { text in
        cjpeg_read_rgb8(
          bytes.baseAddress, bytes.count, UInt32(RGBImage.maximumSide), UInt64(RGBImage.maximumPixelCount),
          &pixels, &width, &height, text.baseAddress, text.count)
      }
    }
    switch status {
    case CJPEG_OK:
      guard let pixels else { preconditionFailure("cjpeg_read_rgb8 returned OK without pixels") }
      defer { cjpeg_free(pixels) }
      let count = Int(width) * Int(height) * 3
      let image = RGBImage(
        width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
      return DecodedImage(image: image, droppedAlpha: false, format: .jpeg)
    case CJPEG_TOO_LARGE:
      throw ImageError.tooLarge(path: name, width: Int(width), height: Int(height))
    case CJPEG_TRUNCATED:
      throw ImageError.truncated(path: name, format: .jpeg)
    default:
      throw ImageError.decoderFailed(path: name, format: .jpeg, message: message.text)
    }
  }

  /// Encodes `samples` with `components` interleaved channels (1 gray,
  /// 3 RGB with 4:2:0 chroma, 4 Adobe CMYK) using optimised Huffman tables.
  static func encode(
    samples: [UInt8], width: Int, height: Int, components: Int, quality: Int, isProgressive: Bool = false
  ) throws -> [UInt8] {
    precondition((1...100).contains(quality), "JPEG quality must be in 1...100, got \(quality)")
    precondition(samples.count == width * height * components, "sample count does not match \(width)×\(height)×\(components)")
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
