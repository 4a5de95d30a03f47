import Imaging

/// A source image as the report sees it: its name in tables, its pixels and the size of the file it came from.
public struct ReportImage: Sendable {
  /// The path relative to the folder given on the command line, or the file name.
  public let name: String
  public let image: RGBImage
  /// Bytes of the source file (for the compression ratio against the source).
  public let sourceByteCount: Int

  public init(name: String, image: RGBImage, sourceByteCount: Int) {
    self.name = name
    self.image = image
    self.sourceByteCount = sourceByteCount
  }
}
