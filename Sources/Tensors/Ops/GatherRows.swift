extension Tape {
  /// Row lookup: `y[i, :] = table[indices[i], :]` (a codebook lookup). Shapes: `table [K, D]` → `[indices.count, D]`.
  /// Backward scatters `dy` rows back onto the rows they came from, in order (deterministic).
  public func gatherRows(_ table: Variable, indices: [Int32]) -> Variable {
    precondition(table.shape.count == 2, "gatherRows needs a table [K, D]")
    let (k, d) = (table.shape[0], table.shape[1])
    for index in indices { precondition(index >= 0 && Int(index) < k, "gatherRows: index \(index) outside 0..<\(k)") }
    var y = uninitializedFloats(indices.count * d)
    if !y.isEmpty {
      table.value.scalars.withUnsafeBufferPointer { t in
        indices.withUnsafeBufferPointer { indices in
          y.withUnsafeMutableBufferPointer { y in
            let (rows, t, indices, y) = (indices.count, t.baseAddress!, indices.baseAddress!, y.baseAddress!)
            parallelFor(rows, minimumPerChunk: elementwiseChunk / max(1, d)) { start, end in
              for i in start..<end { (y + i * d).update(from: t + Int(indices[i]) * d, count: d) }
            }
          }
        }
      }
    }
    let out = output(Tensor(shape: [indices.count, d], scalars: y), table)
    onBackward(out) { [unowned self] in
      self.accumulate(into: table) { dt in
        out.grad.withUnsafeBufferPointer { dy in
          for (i, index) in indices.enumerated() {
            for j in 0..<d { dt[Int(index) * d + j] += dy[i * d + j] }
          }
        }
      }
    }
    return out
  }
}
