extension Tape {
  /// `x / √energy` elementwise, or `x · √energy` when `inverse`: the last step of GDN and IGDN (`Layers`), whose
  /// energy is a positive weighted sum of the squared channels. One pass each way instead of a square root and a
  /// division on the tape, and no root tensor kept for the backward pass.
  public func divisiveNormalization(_ x: Variable, energy: Variable, inverse: Bool) -> Variable {
    precondition(x.shape == energy.shape, "x and its energy must have one shape")
    let n = x.value.count
    var y = uninitializedFloats(n)
    y.withUnsafeMutableBufferPointer { y in
      x.value.scalars.withUnsafeBufferPointer { x in
        energy.value.scalars.withUnsafeBufferPointer { s in
          let (y, x, s) = (y.baseAddress!, x.baseAddress!, s.baseAddress!)
          parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
            for i in start..<end {
              let root = s[i].squareRoot()
              y[i] = inverse ? x[i] * root : x[i] / root
            }
          }
        }
      }
    }
    let out = output(Tensor(shape: x.shape, scalars: y), x, energy)
    onBackward(out) { [unowned self] in
      // y = x·s^p with p = ±1/2: dy/dx = s^p, dy/ds = p·y/s.
      self.accumulate(into: x) { dx in
        self.normalizationPass(out.grad, energy, nil, inverse: inverse, into: &dx)
      }
      self.accumulate(into: energy) { ds in
        self.normalizationPass(out.grad, energy, out.value.scalars, inverse: inverse, into: &ds)
      }
    }
    return out
  }

  /// Adds `dy · s^p` (no `y`) or `dy · p · y / s` (with `y`) into `d`, p = 1/2 when `inverse`, else −1/2.
  private func normalizationPass(
    _ dy: [Float], _ energy: Variable, _ y: [Float]?, inverse: Bool, into d: inout [Float]
  ) {
    let n = d.count
    let half: Float = inverse ? 0.5 : -0.5
    dy.withUnsafeBufferPointer { dy in
      energy.value.scalars.withUnsafeBufferPointer { s in
        d.withUnsafeMutableBufferPointer { d in
          let (dy, s, d) = (dy.baseAddress!, s.baseAddress!, d.baseAddress!)
          if let y {
            y.withUnsafeBufferPointer { y in
              let y = y.baseAddress!
              parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
                for i in start..<end { d[i] += dy[i] * half * y[i] / s[i] }
              }
            }
          } else {
            parallelFor(n, minimumPerChunk: elementwiseChunk) { start, end in
              for i in start..<end {
                let root = s[i].squareRoot()
                d[i] += inverse ? dy[i] * root : dy[i] / root
              }
            }
          }
        }
      }
    }
  }
}
