import RealModule

extension Tape {
  /// Softmax along the last axis (the channels in NHWC): `y_i = e^{x_i − max} / Σ_j e^{x_j − max}`.
  /// Backward: `dx = y ⊙ (dy − Σ dy ⊙ y)`; saves its output.
  public func softmax(_ x: Variable) -> Variable {
    let width = x.shape.last!
    let rows = x.value.count / max(1, width)
    var y = x.value.scalars
    y.withUnsafeMutableBufferPointer { y in
      for r in 0..<rows {
        let row = UnsafeMutableBufferPointer(rebasing: y[(r * width)..<((r + 1) * width)])
        let m = row.max() ?? 0
        var s: Float = 0
        for i in row.indices {
          row[i] = Float.exp(row[i] - m)
          s += row[i]
        }
        for i in row.indices { row[i] /= s }
      }
    }
    let out = output(Tensor(shape: x.shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      let (yv, dy) = (out.value.scalars, out.grad)
      self.accumulate(into: x) { dx in
        for r in 0..<rows {
          let base = r * width
          var dot: Float = 0
          for i in 0..<width { dot += dy[base + i] * yv[base + i] }
          for i in 0..<width { dx[base + i] += yv[base + i] * (dy[base + i] - dot) }
        }
      }
    }
    return out
  }

  /// Log-softmax along the last axis: `y_i = x_i − max − log Σ_j e^{x_j − max}`.
  /// Backward: `dx = dy − softmax(x) · Σ dy`; saves its output.
  public func logSoftmax(_ x: Variable) -> Variable {
    let width = x.shape.last!
    let rows = x.value.count / max(1, width)
    var y = x.value.scalars
    y.withUnsafeMutableBufferPointer { y in
      for r in 0..<rows {
        let row = UnsafeMutableBufferPointer(rebasing: y[(r * width)..<((r + 1) * width)])
        let m = row.max() ?? 0
        var s: Float = 0
        for v in row { s += Float.exp(v - m) }
        // (x − max) − log Σ, in that order: folding max into one shift first would round it at max's scale and
        // lose up to half an ulp of max (3e-5 at logits near 1000).
        let logSum = Float.log(s)
        for i in row.indices { row[i] = (row[i] - m) - logSum }
      }
    }
    let out = output(Tensor(shape: x.shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      let (yv, dy) = (out.value.scalars, out.grad)
      self.accumulate(into: x) { dx in
        for r in 0..<rows {
          let base = r * width
          var total: Float = 0
          for i in 0..<width { total += dy[base + i] }
          for i in 0..<width { dx[base + i] += dy[base + i] - Float.exp(yv[base + i]) * total }
        }
      }
    }
    return out
  }
}
