import Glibc

/// Multi-scale structural similarity (Wang, Simoncelli & Bovik 2003) with the
/// exact conventions of `pytorch_msssim.ms_ssim(X, Y, data_range=255,
/// size_average=True)`, which CompressAI reports:
/// - 5 scales, weights `[0.0448, 0.2856, 0.3001, 0.2363, 0.1333]`;
/// - 11-tap Gaussian window, σ = 1.5, applied separably with 'valid' filtering
///   (no padding), `K1 = 0.01`, `K2 = 0.03`, data range 255;
/// - between scales a 2×2 average pool that, for an odd side, pads one zero
///   row/column at the top/left and still divides by 4 (torch's `avg_pool2d`
///   with `padding = side % 2`);
/// - contrast-structure terms of scales 1–4 and the SSIM of scale 5 clamped at
///   0 (relu) before the weighted product;
/// - computed per channel on R, G, B, then averaged over channels.
///
/// Returns nil when the shorter side is below `msSSIMMinimumSide` (161):
/// pytorch_msssim refuses such images too, and a result from fewer scales
/// would be a different metric under the same name. Traps if sizes differ.
/// Arithmetic is in Double. On the test images the result is within 2.6e-6 of
/// pytorch_msssim on Float32 tensors and within 1e-15 of it on Float64
/// tensors with a Float64 window (see MSSSIMTests).
public func msSSIM(_ a: RGBImage, _ b: RGBImage) -> Double? {
  precondition(
    a.width == b.width && a.height == b.height,
    "msSSIM needs equal sizes, got \(a.width)×\(a.height) and \(b.width)×\(b.height)")
  guard min(a.width, a.height) >= msSSIMMinimumSide else { return nil }
  var channelSum = 0.0
  for channel in 0..<3 {
    var x = SamplePlane(a, channel: channel)
    var y = SamplePlane(b, channel: channel)
    var value = 1.0
    for (scale, weight) in msSSIMWeights.enumerated() {
      let (ssim, contrastStructure) = meanSSIM(x, y)
      if scale == msSSIMWeights.count - 1 {
        value *= pow(max(ssim, 0), weight)
      } else {
        value *= pow(max(contrastStructure, 0), weight)
        x = x.averagePooled()
        y = y.averagePooled()
      }
    }
    channelSum += value
  }
  return channelSum / 3
}

/// Smallest side for 5 scales: pytorch_msssim asserts `side > (11 − 1) · 2^4`,
/// which leaves the 11-tap window room at the fifth scale.
public let msSSIMMinimumSide = 161

let msSSIMWeights: [Double] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
