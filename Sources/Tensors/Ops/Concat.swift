extension Tape {
  /// Joins tensors along `axis`; all other dimensions must agree.
  public func concatenated(_ xs: [Variable], axis: Int) -> Variable {
    precondition(!xs.isEmpty, "concatenated needs at least one tensor")
    let first = xs[0].shape
    for x in xs {
      precondition(
        x.shape.count == first.count && (0..<first.count).allSatisfy { $0 == axis || x.shape[$0] == first[$0] },
        "concatenated: shape \(x.shape) does not match \(first) off axis \(axis)")
    }
    var shape = first
    shape[axis] = xs.reduce(0) { $0 + $1.shape[axis] }
    let (outer, total, inner) = shape.split(at: axis)
    var y = [Float](repeating: 0, count: outer * total * inner)
    var offset = 0
    for x in xs {
      let block = x.shape[axis] * inner
      x.value.scalars.withUnsafeBufferPointer { xv in
        for o in 0..<outer {
          for i in 0..<block { y[o * total * inner + offset + i] = xv[o * block + i] }
        }
      }
      offset += block
    }
    let out = Variable(Tensor(shape: shape, scalars: y), requiresGrad: isRecording && xs.contains(where: takesGradient))
    onBackward(out) { [unowned self] in
      var offset = 0
      for x in xs {
        let block = x.shape[axis] * inner
        let start = offset
        self.accumulate(into: x) { dx in
          for o in 0..<outer {
            for i in 0..<block { dx[o * block + i] += out.grad[o * total * inner + start + i] }
          }
        }
        offset += block
      }
    }
    return out
  }
}
