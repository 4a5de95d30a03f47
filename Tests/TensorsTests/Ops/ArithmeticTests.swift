import Tensors
import TestSupport
import Testing

/// The four broadcasting binary ops, as test arguments.
enum BinaryKind: String, CaseIterable, Sendable {
  case add, subtract, multiply, divide

  func apply(_ tape: Tape, _ a: Variable, _ b: Variable) -> Variable {
    switch self {
    case .add: tape.add(a, b)
    case .subtract: tape.subtract(a, b)
    case .multiply: tape.multiply(a, b)
    case .divide: tape.divide(a, b)
    }
  }

  func scalar(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: a + b
    case .subtract: a - b
    case .multiply: a * b
    case .divide: a / b
    }
  }
}

/// A pair of operand shapes that broadcast.
struct ShapePair: Sendable, CustomTestStringConvertible {
  let a, b: [Int]
  var testDescription: String { "\(a) ∘ \(b)" }

  static let all: [ShapePair] = [
    ShapePair(a: [2, 3, 5], b: [2, 3, 5]),  // same shape (add's fast path)
    ShapePair(a: [2, 3, 5, 3], b: [3]),  // a bias [C] onto NHWC
    ShapePair(a: [3], b: [2, 3, 1, 3]),  // the bias on the left
    ShapePair(a: [2, 3, 5, 3], b: [2, 1, 1, 3]),  // a per-image, per-channel [N, 1, 1, C] scale
    ShapePair(a: [2, 3, 3], b: [1]),  // a scalar
    ShapePair(a: [1], b: [3, 2]),  // the scalar on the left
    ShapePair(a: [2, 1, 5, 1], b: [1, 3, 1, 3]),  // both sides broadcast
    ShapePair(a: [1], b: [1]),
  ]
}

@Suite struct ArithmeticTests {
  // MARK: (a) by hand

  @Test func broadcastingByHand() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
    let bias = Variable(Tensor(shape: [2], scalars: [10, 20]))
    #expect(tape.add(x, bias).scalars == [11, 22, 13, 24])
    #expect(tape.add(x, bias).shape == [1, 1, 2, 2])
    #expect(tape.subtract(bias, x).scalars == [9, 18, 7, 16])
    #expect(tape.multiply(x, Variable(Tensor(2))).scalars == [2, 4, 6, 8])
    #expect(tape.divide(Variable(Tensor(12)), x).scalars == [12, 6, 4, 3])
    // [2, 1] against [1, 3] gives the outer sum.
    let col = Variable(Tensor(shape: [2, 1], scalars: [0, 10]))
    let row = Variable(Tensor(shape: [1, 3], scalars: [1, 2, 3]))
    let outer = tape.add(col, row)
    #expect(outer.shape == [2, 3])
    #expect(outer.scalars == [1, 2, 3, 11, 12, 13])
  }

  @Test func broadcastGradientsSumOverTheRepeatedAxes() {
    // loss = Σ (x + bias) ⊙ r: dbias[c] = Σ r[..., c], dx = r; for multiply, dbias[c] = Σ x ⊙ r over pixels.
    let tape = Tape()
    let x = Variable(Tensor(shape: [1, 1, 3, 2], scalars: [1, 2, 3, 4, 5, 6]))
    let bias = Variable(Tensor(shape: [2], scalars: [10, 20]))
    let r = Variable(Tensor(shape: [1, 1, 3, 2], scalars: [1, -1, 2, -2, 3, -3]), requiresGrad: false)
    let sumLoss = tape.sum(tape.multiply(tape.add(x, bias), r))
    let productLoss = tape.sum(tape.multiply(tape.multiply(x, bias), r))
    tape.backward(from: tape.add(sumLoss, productLoss))
    // dbias = [1 + 2 + 3 + (1·1 + 3·2 + 5·3), −1 − 2 − 3 + (2·−1 + 4·−2 + 6·−3)].
    #expect(bias.grad == [28, -34])
    #expect(x.grad == [11, -21, 22, -42, 33, -63])
  }

  @Test func divideGradientsByHand() {
    // d(a/b)/da = 1/b, d(a/b)/db = −a/b².
    let tape = Tape()
    let a = Variable(Tensor(shape: [2], scalars: [3, -1]))
    let b = Variable(Tensor(shape: [2], scalars: [2, 4]))
    let y = tape.divide(a, b)
    #expect(y.scalars == [1.5, -0.25])
    tape.backward(from: tape.sum(y))
    #expect(a.grad == [0.5, 0.25])
    #expect(b.grad == [-0.75, 0.0625])
  }

  @Test func scaledByHand() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [3], scalars: [1, -2, 0.5]))
    let y = tape.scaled(x, by: -3)
    #expect(y.scalars == [-3, 6, -1.5])
    tape.backward(from: tape.sum(y))
    #expect(x.grad == [-3, -3, -3])
  }

  // MARK: (b) finite differences

  @Test(arguments: BinaryKind.allCases, ShapePair.all)
  func gradientsMatchFiniteDifferences(_ op: BinaryKind, _ shapes: ShapePair) {
    // The divisor stays in ±[0.5, 1.5], away from the pole at 0.
    let a = randomTensor(shapes.a, seed: 1)
    let b = randomAwayFromZero(shapes.b, seed: 2, magnitude: 0.5...1.5)
    expectGradientsMatchFiniteDifferences(of: { tape, v in op.apply(tape, v[0], v[1]) }, at: [a, b])
  }

  @Test func scaledGradientMatchesFiniteDifferences() {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.scaled(v[0], by: -1.7) }, at: [randomTensor([2, 3, 5], seed: 3)])
  }

  // MARK: (c) the broadcast map equals naive multi-index broadcasting

  @Test(arguments: BinaryKind.allCases, ShapePair.all)
  func forwardEqualsNaiveBroadcasting(_ op: BinaryKind, _ shapes: ShapePair) {
    let a = randomTensor(shapes.a, seed: 4)
    let b = randomAwayFromZero(shapes.b, seed: 5, magnitude: 0.5...1.5)
    let y = op.apply(Tape(), Variable(a), Variable(b))
    let shape = broadcastShape(shapes.a, shapes.b)
    #expect(y.shape == shape)
    /// The element of `t` that broadcasting reads at the multi-index `index` of `shape`.
    func read(_ t: Tensor, _ index: [Int]) -> Float {
      let dims = [Int](repeating: 1, count: shape.count - t.shape.count) + t.shape
      var flat = 0
      for d in 0..<shape.count { flat = flat * dims[d] + (dims[d] == 1 ? 0 : index[d]) }
      return t.scalars[flat]
    }
    var expected: [Float] = []
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<shape.reduce(1, *) {
      expected.append(op.scalar(read(a, index), read(b, index)))
      for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
      }
    }
    #expect(y.scalars == expected)
  }

  @Test func sameShapeFastPathEqualsBroadcastPath() {
    // add() takes a separate path for equal shapes; [2, 3] + [2, 3] must equal [2, 3] + ([1, 2, 3] broadcast).
    let a = randomTensor([2, 3], seed: 6)
    let b = randomTensor([2, 3], seed: 7)
    let same = valueAndGradients(of: { tape, v in tape.add(v[0], v[1]) }, at: [a, b])
    let b3 = Tensor(shape: [1, 2, 3], scalars: b.scalars)
    let broadcast = valueAndGradients(of: { tape, v in tape.reshaped(tape.add(v[0], v[1]), to: [2, 3]) }, at: [a, b3])
    #expect(same.output.scalars == broadcast.output.scalars)
    #expect(same.gradients == broadcast.gradients)
  }

  // MARK: (d) accumulation

  @Test(arguments: BinaryKind.allCases, [ShapePair.all[0], ShapePair.all[1], ShapePair.all[6]])
  func gradientsAccumulateWhenUsedTwice(_ op: BinaryKind, _ shapes: ShapePair) {
    let a = randomTensor(shapes.a, seed: 8)
    let b = randomAwayFromZero(shapes.b, seed: 9, magnitude: 0.5...1.5)
    expectGradientsAccumulate(of: { tape, v in op.apply(tape, v[0], v[1]) }, at: [a, b])
  }

  @Test func sameVariableOnBothSides() {
    // x + x → 2; x · x → 2x; x − x → 0; x / x → 0 (each side's contribution added, not overwritten).
    let x = randomAwayFromZero([2, 3], seed: 10, magnitude: 0.5...1.5)
    let grad = { (op: BinaryKind) in
      let tape = Tape()
      let v = Variable(x)
      tape.backward(from: tape.sum(op.apply(tape, v, v)))
      return v.gradTensor.scalars
    }
    #expect(grad(.add) == [Float](repeating: 2, count: 6))
    #expect(grad(.multiply) == x.scalars.map { 2 * $0 })
    #expect(grad(.subtract) == [Float](repeating: 0, count: 6))
    expectClose(grad(.divide), [Float](repeating: 0, count: 6), "x / x")
  }

  @Test func scaledAccumulates() {
    expectGradientsAccumulate(of: { tape, v in tape.scaled(v[0], by: 0.3) }, at: [randomTensor([3, 5], seed: 11)])
  }

  @Test func reluUsedTwiceDoublesTheGradient() {
    // The brief's example: add(relu(x), relu(x)) gives twice the gradient of relu(x).
    let x = randomAwayFromZero([2, 3, 5], seed: 12)
    let once = valueAndGradients(of: { tape, v in tape.relu(v[0]) }, at: [x]).gradients[0]
    let twice = valueAndGradients(of: { tape, v in tape.add(tape.relu(v[0]), tape.relu(v[0])) }, at: [x]).gradients[0]
    #expect(twice == once.map { 2 * $0 })
  }
}
