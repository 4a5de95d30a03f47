/// An image read from a file or from memory, with what was lost on the way to RGB8.
public struct DecodedImage: Equatable, Sendable {
  public let image: RGBImage
  /// The source had an alpha channel or PNG transparency (tRNS). The colour
  /// samples are kept as stored (not composited), so callers may want to
  /// print a one-line notice.
  public let droppedAlpha: Bool
  /// Which decoder read the data.
  public let format: ImageFormat
}
