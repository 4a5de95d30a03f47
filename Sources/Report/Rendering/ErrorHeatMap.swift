import Imaging

/// A picture of where a decoding differs from the original: per pixel the mean absolute error over R, G, B,
/// shown on a black → red → yellow → white ramp that saturates at `saturation` levels. The fixed scale makes the
/// maps of two codecs comparable side by side.
enum ErrorHeatMap {
  static let saturation = 48.0

  static func image(original: RGBImage, decoded: RGBImage) -> RGBImage {
    precondition(original.width == decoded.width && original.height == decoded.height, "heat map needs equal sizes")
    var out = [UInt8](repeating: 0, count: original.pixels.count)
    for p in 0..<original.width * original.height {
      var error = 0
      for c in 0..<3 { error += abs(Int(original.pixels[p * 3 + c]) - Int(decoded.pixels[p * 3 + c])) }
      let t = min(Double(error) / 3 / saturation, 1)
      let (r, g, b) = colour(t)
      (out[p * 3], out[p * 3 + 1], out[p * 3 + 2]) = (r, g, b)
    }
    return RGBImage(width: original.width, height: original.height, pixels: out)
  }

  /// The ramp at `t` in 0...1: black, red at 1/3, yellow at 2/3, white at 1.
  static func colour(_ t: Double) -> (UInt8, UInt8, UInt8) {
    func channel(_ start: Double) -> UInt8 { UInt8((min(max((t - start) * 3, 0), 1) * 255).rounded()) }
    return (channel(0), channel(1.0 / 3), channel(2.0 / 3))
  }
}
