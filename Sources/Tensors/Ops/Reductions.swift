extension Tape {
  /// The sum of all elements, as shape `[1]`. Accumulates in Double, in order (deterministic).
  public func sum(_ x: Variable) -> Variable {
    var total = 0.0
    x.value.scalars.withUnsafeBufferPointer { for v in $0 { total += Double(v) } }
    let out = output(Tensor(Float(total)), x)
    onBackward(out) { [unowned self] in
      let dy = out.grad[0]
      self.accumulate(into: x) { dx in dx.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] += dy } } }
    }
    return out
  }

  /// The mean of all elements, as shape `[1]`.
  public func mean(_ x: Variable) -> Variable {
    scaled(sum(x), by: 1 / Float(max(1, x.value.count)))
  }

  /// Sums along `axis`, keeping it with size 1 so the result broadcasts back against `x`. Threads split the outer
  /// dimension; each output sums its terms in order, so the bits do not depend on the thread count.
  public func sum(_ x: Variable, axis: Int) -> Variable {
    let (outer, size, inner) = x.shape.split(at: axis)
    var shape = x.shape
    shape[axis] = 1
    var y = [Float](repeating: 0, count: outer * inner)
    x.value.scalars.withUnsafeBufferPointer { xv in
      y.withUnsafeMutableBufferPointer { y in
        let (x, y) = (xv.baseAddress!, y.baseAddress!)
        parallelFor(outer, minimumPerChunk: max(1, elementwiseChunk / max(1, size * inner))) { start, end in
          for o in start..<end {
            for s in 0..<size {
              let (src, dst) = (x + (o * size + s) * inner, y + o * inner)
              for i in 0..<inner { dst[i] += src[i] }
            }
          }
        }
      }
    }
    let out = output(Tensor(shape: shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      self.accumulate(into: x) { dx in
        out.grad.withUnsafeBufferPointer { dy in
          dx.withUnsafeMutableBufferPointer { dx in
            let (dy, dx) = (dy.baseAddress!, dx.baseAddress!)
            parallelFor(outer, minimumPerChunk: max(1, elementwiseChunk / max(1, size * inner))) { start, end in
              for o in start..<end {
                for s in 0..<size {
                  let (src, dst) = (dy + o * inner, dx + (o * size + s) * inner)
                  for i in 0..<inner { dst[i] += src[i] }
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// The mean along `axis`, keeping it with size 1.
  public func mean(_ x: Variable, axis: Int) -> Variable {
    scaled(sum(x, axis: axis), by: 1 / Float(max(1, x.shape[axis])))
  }

  /// `mean((a − b)²)` over all elements, as shape `[1]`: the reconstruction and codebook losses in one op.
  public func meanSquaredError(_ a: Variable, _ b: Variable) -> Variable {
    precondition(a.shape == b.shape, "meanSquaredError: shapes \(a.shape) and \(b.shape) differ")
    let n = a.value.count
    var total = 0.0
    a.value.scalars.withUnsafeBufferPointer { av in
      b.value.scalars.withUnsafeBufferPointer { bv in
        for i in 0..<n {
          let d = av[i] - bv[i]
          total += Double(d * d)
        }
      }
    }
    let out = output(Tensor(Float(total / Double(max(1, n)))), a, b)
    onBackward(out) { [unowned self] in
      let scale = 2 * out.grad[0] / Float(max(1, n))
      for (v, sign) in [(a, Float(1)), (b, Float(-1))] {
        self.accumulate(into: v) { dv in
          a.value.scalars.withUnsafeBufferPointer { av in
            b.value.scalars.withUnsafeBufferPointer { bv in
              dv.withUnsafeMutableBufferPointer { dv in
                let (av, bv, dv) = (av.baseAddress!, bv.baseAddress!, dv.baseAddress!)
                parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
                  let (av, bv, dv) = (av + start, bv + start, dv + start)
                  for i in 0..<(end - start) { dv[i] += sign * scale * (av[i] - bv[i]) }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}

extension Array where Element == Int {
  /// `(product of dims before axis, dims[axis], product of dims after axis)`.
  func split(at axis: Int) -> (outer: Int, size: Int, inner: Int) {
    precondition(indices.contains(axis), "axis \(axis) out of range for shape \(self)")
    return (self[..<axis].reduce(1, *), self[axis], self[(axis + 1)...].reduce(1, *))
  }
}
