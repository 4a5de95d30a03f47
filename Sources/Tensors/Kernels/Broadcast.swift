/// NumPy broadcasting: shapes are right-aligned and each dimension pair must match or contain a 1.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
  let rank = max(a.count, b.count)
  let pa = [Int](repeating: 1, count: rank - a.count) + a
  let pb = [Int](repeating: 1, count: rank - b.count) + b
  return (0..<rank).map { i in
    precondition(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1, "shapes \(a) and \(b) do not broadcast")
    return max(pa[i], pb[i])
  }
}

/// For each element of a tensor of shape `outShape`, the index of the element of an `inShape` tensor that
/// broadcasting reads; `nil` when the shapes are equal (the identity map).
func broadcastMap(from inShape: [Int], to outShape: [Int]) -> [Int]? {
  if inShape == outShape { return nil }
  let rank = outShape.count
  let padded = [Int](repeating: 1, count: rank - inShape.count) + inShape
  var strides = [Int](repeating: 0, count: rank)
  var step = 1
  for d in stride(from: rank - 1, through: 0, by: -1) {
    strides[d] = padded[d] == 1 ? 0 : step
    step *= padded[d]
  }
  return stridedIndexMap(shape: outShape, strides: strides)
}

/// Walks a tensor of `shape` in row-major order and gives, for each element, `Σ_d index_d · strides[d]`: the
/// position it reads in another buffer (a broadcast source, a permuted input).
func stridedIndexMap(shape: [Int], strides: [Int]) -> [Int] {
  let rank = shape.count
  let total = shape.reduce(1, *)
  var map = [Int](repeating: 0, count: total)
  var counter = [Int](repeating: 0, count: rank)
  var index = 0
  for i in 0..<total {
    map[i] = index
    var d = rank - 1
    while d >= 0 {
      counter[d] += 1
      index += strides[d]
      if counter[d] < shape[d] { break }
      index -= strides[d] * counter[d]
      counter[d] = 0
      d -= 1
    }
  }
  return map
}
