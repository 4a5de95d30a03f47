import Foundation
import Tensors
import TestSupport
import Testing

@Suite struct SoftmaxTests {
  // MARK: (a) by hand

  @Test func softmaxOfLogsIsTheNormalisedWeights() {
    // softmax(log [1, 2, 5]) = [1, 2, 5] / 8, row by row along the last axis.
    let logs = [1, 2, 5, 4, 4, 8].map { Float(Foundation.log(Double($0))) }
    let x = Variable(Tensor(shape: [2, 3], scalars: logs))
    let tape = Tape()
    expectClose(tape.softmax(x).scalars, [0.125, 0.25, 0.625, 0.25, 0.25, 0.5], tolerance: 1e-6, "softmax")
    let expectedLog = [0.125, 0.25, 0.625, 0.25, 0.25, 0.5].map { Float(Foundation.log($0)) }
    expectClose(tape.logSoftmax(x).scalars, expectedLog, tolerance: 1e-6, "logSoftmax")
  }

  @Test func largeLogitsDoNotOverflow() {
    let x = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [1000, 1000]))
    #expect(Tape().softmax(x).scalars == [0.5, 0.5])
    expectClose(Tape().logSoftmax(x).scalars, [-Float(M_LN2), -Float(M_LN2)], tolerance: 1e-6, "logSoftmax")
    // Logits 1000 and 1002: −log p = log(1 + e^{±2}), to full precision (not rounded at the scale of 1000).
    let z = Variable(Tensor(shape: [2], scalars: [1000, 1002]))
    let expected = [Float(log1p(exp(2.0))), Float(log1p(exp(-2.0)))]
    expectClose(Tape().logSoftmax(z).scalars.map { -$0 }, expected, tolerance: 1e-6, "offset logits")
    let y = Variable(Tensor(shape: [3], scalars: [-1000, 0, -1000]))
    #expect(Tape().softmax(y).scalars == [0, 1, 0])
  }

  @Test func gradientsByHand() {
    // Two equal logits: y = [½, ½]; loss = y0 ⇒ dx = y0(δ − y) = [¼, −¼].
    // logSoftmax with loss = Σ y: dx = 1 − softmax · 2 = [0, 0].
    let tape = Tape()
    let x = Variable(Tensor(shape: [2], scalars: [0.5, 0.5]))
    let r = Variable(Tensor(shape: [2], scalars: [1, 0]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(tape.softmax(x), r)))
    #expect(x.grad == [0.25, -0.25])
    let tape2 = Tape()
    let x2 = Variable(Tensor(shape: [2], scalars: [0.5, 0.5]))
    tape2.backward(from: tape2.sum(tape2.logSoftmax(x2)))
    #expect(x2.grad == [0, 0])
  }

  // MARK: (b) finite differences

  @Test(arguments: [[2, 3, 5], [1, 3, 3, 5], [7], [3, 1]])
  func gradientsMatchFiniteDifferences(_ shape: [Int]) {
    let x = randomTensor(shape, seed: 1, in: -2...2)
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.softmax(v[0]) }, at: [x])
    expectGradientsMatchFiniteDifferences(of: { tape, v in tape.logSoftmax(v[0]) }, at: [x])
  }

  // MARK: (c) equals the naive formula

  @Test func forwardEqualsNaiveFormula() {
    let x = randomTensor([3, 2, 5], seed: 2, in: -3...3)
    var expected: [Float] = []
    var expectedLog: [Float] = []
    for r in 0..<6 {
      let row = x.scalars[(r * 5)..<((r + 1) * 5)].map(Double.init)
      let total = row.reduce(0) { $0 + Foundation.exp($1) }
      expected += row.map { Float(Foundation.exp($0) / total) }
      expectedLog += row.map { Float($0 - Foundation.log(total)) }
    }
    let tape = Tape()
    let y = tape.softmax(Variable(x))
    let l = tape.logSoftmax(Variable(x))
    expectClose(y.scalars, expected, tolerance: 1e-6, "softmax")
    expectClose(l.scalars, expectedLog, tolerance: 1e-5, "logSoftmax")
    expectClose(tape.sum(y, axis: 2).scalars, [Float](repeating: 1, count: 6), tolerance: 1e-6, "rows sum to 1")
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let x = randomTensor([2, 3, 5], seed: 3, in: -2...2)
    expectGradientsAccumulate(of: { tape, v in tape.softmax(v[0]) }, at: [x])
    expectGradientsAccumulate(of: { tape, v in tape.logSoftmax(v[0]) }, at: [x])
  }
}
