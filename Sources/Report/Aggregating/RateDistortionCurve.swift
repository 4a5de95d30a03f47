/// A named rate-distortion curve: ours per model, JPEG at matched rate, or one read with `--compare`.
public struct RateDistortionCurve: Equatable, Sendable {
  public let name: String
  /// Ascending in bits per pixel.
  public let points: [CurvePoint]

  public init(name: String, points: [CurvePoint]) {
    self.name = name
    self.points = points.sorted { $0.bitsPerPixel < $1.bitsPerPixel }
  }
}
