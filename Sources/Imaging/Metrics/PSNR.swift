import Glibc

/// Peak signal-to-noise ratio in dB between two RGB8 images of the same size:
/// `10·log10(255² / MSE)` with the mean squared error taken over every sample
/// of all three channels. Identical images give `+infinity`.
/// Traps if the sizes differ.
public func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
  precondition(
    a.width == b.width && a.height == b.height,
    "psnr needs equal sizes, got \(a.width)×\(a.height) and \(b.width)×\(b.height)")
  // Integer sum is exact: at most 2^28·3·255² < 2^63.
  var squaredErrorSum = 0
  a.pixels.withUnsafeBufferPointer { x in
    b.pixels.withUnsafeBufferPointer { y in
      for i in 0..<x.count {
        let difference = Int(x[i]) &- Int(y[i])
        squaredErrorSum &+= difference &* difference
      }
    }
  }
  if squaredErrorSum == 0 { return .infinity }
  let meanSquaredError = Double(squaredErrorSum) / Double(a.pixels.count)
  return 10 * log10(255 * 255 / meanSquaredError)
}
