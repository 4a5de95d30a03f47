/// Reading images from disk or memory. The format is recognised from the
/// leading bytes, never from the file name.
public enum ImageFile {
  /// Reads and decodes the PNG or JPEG at `path` into RGB8.
  /// - Throws: `ImageError` naming `path`: missing, unreadable, empty, not an
  ///   image, truncated, too large (checked from the header before the pixel
  ///   buffer is allocated), or rejected by the decoder.
  public static func read(path: String) throws -> DecodedImage {
    let bytes = try FileBytes.read(path: path)
    return try decode(data: bytes, name: path)
  }

  /// Decodes PNG or JPEG bytes held in memory, turned as their EXIF orientation says. `name` stands for the file
  /// in error descriptions.
  public static func decode(data: [UInt8], name: String = "<memory>") throws -> DecodedImage {
    if data.isEmpty { throw ImageError.emptyFile(path: name) }
    switch ImageFormat.sniff(data) {
    case .some(let format):
      let decoded = try format == .png ? PNGCodec.decode(data, name: name) : JPEGCodec.decode(data, name: name)
      let metadata = ImageMetadata.scan(data, format: format)
      return DecodedImage(
        image: decoded.image.oriented(metadata.orientation), droppedAlpha: decoded.droppedAlpha, format: format,
        metadata: metadata)
    case nil:
      // A prefix of a signature is a file cut off inside it, not garbage.
      if isSignaturePrefix(data) { throw ImageError.truncated(path: name, format: data[0] == 0x89 ? .png : .jpeg) }
      throw ImageError.notAnImage(path: name)
    }
  }

  private static func isSignaturePrefix(_ data: [UInt8]) -> Bool {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    return (data.count < png.count && png.starts(with: data)) || (data.count < jpeg.count && jpeg.starts(with: data))
  }
}
