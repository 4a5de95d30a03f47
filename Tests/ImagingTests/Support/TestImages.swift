import Imaging

/// The 32-bit LCG (Numerical Recipes constants) also used by the Python script
/// in MSSSIMTests, so both sides build identical images; yields the top byte.
struct LCG {
  var state: UInt32
  mutating func next() -> Int {
    state = state &* 1_664_525 &+ 1_013_904_223
    return Int(state >> 24)
  }
}

enum TestImages {
  /// Diagonal ramps plus up to 31 levels of noise: structure at every scale.
  static func pattern(width: Int, height: Int, seed: UInt32) -> RGBImage {
    var random = LCG(state: seed)
    var pixels: [UInt8] = []
    pixels.reserveCapacity(width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 { pixels.append(UInt8(min(255, (x * 3 + y * 2 + c * 40) % 200 + random.next() % 32))) }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// `image` plus uniform noise in -amplitude...amplitude, clamped to 0...255.
  static func distorted(_ image: RGBImage, seed: UInt32, amplitude: Int) -> RGBImage {
    var random = LCG(state: seed)
    let pixels = image.pixels.map { UInt8(max(0, min(255, Int($0) + random.next() % (2 * amplitude + 1) - amplitude))) }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }

  /// Independent uniform noise in every sample.
  static func noise(width: Int, height: Int, seed: UInt32) -> RGBImage {
    var random = LCG(state: seed)
    return RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { _ in UInt8(random.next()) })
  }

  /// Smooth gradients and one soft edge, a fair input for lossy codecs.
  static func smooth(width: Int, height: Int) -> RGBImage {
    var pixels: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        let edge = x > width / 2 ? 60 : 0
        pixels += [
          UInt8(x * 200 / width + edge / 2), UInt8(y * 200 / height + 20),
          UInt8((x + y) * 100 / (width + height) + edge),
        ]
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}
