/// Everything that can go wrong reading, decoding, encoding or writing an image.
/// Each `description` is one line that names the file (or `<memory>` for data
/// decoded from memory) and the reason.
public enum ImageError: Error, Equatable, CustomStringConvertible {
  case missingFile(path: String)
  /// The file exists but could not be read (permissions, a directory, an I/O error).
  case unreadable(path: String, reason: String)
  case emptyFile(path: String)
  /// The data starts like `format` but ends before the image does.
  case truncated(path: String, format: ImageFormat)
  /// The leading bytes match no supported format.
  case notAnImage(path: String)
  /// The header declares more than `RGBImage.maximumSide` per side or
  /// `RGBImage.maximumPixelCount` pixels; rejected before allocating.
  case tooLarge(path: String, width: Int, height: Int)
  /// libpng or libjpeg rejected the data; `message` is the library's own.
  case decoderFailed(path: String, format: ImageFormat, message: String)
  case encoderFailed(format: ImageFormat, message: String)
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .missingFile(let path):
      return "\(path): no such file"
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .emptyFile(let path):
      return "\(path): file is empty, expected a PNG or JPEG image"
    case .truncated(let path, let format):
      return "\(path): \(format.rawValue) data is truncated (the file ends before the image does)"
    case .notAnImage(let path):
      return "\(path): not a PNG or JPEG image (unrecognised leading bytes)"
    case .tooLarge(let path, let width, let height):
      return "\(path): image is \(width)×\(height), larger than the limit of "
        + "\(RGBImage.maximumSide) per side and \(RGBImage.maximumPixelCount) pixels"
    case .decoderFailed(let path, let format, let message):
      return "\(path): invalid \(format.rawValue) data: \(message)"
    case .encoderFailed(let format, let message):
      return "<memory>: cannot encode \(format.rawValue): \(message)"
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason)"
    }
  }
}
