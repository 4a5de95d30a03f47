/// Everything measured for one image at one operating point: one row of the per-image table and of the CSV.
public struct ImageMeasurement: Equatable, Sendable {
  public let imageName: String
  public let width: Int
  public let height: Int
  public let sourceByteCount: Int
  public let operatingPoint: OperatingPoint
  public let rates: CodedRates
  /// PSNR in dB of the decoded RGB8 image against the source (`+infinity` when identical).
  public let psnr: Double
  /// MS-SSIM (5 scales, standard weights); nil below `msSSIMMinimumSide` pixels per side.
  public let msSSIM: Double?
  /// Wall-clock seconds of `ImageCodec.encode` and `ImageCodec.decode` (no file I/O).
  public let encodeSeconds: Double
  public let decodeSeconds: Double
  public let jpeg: JPEGMatch

  public var bitsPerPixel: Double { rates.bitsPerPixel }
  /// Raw 24-bit RGB size over ours: `24 / bpp`.
  public var compressionRatioToRaw: Double { Double(3 * width * height) / Double(rates.byteCount) }
  /// Source file size over ours.
  public var compressionRatioToSource: Double { Double(sourceByteCount) / Double(rates.byteCount) }
}
