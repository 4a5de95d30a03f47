import Foundation
import Imaging

/// A fresh folder under the system temporary directory (never the shared data), removed by `remove()`.
struct TemporaryFolder {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "training-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  }

  func file(_ name: String) -> String { path + "/" + name }

  @discardableResult
  func write(_ bytes: [UInt8], named name: String) throws -> String {
    let target = file(name)
    try FileManager.default.createDirectory(
      atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: target))
    return target
  }

  @discardableResult
  func writePNG(_ image: RGBImage, named name: String) throws -> String { try write(try image.pngData(), named: name) }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
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
