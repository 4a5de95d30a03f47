/// An 8-bit RGB image: interleaved `R, G, B` samples, rows top to bottom,
/// pixels left to right, no row padding. This is the only pixel layout the
/// imaging layer reads, writes and measures.
public struct RGBImage: Equatable, Sendable {
  /// Largest width or height accepted from a file (PNG allows 2^31 − 1,
  /// JPEG 65 535); checked against the header before any pixel allocation.
  public static let maximumSide = 65_535
  /// Largest `width × height` accepted from a file: 2^28 pixels, 768 MiB of RGB8.
  public static let maximumPixelCount = 1 << 28

  public let width: Int
  public let height: Int
  /// `width × height × 3` samples; sample `(x, y, c)` is at `(y × width + x) × 3 + c`.
  public let pixels: [UInt8]

  /// Wraps interleaved RGB8 samples. Traps unless both sides are positive and
  /// `pixels.count == width × height × 3`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "RGBImage sides must be positive, got \(width)×\(height)")
    precondition(
      pixels.count == width * height * 3,
      "RGBImage \(width)×\(height) needs \(width * height * 3) samples, got \(pixels.count)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }
}

extension RGBImage {
  /// Whether every pixel is gray (R = G = B): a grayscale source, or colour channels that hold one value.
  public var isGray: Bool {
    pixels.withUnsafeBufferPointer { p in
      stride(from: 0, to: p.count, by: 3).allSatisfy { p[$0] == p[$0 + 1] && p[$0] == p[$0 + 2] }
    }
  }
}

/// The gray a decoder gives a pixel of a gray image from its three decoded samples: their mean, rounded to the
/// nearest integer (`(r + g + b + 1) / 3`; a mean is never halfway between two integers). Integer arithmetic, so
/// every decoder gets the same value.
@inline(__always) public func grayLevel(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
  UInt8((Int(r) + Int(g) + Int(b) + 1) / 3)
}
