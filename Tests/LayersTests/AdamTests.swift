import Tensors
import Testing

@testable import Layers

/// Two Adam steps against the update written out by hand: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `w ← w − lr·(m̂/(√v̂ + ε) + λw)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
@Test func adamTwoStepsMatchTheHandComputation() {
  let w = Variable(Tensor(shape: [3], scalars: [1, -2, 0.5]))
  let (lr, decay, b1, b2, eps) = (0.1, 0.01, 0.9, 0.999, 1e-8)
  let adam = Adam(parameters: [w], learningRate: Float(lr), weightDecay: Float(decay))
  let g1: [Double] = [0.5, -1, 0]
  let g2: [Double] = [0.1, 0.2, -0.3]

  w.grad = g1.map { Float($0) }
  adam.update()
  // Step 1: m̂ = g, v̂ = g², so the step is lr·(sign(g) + λw) (0 where g = 0).
  let expected1: [Double] = [1 - 0.1 * (1 + 0.01 * 1), -2 - 0.1 * (-1 + 0.01 * -2), 0.5 - 0.1 * (0 + 0.01 * 0.5)]
  #expect(adam.step == 1)
  for i in 0..<3 { #expect(abs(Double(w.value.scalars[i]) - expected1[i]) < 1e-6, "step 1, weight \(i)") }
  #expect(abs(Double(w.value.scalars[0]) - 0.899) < 1e-6)
  #expect(abs(Double(w.value.scalars[1]) - -1.898) < 1e-6)

  w.grad = g2.map { Float($0) }
  adam.update()
  var expected2 = expected1
  for i in 0..<3 {
    let m = b1 * ((1 - b1) * g1[i]) + (1 - b1) * g2[i]
    let v = b2 * ((1 - b2) * g1[i] * g1[i]) + (1 - b2) * g2[i] * g2[i]
    let mHat = m / (1 - b1 * b1)
    let vHat = v / (1 - b2 * b2)
    expected2[i] -= lr * (mHat / (vHat.squareRoot() + eps) + decay * expected1[i])
    // Float32 holds 0.999 as 0.99900001, so 1 − β₂ is off by 1.3e-5 relative: compare relatively.
    #expect(abs(Double(adam.firstMoments[0][i]) - m) <= 1e-6 * abs(m) + 1e-12, "m[\(i)]")
    #expect(abs(Double(adam.secondMoments[0][i]) - v) <= 1e-4 * abs(v) + 1e-12, "v[\(i)]")
  }
  #expect(adam.step == 2)
  for i in 0..<3 { #expect(abs(Double(w.value.scalars[i]) - expected2[i]) < 1e-5, "step 2, weight \(i)") }
}

@Test func adamWithoutWeightDecayIsPlainAdam() {
  let w = Variable(Tensor(shape: [2], scalars: [3, -3]))
  let adam = Adam(parameters: [w], learningRate: 0.5)
  w.grad = [2, -4]
  adam.update()
  // m̂/√v̂ = sign(g) on the first step; no decay term.
  #expect(abs(w.value.scalars[0] - 2.5) < 1e-6)
  #expect(abs(w.value.scalars[1] - -2.5) < 1e-6)
}

@Test func adamLeavesParametersWithoutGradientsAlone() {
  let touched = Variable(Tensor(shape: [2], scalars: [1, 1]))
  let untouched = Variable(Tensor(shape: [2], scalars: [5, 6]))
  let adam = Adam(parameters: [touched, untouched], learningRate: 0.1, weightDecay: 0.1)
  touched.grad = [1, 1]
  adam.update()
  #expect(untouched.value.scalars == [5, 6])
  #expect(adam.firstMoments[1] == [0, 0] && adam.secondMoments[1] == [0, 0])
  #expect(touched.value.scalars != [1, 1])
}

@Test func adamZeroGradientsKeepsTheBuffers() {
  let w = Variable(Tensor(shape: [2], scalars: [1, 1]))
  let adam = Adam(parameters: [w], learningRate: 0.1)
  w.grad = [3, 4]
  adam.zeroGradients()
  #expect(w.grad == [0, 0])
}

/// A parameter large enough to be split between threads gets the same update as one thread gives it, and every
/// element the update of a lone element with that gradient (the split cannot skip or repeat one).
@Test func adamSplitsLargeParametersWithoutChangingTheResult() {
  let count = Adam.elementsPerThread * 2 + 5
  var rng = SplitMix64(seed: 40)
  let start = Tensor.uniform(shape: [count], in: -1...1, using: &rng)
  let gradient = Tensor.uniform(shape: [count], in: -1...1, using: &rng).scalars
  func updated(threads: Int) -> [Float] {
    let previous = ComputeThreads.count
    ComputeThreads.set(threads)
    defer { ComputeThreads.set(previous) }
    let w = Variable(start)
    let adam = Adam(parameters: [w], learningRate: 0.01, weightDecay: 0.01)
    for _ in 0..<2 {
      w.grad = gradient
      adam.update()
    }
    return w.value.scalars
  }
  let one = updated(threads: 1)
  #expect(one == updated(threads: 2))
  for i in [0, count / 2, count - 1] {
    let w = Variable(Tensor(shape: [1], scalars: [start.scalars[i]]))
    let adam = Adam(parameters: [w], learningRate: 0.01, weightDecay: 0.01)
    for _ in 0..<2 {
      w.grad = [gradient[i]]
      adam.update()
    }
    #expect(w.value.scalars[0] == one[i], "element \(i)")
  }
}
