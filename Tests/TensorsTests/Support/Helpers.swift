import Tensors
import TestSupport
import Testing

// Shared helpers for the op tests (one copy, not one per file; STYLE.md §9.8).

/// A seeded uniform tensor.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
  var rng = SplitMix64(seed: seed)
  return Tensor.uniform(shape: shape, in: range, using: &rng)
}

/// A seeded tensor whose magnitudes lie in `magnitude` with random signs: stays away from a kink at 0.
func randomAwayFromZero(_ shape: [Int], seed: UInt64, magnitude: ClosedRange<Float> = 0.2...1) -> Tensor {
  var rng = SplitMix64(seed: seed)
  var t = Tensor.uniform(shape: shape, in: magnitude, using: &rng)
  for i in t.scalars.indices where Bool.random(using: &rng) { t.scalars[i].negate() }
  return t
}

/// Runs `f` on a fresh tape with the default gradient checker and records the first mismatch, if any.
func expectGradientsMatchFiniteDifferences(
  of f: (Tape, [Variable]) -> Variable, at inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation
) {
  let mismatch = gradientCheck(of: f, at: inputs)
  #expect(mismatch == nil, "gradient mismatch: \(mismatch.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
}

/// The output of `f` and the gradients of `sum(f(inputs) ⊙ r)` for a fixed random `r` (seeded).
func valueAndGradients(
  of f: (Tape, [Variable]) -> Variable, at inputs: [Tensor], uses: Int = 1, weightSeed: UInt64 = 99
) -> (output: Tensor, gradients: [[Float]]) {
  let tape = Tape()
  let vars = inputs.map { Variable($0) }
  var y = f(tape, vars)
  let output = y.value
  for _ in 1..<max(uses, 1) { y = tape.add(y, f(tape, vars)) }
  let r = Variable(randomTensor(y.shape, seed: weightSeed), requiresGrad: false)
  tape.backward(from: tape.sum(tape.multiply(y, r)))
  return (output, vars.map { $0.gradTensor.scalars })
}

/// (d) Using the inputs twice (`add(f(v), f(v))`) must double every input's gradient: backward adds, never assigns.
func expectGradientsAccumulate(
  of f: (Tape, [Variable]) -> Variable, at inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation
) {
  let once = valueAndGradients(of: f, at: inputs).gradients
  let twice = valueAndGradients(of: f, at: inputs, uses: 2).gradients
  for k in inputs.indices {
    let doubled = once[k].map { 2 * $0 }
    let scale = max(1, doubled.map(abs).max() ?? 0)
    #expect(once[k].contains { $0 != 0 }, "input \(k) got no gradient at all", sourceLocation: sourceLocation)
    let diff = maxAbsoluteDifference(doubled, twice[k])
    #expect(
      diff <= 1e-5 * scale, "input \(k): twice-used gradient is not 2× (max diff \(diff))",
      sourceLocation: sourceLocation)
  }
}

/// Elementwise closeness with an absolute-or-relative tolerance; reports the max difference.
func expectClose(
  _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count, "\(what): sizes \(actual.count) vs \(expected.count)",
    sourceLocation: sourceLocation)
  guard actual.count == expected.count else { return }
  let scale = max(1, expected.map(abs).max() ?? 0)
  let diff = maxAbsoluteDifference(actual, expected)
  #expect(diff <= tolerance * scale, "\(what): max abs difference \(diff)", sourceLocation: sourceLocation)
}

/// Forward through a fresh recording tape, returning just the value.
func forward(_ f: (Tape, [Variable]) -> Variable, at inputs: [Tensor]) -> Tensor {
  f(Tape(), inputs.map { Variable($0) }).value
}
