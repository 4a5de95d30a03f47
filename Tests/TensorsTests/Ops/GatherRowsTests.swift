import Tensors
import TestSupport
import Testing

@Suite struct GatherRowsTests {
  // MARK: (a) by hand

  @Test func gathersRowsAndScattersGradientsBack() {
    let tape = Tape()
    let table = Variable(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
    let y = tape.gatherRows(table, indices: [2, 0, 2])
    #expect(y.shape == [3, 2])
    #expect(y.scalars == [5, 6, 1, 2, 5, 6])
    // Row 2 was read twice: its gradient is the sum of both rows of r; row 1 was never read.
    let r = Variable(Tensor(shape: [3, 2], scalars: [1, 10, 100, 1000, 2, 20]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(y, r)))
    #expect(table.grad == [100, 1000, 0, 0, 3, 30])
  }

  @Test func emptyIndicesGiveAnEmptyResult() {
    let y = Tape().gatherRows(Variable(randomTensor([4, 3], seed: 1)), indices: [])
    #expect(y.shape == [0, 3])
  }

  // MARK: (b) finite differences

  @Test func gradientMatchesFiniteDifferences() {
    let indices: [Int32] = [4, 0, 2, 4, 4, 1, 0]
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.gatherRows(v[0], indices: indices) }, at: [randomTensor([5, 3], seed: 2)])
  }

  // MARK: (c) equals a naive lookup

  @Test func forwardEqualsNaiveLookup() {
    var rng = SplitMix64(seed: 3)
    let table = randomTensor([7, 5], seed: 4)
    let indices = (0..<23).map { _ in Int32.random(in: 0..<7, using: &rng) }
    let y = Tape().gatherRows(Variable(table), indices: indices)
    #expect(y.scalars == indices.flatMap { i in (0..<5).map { table.scalars[Int(i) * 5 + $0] } })
  }

  // MARK: (d) accumulation

  @Test func gradientAccumulatesWhenUsedTwice() {
    expectGradientsAccumulate(
      of: { tape, v in tape.gatherRows(v[0], indices: [1, 1, 3, 0]) }, at: [randomTensor([5, 3], seed: 5)])
  }
}
