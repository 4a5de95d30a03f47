import Tensors
import TestSupport
import Testing

@Suite struct ConcatTests {
  // MARK: (a) by hand

  @Test func concatenatesChannelsAndBatches() {
    let tape = Tape()
    let a = Variable(Tensor(shape: [1, 1, 2, 1], scalars: [1, 2]))
    let b = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [10, 11, 20, 21]))
    let channels = tape.concatenated([a, b], axis: 3)
    #expect(channels.shape == [1, 1, 2, 3])
    #expect(channels.scalars == [1, 10, 11, 2, 20, 21])
    let batch = tape.concatenated([b, b], axis: 0)
    #expect(batch.shape == [2, 1, 2, 2])
    #expect(batch.scalars == [10, 11, 20, 21, 10, 11, 20, 21])
  }

  @Test func gradientsSplitBackByHand() {
    let tape = Tape()
    let a = Variable(Tensor(shape: [2, 1], scalars: [1, 2]))
    let b = Variable(Tensor(shape: [2, 2], scalars: [3, 4, 5, 6]))
    let y = tape.concatenated([a, b], axis: 1)
    #expect(y.scalars == [1, 3, 4, 2, 5, 6])
    let r = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(y, r)))
    #expect(a.grad == [1, 4])
    #expect(b.grad == [2, 3, 5, 6])
  }

  // MARK: (b) finite differences

  @Test(arguments: 0..<4)
  func gradientsMatchFiniteDifferences(_ axis: Int) {
    var shapes = [[2, 3, 5, 3], [2, 3, 5, 3], [2, 3, 5, 3]]
    shapes[1][axis] = 1
    shapes[2][axis] = 2
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.concatenated(v, axis: axis) },
      at: shapes.enumerated().map { randomTensor($1, seed: UInt64($0 + 1)) })
  }

  // MARK: (c) equals a naive copy

  @Test(arguments: 0..<4)
  func forwardEqualsNaiveCopy(_ axis: Int) {
    var shapes = [[2, 3, 4, 3], [2, 3, 4, 3]]
    shapes[1][axis] = 2
    let xs = shapes.enumerated().map { randomTensor($1, seed: UInt64($0 + 5)) }
    let y = Tape().concatenated(xs.map { Variable($0) }, axis: axis)
    var outShape = shapes[0]
    outShape[axis] += shapes[1][axis]
    #expect(y.shape == outShape)
    /// Reads element (i0, i1, i2, i3) of the concatenation from whichever input holds it.
    func element(_ i: [Int]) -> Float {
      var i = i
      var which = 0
      if i[axis] >= shapes[0][axis] {
        i[axis] -= shapes[0][axis]
        which = 1
      }
      let s = shapes[which]
      return xs[which].scalars[((i[0] * s[1] + i[1]) * s[2] + i[2]) * s[3] + i[3]]
    }
    var expected: [Float] = []
    for a in 0..<outShape[0] {
      for b in 0..<outShape[1] {
        for c in 0..<outShape[2] {
          for d in 0..<outShape[3] {
            expected.append(element([a, b, c, d]))
          }
        }
      }
    }
    #expect(y.scalars == expected)
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let a = randomTensor([2, 3, 2], seed: 8)
    let b = randomTensor([2, 1, 2], seed: 9)
    expectGradientsAccumulate(of: { tape, v in tape.concatenated(v, axis: 1) }, at: [a, b])
    // The same variable twice in one concatenation collects both halves.
    let once = valueAndGradients(of: { tape, v in tape.concatenated([v[0], v[1]], axis: 2) }, at: [a, a]).gradients
    let same = valueAndGradients(of: { tape, v in tape.concatenated([v[0], v[0]], axis: 2) }, at: [a]).gradients
    #expect(same[0] == zip(once[0], once[1]).map { $0 + $1 })
  }
}
