/// The file formats the imaging layer reads, recognised by their leading bytes.
public enum ImageFormat: String, Sendable {
  case png = "PNG"
  case jpeg = "JPEG"

  /// The format whose signature `bytes` starts with, or nil. File extensions
  /// are ignored on purpose: a mislabelled file is still read correctly.
  static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
    let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    if bytes.starts(with: pngSignature) { return .png }
    // SOI followed by the first byte of any marker.
    if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
    return nil
  }
}
