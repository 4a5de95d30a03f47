import Tensors
import TestSupport
import Testing

@Suite struct ReshapeTests {
  // MARK: (a) by hand

  @Test func reshapeKeepsTheScalars() {
    let x = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let y = Tape().reshaped(x, to: [3, 1, 2])
    #expect(y.shape == [3, 1, 2])
    #expect(y.scalars == x.scalars)
  }

  @Test func permuteNHWCToNCHWByHand() {
    // [1, 2, 2, 3]: pixel p has channels (10p + 1, 10p + 2, 10p + 3). NCHW lists channel 0 over all pixels first.
    let x = Variable(Tensor(shape: [1, 2, 2, 3], scalars: [1, 2, 3, 11, 12, 13, 21, 22, 23, 31, 32, 33]))
    let y = Tape().permuted(x, [0, 3, 1, 2])
    #expect(y.shape == [1, 3, 2, 2])
    #expect(y.scalars == [1, 11, 21, 31, 2, 12, 22, 32, 3, 13, 23, 33])
    // A 2-D transpose.
    let m = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    #expect(Tape().permuted(m, [1, 0]).scalars == [1, 4, 2, 5, 3, 6])
  }

  @Test func permuteGradientByHand() {
    let tape = Tape()
    let m = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let r = Variable(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(tape.permuted(m, [1, 0]), r)))
    #expect(m.grad == [1, 3, 5, 2, 4, 6])
  }

  // MARK: (b) finite differences

  @Test func reshapeGradientMatchesFiniteDifferences() {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.reshaped(v[0], to: [5, 3, 2]) }, at: [randomTensor([2, 3, 5], seed: 1)])
  }

  @Test(arguments: [[0, 3, 1, 2], [0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 3, 2], [0, 1, 2, 3]])
  func permuteGradientMatchesFiniteDifferences(_ permutation: [Int]) {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.permuted(v[0], permutation) }, at: [randomTensor([2, 3, 5, 3], seed: 2)])
  }

  // MARK: (c) equals naive multi-index loops

  @Test(arguments: [[0, 3, 1, 2], [0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 3, 2], [2, 0, 3, 1], [0, 1, 2, 3]])
  func permuteEqualsNaiveLoop(_ permutation: [Int]) {
    let shape = [2, 3, 4, 5]
    let x = randomTensor(shape, seed: 3)
    let y = Tape().permuted(Variable(x), permutation)
    let outShape = permutation.map { shape[$0] }
    #expect(y.shape == outShape)
    var expected = [Float](repeating: 0, count: x.count)
    for a in 0..<2 {
      for b in 0..<3 {
        for c in 0..<4 {
          for d in 0..<5 {
            let inIndex = [a, b, c, d]
            let outIndex = permutation.map { inIndex[$0] }
            var flat = 0
            for k in 0..<4 { flat = flat * outShape[k] + outIndex[k] }
            expected[flat] = x.scalars[((a * 3 + b) * 4 + c) * 5 + d]
          }
        }
      }
    }
    #expect(y.scalars == expected)
    // The inverse permutation restores the input.
    var inverse = [Int](repeating: 0, count: 4)
    for (i, p) in permutation.enumerated() { inverse[p] = i }
    #expect(Tape().permuted(y, inverse).value == x)
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let x = randomTensor([2, 3, 5], seed: 4)
    expectGradientsAccumulate(of: { tape, v in tape.reshaped(v[0], to: [15, 2]) }, at: [x])
    expectGradientsAccumulate(of: { tape, v in tape.permuted(v[0], [2, 0, 1]) }, at: [x])
  }
}
