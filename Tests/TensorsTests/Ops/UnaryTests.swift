import Foundation
import Tensors
import TestSupport
import Testing

/// The elementwise ops, with inputs kept where each is smooth.
enum UnaryKind: String, CaseIterable, Sendable {
  case relu, exp, log, square, clamp

  static let lower: Float = -0.5, upper: Float = 0.5

  func apply(_ tape: Tape, _ x: Variable) -> Variable {
    switch self {
    case .relu: tape.relu(x)
    case .exp: tape.exp(x)
    case .log: tape.log(x)
    case .square: tape.square(x)
    case .clamp: tape.clamp(x, Self.lower, Self.upper)
    }
  }

  /// Inputs at least 0.1 (or 0.2 for log's domain) from every kink, pole or threshold; `h` is 1e-2.
  func input(_ shape: [Int], seed: UInt64) -> Tensor {
    switch self {
    case .relu, .square: return randomAwayFromZero(shape, seed: seed, magnitude: 0.1...1.5)
    case .exp: return randomTensor(shape, seed: seed, in: -2...2)
    case .log: return randomTensor(shape, seed: seed, in: 0.2...3)
    case .clamp:
      // Magnitudes in [0.1, 0.4] ∪ [0.6, 1.5]: inside, below and above [−0.5, 0.5], never within 0.1 of an end.
      var t = randomAwayFromZero(shape, seed: seed, magnitude: 0.1...1.0)
      for i in t.scalars.indices where abs(t.scalars[i]) > 0.4 { t.scalars[i] += t.scalars[i] > 0 ? 0.2 : -0.2 }
      return t
    }
  }
}

@Suite struct UnaryTests {
  // MARK: (a) by hand

  @Test func valuesByHand() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [5], scalars: [-2, -0.5, 0, 0.25, 3]))
    #expect(tape.relu(x).scalars == [0, 0, 0, 0.25, 3])
    #expect(tape.square(x).scalars == [4, 0.25, 0, 0.0625, 9])
    #expect(tape.clamp(x, -1, 1).scalars == [-1, -0.5, 0, 0.25, 1])
    let e = Variable(Tensor(shape: [3], scalars: [0, 1, Float(M_LN2)]))
    expectClose(tape.exp(e).scalars, [1, Float(M_E), 2], tolerance: 1e-6, "exp")
    let l = Variable(Tensor(shape: [3], scalars: [1, Float(M_E), 0.5]))
    expectClose(tape.log(l).scalars, [0, 1, -Float(M_LN2)], tolerance: 1e-6, "log")
  }

  @Test func gradientsByHand() {
    func grad(_ f: (Tape, Variable) -> Variable, _ values: [Float]) -> [Float] {
      let tape = Tape()
      let x = Variable(Tensor(shape: [values.count], scalars: values))
      tape.backward(from: tape.sum(f(tape, x)))
      return x.gradTensor.scalars
    }
    #expect(grad({ $0.relu($1) }, [-1, 0.5, 2]) == [0, 1, 1])
    #expect(grad({ $0.square($1) }, [-1, 0.5, 2]) == [-2, 1, 4])
    #expect(grad({ $0.clamp($1, -1, 1) }, [-2, 0.5, 2]) == [0, 1, 0])
    #expect(grad({ $0.log($1) }, [0.5, 2, 4]) == [2, 0.5, 0.25])
    expectClose(grad({ $0.exp($1) }, [0, 1]), [1, Float(M_E)], tolerance: 1e-6, "exp'")
  }

  // MARK: (b) finite differences

  @Test(arguments: UnaryKind.allCases)
  func gradientMatchesFiniteDifferences(_ op: UnaryKind) {
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in op.apply(tape, v[0]) }, at: [op.input([2, 3, 5, 3], seed: 1)])
  }

  @Test func clampInputCoversAllThreeRegions() {
    let x = UnaryKind.clamp.input([2, 3, 5, 3], seed: 1).scalars
    #expect(x.contains { $0 < UnaryKind.lower } && x.contains { $0 > UnaryKind.upper })
    #expect(x.contains { $0 > UnaryKind.lower && $0 < UnaryKind.upper })
    #expect(x.allSatisfy { abs($0 - UnaryKind.lower) >= 0.1 && abs($0 - UnaryKind.upper) >= 0.1 })
  }

  // MARK: (c) equals the scalar formula

  @Test(arguments: UnaryKind.allCases)
  func forwardEqualsScalarFormula(_ op: UnaryKind) {
    let x = op.input([3, 7], seed: 2)
    let expected: [Float] = x.scalars.map { v in
      switch op {
      case .relu: max(v, 0)
      case .exp: Float(Foundation.exp(Double(v)))
      case .log: Float(Foundation.log(Double(v)))
      case .square: v * v
      case .clamp: min(max(v, UnaryKind.lower), UnaryKind.upper)
      }
    }
    expectClose(op.apply(Tape(), Variable(x)).scalars, expected, tolerance: 1e-6, op.rawValue)
  }

  // MARK: (d) accumulation

  @Test(arguments: UnaryKind.allCases)
  func gradientAccumulatesWhenUsedTwice(_ op: UnaryKind) {
    expectGradientsAccumulate(of: { tape, v in op.apply(tape, v[0]) }, at: [op.input([2, 3, 5], seed: 3)])
  }
}
