import RealModule

extension Tape {
  /// Applies `f` elementwise; `derivative(x, y)` gives `dy/dx` from the input and the saved output.
  @inline(__always)
  func unary(_ x: Variable, _ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Variable {
    let n = x.value.count
    var y = uninitializedFloats(n)
    x.value.scalars.withUnsafeBufferPointer { xv in
      y.withUnsafeMutableBufferPointer { yv in
        parallelFor(n, minimumPerChunk: 1 << 16) { start, end in
          for i in start..<end { yv[i] = f(xv[i]) }
        }
      }
    }
    let out = output(Tensor(shape: x.shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      self.accumulate(into: x) { dx in
        x.value.scalars.withUnsafeBufferPointer { xv in
          out.value.scalars.withUnsafeBufferPointer { yv in
            out.grad.withUnsafeBufferPointer { dy in
              dx.withUnsafeMutableBufferPointer { dx in
                for i in 0..<n { dx[i] += dy[i] * derivative(xv[i], yv[i]) }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// `eˣ`; saves its output, which is its own derivative.
  public func exp(_ x: Variable) -> Variable {
    unary(x, { Float.exp($0) }, derivative: { _, y in y })
  }

  /// Natural logarithm; derivative `1/x`.
  public func log(_ x: Variable) -> Variable {
    unary(x, { Float.log($0) }, derivative: { x, _ in 1 / x })
  }

  /// `x²`; derivative `2x`.
  public func square(_ x: Variable) -> Variable {
    unary(x, { $0 * $0 }, derivative: { x, _ in 2 * x })
  }

  /// Limits `x` to `[lower, upper]`; the gradient passes only strictly inside.
  public func clamp(_ x: Variable, _ lower: Float, _ upper: Float) -> Variable {
    unary(x, { min(max($0, lower), upper) }, derivative: { x, _ in x > lower && x < upper ? 1 : 0 })
  }
}
