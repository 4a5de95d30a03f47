extension RGBImage {
  /// The image as an 8-bit RGB PNG (lossless).
  /// - Throws: `ImageError.encoderFailed` if libpng fails (in practice only out of memory).
  public func pngData() throws -> [UInt8] {
    try PNGCodec.encode(self)
  }

  /// The image as a baseline JPEG with 4:2:0 chroma subsampling and optimised
  /// Huffman tables. `quality` must be in 1...100 (traps otherwise).
  /// - Throws: `ImageError.encoderFailed` if libjpeg fails.
  public func jpegData(quality: Int) throws -> [UInt8] {
    try JPEGCodec.encode(samples: pixels, width: width, height: height, components: 3, quality: quality)
  }
}
