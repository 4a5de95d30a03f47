import RealModule

/// A dense float32 array with a shape, stored contiguously in row-major order.
///
/// Layout: images are channels-last, `[N, H, W, C]` (NHWC). Convolutions then read each pixel's channels as one
/// contiguous run, a 1×1 convolution is a single GEMM over `N·H·W` rows, and a codebook lookup is a row gather.
/// Convolution weights are `[KH, KW, inChannels, outChannels]`, so `im2col` rows multiply them directly.
public struct Tensor: Equatable, Sendable {
  public var shape: [Int]
  public var scalars: [Float]

  public init(shape: [Int], scalars: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    precondition(
      shape.reduce(1, *) == scalars.count, "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  public init(zeros shape: [Int]) {
    self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  public init(repeating value: Float, shape: [Int]) {
    self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
  }

  /// A scalar as a one-element tensor of shape `[1]`.
  public init(_ value: Float) {
    self.init(shape: [1], scalars: [value])
  }

  public var count: Int { scalars.count }

  /// Whether no scalar is NaN or infinite.
  public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }

  /// The value of a one-element tensor.
  public var item: Float {
    precondition(scalars.count == 1, "item needs a one-element tensor, shape is \(shape)")
    return scalars[0]
  }

  /// Samples uniformly from `range`.
  public static func uniform(
    shape: [Int], in range: ClosedRange<Float>, using rng: inout some RandomNumberGenerator
  ) -> Tensor {
    let n = shape.reduce(1, *)
    var scalars = [Float](repeating: 0, count: n)
    for i in 0..<n { scalars[i] = Float.random(in: range, using: &rng) }
    return Tensor(shape: shape, scalars: scalars)
  }

  /// Samples from a normal distribution (Box–Muller).
  public static func normal(
    shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using rng: inout some RandomNumberGenerator
  ) -> Tensor {
    let n = shape.reduce(1, *)
    var scalars = [Float](repeating: 0, count: n)
    for i in 0..<n { scalars[i] = mean + standardDeviation * Float(standardNormal(using: &rng)) }
    return Tensor(shape: shape, scalars: scalars)
  }
}

/// One standard normal sample (Box–Muller; the second value is discarded for simplicity).
public func standardNormal(using rng: inout some RandomNumberGenerator) -> Double {
  let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
  let u2 = Double.random(in: 0..<1, using: &rng)
  return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
}
