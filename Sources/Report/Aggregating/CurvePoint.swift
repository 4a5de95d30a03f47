/// One point of a rate-distortion curve: mean bits per pixel against mean quality.
public struct CurvePoint: Equatable, Sendable {
  public let bitsPerPixel: Double
  public let psnr: Double
  /// Nil when no image of the set is large enough for MS-SSIM (or the curve does not report it).
  public let msSSIM: Double?

  public init(bitsPerPixel: Double, psnr: Double, msSSIM: Double?) {
    self.bitsPerPixel = bitsPerPixel
    self.psnr = psnr
    self.msSSIM = msSSIM
  }
}
