import Tensors
import TestSupport
import Testing

@Suite struct MatmulTests {
  // MARK: (a) by hand

  @Test func twoByTwoProduct() {
    let a = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    let b = Variable(Tensor(shape: [2, 2], scalars: [5, 6, 7, 8]))
    let y = Tape().matmul(a, b)
    #expect(y.shape == [2, 2])
    #expect(y.scalars == [19, 22, 43, 50])
  }

  @Test func rectangularProductAndGradients() {
    // [2, 3] · [3, 1]; loss = Σ y: dA = row of Bᵀ for every row, dB = column sums of A.
    let tape = Tape()
    let a = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let b = Variable(Tensor(shape: [3, 1], scalars: [1, 0, -1]))
    let y = tape.matmul(a, b)
    #expect(y.shape == [2, 1])
    #expect(y.scalars == [-2, -2])
    tape.backward(from: tape.sum(y))
    #expect(a.grad == [1, 0, -1, 1, 0, -1])
    #expect(b.grad == [5, 7, 9])
  }

  // MARK: (b) finite differences

  @Test(arguments: [(3, 5, 2), (1, 4, 3), (5, 1, 3), (3, 3, 1), (1, 1, 1)])
  func gradientsMatchFiniteDifferences(_ m: Int, _ k: Int, _ n: Int) {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.matmul(v[0], v[1]) }, at: [randomTensor([m, k], seed: 1), randomTensor([k, n], seed: 2)])
  }

  // MARK: (c) sgemm equals the naive triple loop (llm.c's matmul_forward_naive)

  @Test(arguments: [(1, 1, 1), (1, 5, 1), (3, 5, 2), (7, 1, 4), (5, 3, 7), (2, 7, 5)])
  func forwardAndGradientsEqualNaiveLoops(_ m: Int, _ k: Int, _ n: Int) {
    let a = randomTensor([m, k], seed: 3)
    let b = randomTensor([k, n], seed: 4)
    let r = randomTensor([m, n], seed: 5)
    func naive(
      _ x: [Float], _ y: [Float], _ rows: Int, _ inner: Int, _ cols: Int,
      _ at: (Int, Int) -> Int, _ bt: (Int, Int) -> Int
    ) -> [Float] {
      var out = [Float](repeating: 0, count: rows * cols)
      for i in 0..<rows {
        for j in 0..<cols {
          var s = 0.0
          for t in 0..<inner { s += Double(x[at(i, t)]) * Double(y[bt(t, j)]) }
          out[i * cols + j] = Float(s)
        }
      }
      return out
    }
    let tape = Tape()
    let (va, vb) = (Variable(a), Variable(b))
    let y = tape.matmul(va, vb)
    expectClose(y.scalars, naive(a.scalars, b.scalars, m, k, n, { $0 * k + $1 }, { $0 * n + $1 }), "forward")
    tape.backward(from: tape.sum(tape.multiply(y, Variable(r, requiresGrad: false))))
    // dA = R · Bᵀ, dB = Aᵀ · R.
    expectClose(va.grad, naive(r.scalars, b.scalars, m, n, k, { $0 * n + $1 }, { t, j in j * n + t }), "dA")
    expectClose(vb.grad, naive(a.scalars, r.scalars, k, m, n, { i, t in t * k + i }, { $0 * n + $1 }), "dB")
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    expectGradientsAccumulate(
      of: { tape, v in tape.matmul(v[0], v[1]) }, at: [randomTensor([3, 5], seed: 6), randomTensor([5, 2], seed: 7)])
  }

  @Test func squareOfAMatrixCollectsBothSides() {
    // d/dA Σ (A·A) ⊙ R = R·Aᵀ + Aᵀ·R: the same variable on both sides gets both contributions.
    let a = randomTensor([3, 3], seed: 8)
    let g = valueAndGradients(of: { tape, v in tape.matmul(v[0], v[0]) }, at: [a]).gradients[0]
    let split = valueAndGradients(of: { tape, v in tape.matmul(v[0], v[1]) }, at: [a, a]).gradients
    expectClose(g, zip(split[0], split[1]).map { $0 + $1 }, "A·A")
  }
}
