import Tensors
import TestSupport
import Testing

@Suite struct ReductionsTests {
  // MARK: (a) by hand

  @Test func sumAndMeanByHand() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    #expect(tape.sum(x).shape == [1])
    #expect(tape.sum(x).scalars == [21])
    #expect(tape.mean(x).scalars == [3.5])
    #expect(tape.sum(x, axis: 0).shape == [1, 3])
    #expect(tape.sum(x, axis: 0).scalars == [5, 7, 9])
    #expect(tape.sum(x, axis: 1).shape == [2, 1])
    #expect(tape.sum(x, axis: 1).scalars == [6, 15])
    #expect(tape.mean(x, axis: 0).scalars == [2.5, 3.5, 4.5])
    #expect(tape.mean(x, axis: 1).scalars == [2, 5])
  }

  @Test func meanSquaredErrorByHand() {
    // a − b = [1, −2, 3, 0]: mean of squares = 14/4; da = 2(a − b)/4, db = −da.
    let tape = Tape()
    let a = Variable(Tensor(shape: [2, 2], scalars: [2, 0, 4, 1]))
    let b = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 1, 1]))
    let loss = tape.meanSquaredError(a, b)
    #expect(loss.scalars == [3.5])
    tape.backward(from: loss)
    #expect(a.grad == [0.5, -1, 1.5, 0])
    #expect(b.grad == [-0.5, 1, -1.5, 0])
  }

  @Test func reductionGradientsByHand() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let r = Variable(Tensor(shape: [2, 1], scalars: [1, -2]), requiresGrad: false)
    // loss = mean(x) + Σ mean(x, axis: 1) ⊙ r: dx = 1/6 + r/3 per row.
    tape.backward(from: tape.add(tape.mean(x), tape.sum(tape.multiply(tape.mean(x, axis: 1), r))))
    expectClose(x.grad, [0.5, 0.5, 0.5, -0.5, -0.5, -0.5], tolerance: 1e-6, "dx")
  }

  // MARK: (b) finite differences

  @Test func sumAndMeanGradientsMatchFiniteDifferences() {
    let x = randomTensor([2, 3, 5, 3], seed: 1)
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.sum(v[0]) }, at: [x])
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.mean(v[0]) }, at: [x])
  }

  @Test(arguments: 0..<4)
  func axisGradientsMatchFiniteDifferences(_ axis: Int) {
    let x = randomTensor([2, 3, 5, 3], seed: 2)
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.sum(v[0], axis: axis) }, at: [x])
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.mean(v[0], axis: axis) }, at: [x])
  }

  @Test func meanSquaredErrorGradientsMatchFiniteDifferences() {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.meanSquaredError(v[0], v[1]) },
      at: [randomTensor([2, 3, 5, 3], seed: 3), randomTensor([2, 3, 5, 3], seed: 4)])
  }

  // MARK: (c) equals naive loops

  @Test(arguments: 0..<4)
  func sumAlongAxisEqualsNaiveLoop(_ axis: Int) {
    let shape = [2, 3, 5, 3]
    let x = randomTensor(shape, seed: 5)
    var outShape = shape
    outShape[axis] = 1
    var expected = [Double](repeating: 0, count: outShape.reduce(1, *))
    var index = [0, 0, 0, 0]
    for i in 0..<x.count {
      var o = 0
      for d in 0..<4 { o = o * outShape[d] + (d == axis ? 0 : index[d]) }
      expected[o] += Double(x.scalars[i])
      for d in stride(from: 3, through: 0, by: -1) {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
      }
    }
    let y = Tape().sum(Variable(x), axis: axis)
    #expect(y.shape == outShape)
    expectClose(y.scalars, expected.map { Float($0) }, tolerance: 1e-6, "axis \(axis)")
    let m = Tape().mean(Variable(x), axis: axis)
    expectClose(m.scalars, expected.map { Float($0 / Double(shape[axis])) }, tolerance: 1e-6, "mean axis \(axis)")
  }

  @Test func meanSquaredErrorEqualsMeanOfSquaredDifference() {
    let a = randomTensor([2, 3, 5, 3], seed: 6)
    let b = randomTensor([2, 3, 5, 3], seed: 7)
    let tape = Tape()
    let composed = tape.mean(tape.square(tape.subtract(Variable(a), Variable(b))))
    expectClose(tape.meanSquaredError(Variable(a), Variable(b)).scalars, composed.scalars, tolerance: 1e-6, "mse")
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let x = randomTensor([2, 3, 5], seed: 8)
    let y = randomTensor([2, 3, 5], seed: 9)
    expectGradientsAccumulate(of: { tape, v in tape.sum(v[0]) }, at: [x])
    expectGradientsAccumulate(of: { tape, v in tape.mean(v[0]) }, at: [x])
    for axis in 0..<3 {
      expectGradientsAccumulate(of: { tape, v in tape.sum(v[0], axis: axis) }, at: [x])
      expectGradientsAccumulate(of: { tape, v in tape.mean(v[0], axis: axis) }, at: [x])
    }
    expectGradientsAccumulate(of: { tape, v in tape.meanSquaredError(v[0], v[1]) }, at: [x, y])
  }
}
