import Tensors
import Testing

@testable import Layers

@Test func clippingScalesAllGradientsToTheMaximumNorm() {
  let a = Variable(Tensor(shape: [2], scalars: [0, 0]))
  let b = Variable(Tensor(shape: [1], scalars: [0]))
  a.grad = [3, 4]
  b.grad = [12]  // global norm √(9 + 16 + 144) = 13
  let norm = clipGradientNorm([a, b], maxNorm: 6.5)
  #expect(norm == 13)
  #expect(a.grad == [1.5, 2])
  #expect(b.grad == [6])
  // The clipped gradients now have exactly the maximum norm (up to rounding).
  let after = (a.grad + b.grad).reduce(0) { $0 + $1 * $1 }.squareRoot()
  #expect(abs(after - 6.5) < 1e-5)
}

@Test func clippingLeavesSmallGradientsAlone() {
  let a = Variable(Tensor(shape: [2], scalars: [0, 0]))
  a.grad = [0.3, 0.4]
  #expect(abs(clipGradientNorm([a], maxNorm: 1) - 0.5) < 1e-7)
  #expect(a.grad == [0.3, 0.4])
  #expect(abs(clipGradientNorm([a], maxNorm: 0.5) - 0.5) < 1e-7)  // exactly at the bound: unchanged
  #expect(a.grad == [0.3, 0.4])
}

@Test func clippingHandlesZeroAndMissingGradients() {
  let zero = Variable(Tensor(shape: [3], scalars: [1, 2, 3]))
  zero.grad = [0, 0, 0]
  let never = Variable(Tensor(shape: [2], scalars: [1, 2]))  // no gradient buffer yet
  #expect(clipGradientNorm([zero, never], maxNorm: 1) == 0)
  #expect(zero.grad == [0, 0, 0])
  #expect(never.grad.isEmpty)
}
