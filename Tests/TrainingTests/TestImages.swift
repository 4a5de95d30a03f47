import Imaging
import TestSupport

extension TemporaryFolder {
  @discardableResult
  func writePNG(_ image: RGBImage, named name: String) throws -> String { try write(try image.pngData(), named: name) }
}

/// Ramps and LCG noise: deterministic pixels of any size.
func testImage(width: Int, height: Int, seed: UInt32) -> RGBImage {
  var state = seed
  var pixels: [UInt8] = []
  for y in 0..<height {
    for x in 0..<width {
      for c in 0..<3 {
        state = state &* 1_664_525 &+ 1_013_904_223
        pixels.append(UInt8((x * 9 + y * 4 + c * 70) % 190 + Int(state >> 27)))
      }
    }
  }
  return RGBImage(width: width, height: height, pixels: pixels)
}
