import Tensors
import TestSupport
import Testing

@Suite struct VariableTests {
  @Test func detachedInputGetsNoGradientTheOtherDoes() {
    let tape = Tape()
    let a = Variable(Tensor(shape: [3], scalars: [1, 2, 3]))
    let b = Variable(Tensor(shape: [3], scalars: [4, 5, 6]))
    let d = a.detached()
    #expect(!d.requiresGrad && d.value == a.value)
    tape.backward(from: tape.sum(tape.multiply(d, b)))
    #expect(d.grad.isEmpty)
    #expect(a.grad.isEmpty)
    #expect(b.grad == [1, 2, 3])
  }

  @Test func detachingOnePathKeepsTheOther() {
    // Σ x · detached(x) has gradient x (not 2x): only the live path contributes.
    let tape = Tape()
    let x = Variable(Tensor(shape: [3], scalars: [1, -2, 3]))
    tape.backward(from: tape.sum(tape.multiply(x, x.detached())))
    #expect(x.grad == [1, -2, 3])
  }

  @Test func detachedSubgraphStopsGradientsUpstream() {
    // Gradient stops at the detached intermediate: the conv weight feeding it gets nothing.
    let tape = Tape()
    let x = Variable(randomTensor([1, 3, 3, 2], seed: 1))
    let w = Variable(randomTensor([3, 3, 2, 2], seed: 2))
    let h = tape.conv2d(x, weight: w, bias: nil, padding: 1)
    let scale = Variable(randomTensor([2], seed: 3))
    tape.backward(from: tape.sum(tape.multiply(h.detached(), scale)))
    #expect(w.grad.isEmpty && x.grad.isEmpty)
    #expect(scale.grad.count == 2 && scale.grad.contains { $0 != 0 })
  }

  @Test func gradTensorAndZeroGrad() {
    let v = Variable(Tensor(shape: [2], scalars: [1, 2]))
    #expect(v.gradTensor == Tensor(zeros: [2]))
    v.ensureGrad()
    v.grad[1] = 5
    #expect(v.gradTensor.scalars == [0, 5])
    v.zeroGrad()
    #expect(v.grad == [0, 0])
  }
}
