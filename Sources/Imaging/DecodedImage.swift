/// An image read from a file or from memory, with what was lost on the way to RGB8.
public struct DecodedImage: Equatable, Sendable {
  public let image: RGBImage
  /// The source had an alpha channel or PNG transparency (tRNS). The colour
  /// samples are kept as stored (not composited), so callers may want to
  /// print a one-line notice.
  public let droppedAlpha: Bool
  /// Which decoder read the data.
  public let format: ImageFormat
  /// The file's EXIF orientation (already applied to `image`), ICC profile and sample depth.
  public var metadata = ImageMetadata()

  /// What was lost or changed on the way to RGB8, one short phrase each, for notices.
  public var changes: [String] {
    var out: [String] = []
    if metadata.orientation != 1 { out.append("EXIF orientation \(metadata.orientation) applied") }
    if droppedAlpha { out.append("alpha channel dropped (vqcodec codes RGB)") }
    if metadata.hasSixteenBitSamples { out.append("16-bit samples reduced to 8 bits") }
    if metadata.hasICCProfile { out.append("ICC profile dropped (the pixels are coded as they are, as if sRGB)") }
    return out
  }
}
