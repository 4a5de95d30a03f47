/// One operating point over the whole set: every value is the mean of the per-image values (CompressAI's
/// convention), never a value computed from pooled bytes or pooled errors.
public struct OperatingPointSummary: Equatable, Sendable {
  public let operatingPoint: OperatingPoint
  public let imageCount: Int
  /// Mean bpp, PSNR and MS-SSIM (the MS-SSIM mean is over the images large enough for it, `msSSIMImageCount`).
  public let ours: CurvePoint
  public let msSSIMImageCount: Int
  public let bitsPerLatentFixed: Double
  public let bitsPerLatentCoded: Double
  public let compressionRatioToRaw: Double
  public let compressionRatioToSource: Double
  public let encodeSeconds: Double
  public let decodeSeconds: Double
  /// The matched JPEGs' mean bpp, PSNR, MS-SSIM, and mean quality.
  public let jpeg: CurvePoint
  public let jpegQuality: Double

  /// Traps on an empty set.
  public init(operatingPoint: OperatingPoint, measurements: [ImageMeasurement]) {
    precondition(!measurements.isEmpty, "a summary needs at least one image")
    func mean(_ value: (ImageMeasurement) -> Double) -> Double { measurements.map(value).mean! }
    let ssim = measurements.compactMap(\.msSSIM)
    self.operatingPoint = operatingPoint
    imageCount = measurements.count
    ours = CurvePoint(bitsPerPixel: mean(\.bitsPerPixel), psnr: mean(\.psnr), msSSIM: ssim.mean)
    msSSIMImageCount = ssim.count
    bitsPerLatentFixed = mean(\.rates.bitsPerLatentFixed)
    bitsPerLatentCoded = mean(\.rates.bitsPerLatentCoded)
    compressionRatioToRaw = mean(\.compressionRatioToRaw)
    compressionRatioToSource = mean(\.compressionRatioToSource)
    encodeSeconds = mean(\.encodeSeconds)
    decodeSeconds = mean(\.decodeSeconds)
    jpeg = CurvePoint(
      bitsPerPixel: mean(\.jpeg.bitsPerPixel), psnr: mean(\.jpeg.psnr),
      msSSIM: measurements.compactMap(\.jpeg.msSSIM).mean)
    jpegQuality = mean { Double($0.jpeg.quality) }
  }
}
