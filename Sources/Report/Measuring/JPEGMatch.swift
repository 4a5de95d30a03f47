/// The JPEG that matches one of our files in rate: the quality whose whole-file bpp is closest to ours.
public struct JPEGMatch: Equatable, Sendable {
  /// libjpeg quality, 1...100 (baseline, 4:2:0, optimised Huffman).
  public let quality: Int
  public let byteCount: Int
  public let bitsPerPixel: Double
  public let psnr: Double
  /// Nil below `msSSIMMinimumSide` pixels per side.
  public let msSSIM: Double?
}
