extension Tape {
  /// `max(x, 0)` elementwise; the gradient passes where `x > 0`. Written out rather than through `unary`: it runs
  /// after most convolutions, and plain loops over buffers vectorise.
  public func relu(_ x: Variable) -> Variable {
    var y = uninitializedFloats(x.value.count)
    reluForward(x.value.scalars, into: &y)
    let out = output(Tensor(shape: x.shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      self.accumulate(into: x) { reluBackward(x.value.scalars, dOutput: out.grad, dInput: &$0) }
    }
    return out
  }
}

func reluForward(_ x: [Float], into y: inout [Float]) {
  x.withUnsafeBufferPointer { x in
    y.withUnsafeMutableBufferPointer { y in
      let (count, x, y) = (x.count, x.baseAddress!, y.baseAddress!)  // plain pointers: the loop vectorises
      parallelFor(count, minimumPerChunk: elementwiseChunk) { start, end in
        // `0 >= v ? 0 : v` is `max(v, 0)` (NaN passes through) in a form the compiler vectorises.
        for i in start..<end { let v = x[i]; y[i] = 0 >= v ? 0 : v }
      }
    }
  }
}

/// Adds into `dInput` (never assigns): a value read twice must collect both gradients.
func reluBackward(_ x: [Float], dOutput: [Float], dInput: inout [Float]) {
  x.withUnsafeBufferPointer { x in
    dOutput.withUnsafeBufferPointer { dy in
      dInput.withUnsafeMutableBufferPointer { dx in
        let (count, x, dy, dx) = (x.count, x.baseAddress!, dy.baseAddress!, dx.baseAddress!)
        parallelFor(count, minimumPerChunk: elementwiseChunk) { start, end in
          for i in start..<end where x[i] > 0 { dx[i] += dy[i] }
        }
      }
    }
  }
}
