/// An elementwise binary op with broadcasting: its value and its partial derivatives in each operand.
struct BinaryOp: Sendable {
  let apply: @Sendable (Float, Float) -> Float
  let dA: @Sendable (Float, Float) -> Float
  let dB: @Sendable (Float, Float) -> Float

  static let add = BinaryOp(apply: { $0 + $1 }, dA: { _, _ in 1 }, dB: { _, _ in 1 })
  static let subtract = BinaryOp(apply: { $0 - $1 }, dA: { _, _ in 1 }, dB: { _, _ in -1 })
  static let multiply = BinaryOp(apply: { $0 * $1 }, dA: { _, b in b }, dB: { a, _ in a })
  static let divide = BinaryOp(apply: { $0 / $1 }, dA: { _, b in 1 / b }, dB: { a, b in -a / (b * b) })
}

extension Tape {
  /// `a + b` elementwise with NumPy broadcasting (e.g. a bias `[C]` onto `[N, H, W, C]`).
  public func add(_ a: Variable, _ b: Variable) -> Variable {
    a.shape == b.shape ? addSameShape(a, b) : binary(a, b, .add)
  }

  /// The residual connection's fast path: a plain vector sum, and the gradient copied to both sides.
  private func addSameShape(_ a: Variable, _ b: Variable) -> Variable {
    let n = a.value.count
    var y = uninitializedFloats(n)
    y.withUnsafeMutableBufferPointer { y in
      a.value.scalars.withUnsafeBufferPointer { av in
        b.value.scalars.withUnsafeBufferPointer { bv in
          let (y, av, bv) = (y.baseAddress!, av.baseAddress!, bv.baseAddress!)  // plain pointers: the loop vectorises
          parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
            let (y, av, bv) = (y + start, av + start, bv + start)  // from 0: a `start..<end` loop stayed scalar
            for i in 0..<(end - start) { y[i] = av[i] + bv[i] }
          }
        }
      }
    }
    let out = output(Tensor(shape: a.shape, scalars: y), a, b)
    onBackward(out) { [unowned self] in
      for v in [a, b] {
        self.accumulateOrWrite(into: v) { dv, fresh in
          out.grad.withUnsafeBufferPointer { dy in
            dv.withUnsafeMutableBufferPointer { dv in
              let (dv, dy) = (dv.baseAddress!, dy.baseAddress!)
              parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
                let (dv, dy) = (dv + start, dy + start)
                if fresh {
                  for i in 0..<(end - start) { dv[i] = 0 + dy[i] }  // onto zero: a −0 gradient gives +0, as before
                } else {
                  for i in 0..<(end - start) { dv[i] += dy[i] }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
  /// `a − b` elementwise with broadcasting.
  public func subtract(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .subtract) }
  /// `a · b` elementwise with broadcasting.
  public func multiply(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .multiply) }
  /// `a / b` elementwise with broadcasting.
  public func divide(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, .divide) }

  private func binary(_ a: Variable, _ b: Variable, _ op: BinaryOp) -> Variable {
    if a.shape == b.shape && a.value.count > 0 { return binarySameShape(a, b, op) }
    let shape = broadcastShape(a.shape, b.shape)
    let mapA = broadcastMap(from: a.shape, to: shape)
    let mapB = broadcastMap(from: b.shape, to: shape)
    let n = shape.reduce(1, *)
    var y = [Float](repeating: 0, count: n)
    a.value.scalars.withUnsafeBufferPointer { av in
      b.value.scalars.withUnsafeBufferPointer { bv in
        for i in 0..<n { y[i] = op.apply(av[mapA?[i] ?? i], bv[mapB?[i] ?? i]) }
      }
    }
    let out = output(Tensor(shape: shape, scalars: y), a, b)
    onBackward(out) { [unowned self] in
      let (av, bv, dy) = (a.value.scalars, b.value.scalars, out.grad)
      self.accumulate(into: a) { da in
        for i in 0..<n { da[mapA?[i] ?? i] += dy[i] * op.dA(av[mapA?[i] ?? i], bv[mapB?[i] ?? i]) }
      }
      self.accumulate(into: b) { db in
        for i in 0..<n { db[mapB?[i] ?? i] += dy[i] * op.dB(av[mapA?[i] ?? i], bv[mapB?[i] ?? i]) }
      }
    }
    return out
  }

  /// `binary` without broadcasting (the quantizer's and the losses' operands): every element is independent, so
  /// the loops run on all threads, with the same results.
  private func binarySameShape(_ a: Variable, _ b: Variable, _ op: BinaryOp) -> Variable {
    let n = a.value.count
    var y = uninitializedFloats(n)
    y.withUnsafeMutableBufferPointer { y in
      a.value.scalars.withUnsafeBufferPointer { av in
        b.value.scalars.withUnsafeBufferPointer { bv in
          let (y, av, bv) = (y.baseAddress!, av.baseAddress!, bv.baseAddress!)
          parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
            for i in start..<end { y[i] = op.apply(av[i], bv[i]) }
          }
        }
      }
    }
    let out = output(Tensor(shape: a.shape, scalars: y), a, b)
    onBackward(out) { [unowned self] in
      for (v, partial) in [(a, op.dA), (b, op.dB)] {
        self.accumulate(into: v) { dv in
          a.value.scalars.withUnsafeBufferPointer { av in
            b.value.scalars.withUnsafeBufferPointer { bv in
              out.grad.withUnsafeBufferPointer { dy in
                dv.withUnsafeMutableBufferPointer { dv in
                  let (dv, dy, av, bv) = (dv.baseAddress!, dy.baseAddress!, av.baseAddress!, bv.baseAddress!)
                  parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
                    for i in start..<end { dv[i] += dy[i] * partial(av[i], bv[i]) }
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// `x · factor` for a constant `factor`.
  public func scaled(_ x: Variable, by factor: Float) -> Variable {
    unary(x, { $0 * factor }, derivative: { _, _ in factor })
  }
}
