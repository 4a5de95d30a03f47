import Tensors

/// The largest violation found by `gradientCheck`, or nil when every checked coordinate agrees.
public struct GradientMismatch: CustomStringConvertible {
  public let input: Int, index: Int
  public let analytic: Float, numeric: Float
  public var description: String { "input \(input)[\(index)]: analytic \(analytic), finite difference \(numeric)" }
}

/// Compares the tape's gradients of `sum(f(inputs) ⊙ r)` (a fixed random `r`) with central finite differences,
/// `h = 1e-2` in Float32, tolerance `tolerance · max(1, |g|)`. Checks every coordinate of inputs up to 500 elements,
/// otherwise a seeded sample of 64. Returns the first mismatch, or nil.
public func gradientCheck(
  of f: (Tape, [Variable]) -> Variable, at inputs: [Tensor], h: Float = 1e-2, tolerance: Float = 1e-2, seed: UInt64 = 1
) -> GradientMismatch? {
  var rng = SplitMix64(seed: seed)
  func loss(_ values: [Tensor], weights: Tensor?) -> (Float, [Variable], Tensor) {
    let tape = Tape()
    let vars = values.map { Variable($0) }
    let y = f(tape, vars)
    let r = weights ?? Tensor.uniform(shape: y.shape, in: -1...1, using: &rng)
    let total = tape.sum(tape.multiply(y, Variable(r, requiresGrad: false)))
    tape.backward(from: total)
    return (total.value.item, vars, r)
  }
  let (_, vars, r) = loss(inputs, weights: nil)
  for (k, input) in inputs.enumerated() {
    let analytic = vars[k].gradTensor.scalars
    let coordinates =
      input.count <= 500 ? Array(0..<input.count) : (0..<64).map { _ in Int.random(in: 0..<input.count, using: &rng) }
    for i in coordinates {
      var plus = inputs
      var minus = inputs
      plus[k].scalars[i] += h
      minus[k].scalars[i] -= h
      let numeric = (loss(plus, weights: r).0 - loss(minus, weights: r).0) / (2 * h)
      if abs(numeric - analytic[i]) > tolerance * max(1, abs(analytic[i])) {
        return GradientMismatch(input: k, index: i, analytic: analytic[i], numeric: numeric)
      }
    }
  }
  return nil
}

/// The largest absolute elementwise difference between two equal-sized arrays.
public func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
  return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
