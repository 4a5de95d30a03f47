/// A reference codec's curve over the report's images: per setting the mean of per-image bpp, PSNR and MS-SSIM
/// (settings coded for every image only, so each point averages the same images).
public struct ReferenceCurve: Equatable, Sendable {
  public let codecName: String
  public let codecDescription: String
  /// Settings and points in the same order, ascending in rate.
  public let settings: [Double]
  public let points: [CurvePoint]

  /// Nil when no setting was measured on every image.
  public init?(codec: ReferenceCodec, measurements: [ReferenceMeasurement]) {
    let rows = measurements.filter { $0.codecName == codec.name }
    let imageCount = Set(rows.map(\.imageName)).count
    let pairs = codec.settings.compactMap { setting -> (Double, CurvePoint)? in
      let atSetting = rows.filter { $0.setting == setting }
      guard imageCount > 0, atSetting.count == imageCount else { return nil }
      let ssim = atSetting.compactMap(\.msSSIM)
      return (
        setting,
        CurvePoint(
          bitsPerPixel: atSetting.map(\.bitsPerPixel).mean!, psnr: atSetting.map(\.psnr).mean!,
          msSSIM: ssim.count == atSetting.count ? ssim.mean : nil)
      )
    }.sorted { $0.1.bitsPerPixel < $1.1.bitsPerPixel }
    guard !pairs.isEmpty else { return nil }
    codecName = codec.name
    codecDescription = codec.description
    settings = pairs.map(\.0)
    points = pairs.map(\.1)
  }

  public var curve: RateDistortionCurve { RateDistortionCurve(name: codecName, points: points) }

  /// The curve's PSNR at `bitsPerPixel`, linear between neighbouring points; nil outside the measured rates.
  public func psnr(atBitsPerPixel rate: Double) -> Double? {
    for (a, b) in zip(points, points.dropFirst()) where a.bitsPerPixel <= rate && rate <= b.bitsPerPixel {
      let t = b.bitsPerPixel > a.bitsPerPixel ? (rate - a.bitsPerPixel) / (b.bitsPerPixel - a.bitsPerPixel) : 0
      return a.psnr + t * (b.psnr - a.psnr)
    }
    return points.count == 1 && points[0].bitsPerPixel == rate ? points[0].psnr : nil
  }
}
