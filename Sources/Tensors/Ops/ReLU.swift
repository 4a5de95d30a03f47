extension Tape {
  /// `max(x, 0)` elementwise; the gradient passes where `x > 0`. Written out rather than through `unary`: it runs
  /// after most convolutions, and plain loops over buffers vectorise.
  public func relu(_ x: Variable) -> Variable {
    var y = uninitializedFloats(x.value.count)
    reluForward(x.value.scalars, into: &y)
    let out = output(Tensor(shape: x.shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      self.accumulateOrWrite(into: x) { reluBackward(x.value.scalars, dOutput: out.grad, dInput: &$0, fresh: $1) }
    }
    return out
  }
}

// The loops below run from 0 over pointers offset to the chunk: written as `start..<end`, the compiler kept them
// scalar (checked in the disassembly).

func reluForward(_ x: [Float], into y: inout [Float]) {
  x.withUnsafeBufferPointer { x in
    y.withUnsafeMutableBufferPointer { y in
      let (count, x, y) = (x.count, x.baseAddress!, y.baseAddress!)
      parallelFor(count, minimumPerChunk: elementwiseChunk) { start, end in
        let (x, y) = (x + start, y + start)
        for i in 0..<(end - start) { y[i] = rectified(x[i]) }
      }
    }
  }
}

/// `max(v, 0)`, NaN passing through, written `0 >= v ? 0 : v`: the form the compiler vectorises.
@inline(__always)
func rectified(_ v: Float) -> Float { 0 >= v ? 0 : v }

/// `max(v, 0)` in place over `count` floats.
func clampBelowZero(_ x: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { x[i] = rectified(x[i]) }
}

/// Adds into `dInput` (never assigns: a value read twice must collect both gradients), or onto zeros when `fresh`.
func reluBackward(_ x: [Float], dOutput: [Float], dInput: inout [Float], fresh: Bool = false) {
  x.withUnsafeBufferPointer { x in
    dOutput.withUnsafeBufferPointer { dy in
      dInput.withUnsafeMutableBufferPointer { dx in
        let (count, x, dy, dx) = (x.count, x.baseAddress!, dy.baseAddress!, dx.baseAddress!)
        parallelFor(count, minimumPerChunk: elementwiseChunk) { start, end in
          addWherePositive(dy + start, selectedBy: x + start, into: dx + start, count: end - start, fresh: fresh)
        }
      }
    }
  }
}

/// `dx[i] += x[i] > 0 ? dy[i] : 0`, eight lanes at a time (the scalar loop's condition kept it from vectorising);
/// onto zeros instead of `dx` when `fresh`.
private func addWherePositive(
  _ dy: UnsafePointer<Float>, selectedBy x: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int,
  fresh: Bool
) {
  typealias Lanes = SIMD8<Float>
  var i = 0
  while i + Lanes.scalarCount <= count {
    let xv = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
    let g = UnsafeRawPointer(dy + i).loadUnaligned(as: Lanes.self)
    let d = fresh ? Lanes() : UnsafeRawPointer(dx + i).loadUnaligned(as: Lanes.self)
    UnsafeMutableRawPointer(dx + i).storeBytes(of: d + g.replacing(with: 0, where: .!(xv .> 0)), as: Lanes.self)
    i += Lanes.scalarCount
  }
  while i < count {
    if fresh { dx[i] = 0 }
    if x[i] > 0 { dx[i] += dy[i] }
    i += 1
  }
}
