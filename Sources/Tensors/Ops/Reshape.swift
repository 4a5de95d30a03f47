extension Tape {
  /// The same scalars under another shape (row-major order is unchanged, so nothing moves).
  public func reshaped(_ x: Variable, to shape: [Int]) -> Variable {
    precondition(shape.reduce(1, *) == x.value.count, "cannot reshape \(x.shape) to \(shape)")
    let out = output(Tensor(shape: shape, scalars: x.value.scalars), x)
    onBackward(out) { [unowned self] in
      self.accumulate(into: x) { dx in
        out.grad.withUnsafeBufferPointer { dy in for i in 0..<dy.count { dx[i] += dy[i] } }
      }
    }
    return out
  }

  /// Reorders dimensions: output dimension `i` is input dimension `permutation[i]` (e.g. `[0, 3, 1, 2]` turns
  /// NHWC into NCHW).
  public func permuted(_ x: Variable, _ permutation: [Int]) -> Variable {
    precondition(permutation.sorted() == Array(0..<x.shape.count), "bad permutation \(permutation) for \(x.shape)")
    let shape = permutation.map { x.shape[$0] }
    let map = permutationMap(x.shape, permutation)
    var y = [Float](repeating: 0, count: x.value.count)
    x.value.scalars.withUnsafeBufferPointer { xv in for i in 0..<map.count { y[i] = xv[map[i]] } }
    let out = output(Tensor(shape: shape, scalars: y), x)
    onBackward(out) { [unowned self] in
      self.accumulate(into: x) { dx in
        out.grad.withUnsafeBufferPointer { dy in for i in 0..<map.count { dx[map[i]] += dy[i] } }
      }
    }
    return out
  }
}

/// For each element of the permuted tensor, the index of the input element it copies.
func permutationMap(_ shape: [Int], _ permutation: [Int]) -> [Int] {
  var inputStrides = [Int](repeating: 1, count: shape.count)
  for d in stride(from: shape.count - 2, through: 0, by: -1) { inputStrides[d] = inputStrides[d + 1] * shape[d + 1] }
  let outShape = permutation.map { shape[$0] }
  let strides = permutation.map { inputStrides[$0] }
  return stridedIndexMap(shape: outShape, strides: strides)
}
