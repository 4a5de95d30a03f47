import Imaging

extension RGBImage {
  /// The `side × side` square (clipped to the image) at `(x, y)`.
  func cropped(x: Int, y: Int, side: Int) -> RGBImage {
    let (w, h) = (min(side, width - x), min(side, height - y))
    var out: [UInt8] = []
    out.reserveCapacity(w * h * 3)
    for row in y..<y + h { out += pixels[(row * width + x) * 3..<(row * width + x + w) * 3] }
    return RGBImage(width: w, height: h, pixels: out)
  }

  /// Shrunk by an integer factor so the width is at most `maximumWidth` (box filter); unchanged if already narrow.
  func downscaled(toWidthAtMost maximumWidth: Int) -> RGBImage {
    let factor = (width + maximumWidth - 1) / maximumWidth
    guard factor > 1 else { return self }
    let (w, h) = (width / factor, height / factor)
    var out = [UInt8](repeating: 0, count: w * h * 3)
    for y in 0..<h {
      for x in 0..<w {
        for c in 0..<3 {
          var sum = 0
          for dy in 0..<factor {
            for dx in 0..<factor { sum += Int(pixels[((y * factor + dy) * width + x * factor + dx) * 3 + c]) }
          }
          out[(y * w + x) * 3 + c] = UInt8((sum + factor * factor / 2) / (factor * factor))
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }

  /// The top-left corner of the `side × side` square with the most detail (largest luma variance), searched on a
  /// grid of half-square steps: where coding artefacts show first.
  func mostDetailedSquare(side: Int) -> (x: Int, y: Int) {
    guard width > side || height > side else { return (0, 0) }
    let step = max(1, side / 2)
    var best = (x: 0, y: 0, variance: -1.0)
    for y in stride(from: 0, through: max(0, height - side), by: step) {
      for x in stride(from: 0, through: max(0, width - side), by: step) {
        var (sum, squares, n) = (0.0, 0.0, 0.0)
        for row in stride(from: y, to: min(y + side, height), by: 2) {
          for column in stride(from: x, to: min(x + side, width), by: 2) {
            let i = (row * width + column) * 3
            let luma = 0.299 * Double(pixels[i]) + 0.587 * Double(pixels[i + 1]) + 0.114 * Double(pixels[i + 2])
            (sum, squares, n) = (sum + luma, squares + luma * luma, n + 1)
          }
        }
        let variance = squares / n - (sum / n) * (sum / n)
        if variance > best.variance { best = (x, y, variance) }
      }
    }
    return (best.x, best.y)
  }
}
