/// Fills each of `rows` rows of `y` with `bias` (length `width`): the starting value a GEMM then accumulates onto.
func broadcastRows(_ bias: UnsafePointer<Float>, rows: Int, width: Int, into y: UnsafeMutablePointer<Float>) {
  parallelFor(rows, minimumPerChunk: 256) { start, end in
    for r in start..<end { (y + r * width).update(from: bias, count: width) }
  }
}

/// `dBias[j] += Σ_r dY[r, j]` over `rows` rows of `width` columns, rows in order (deterministic). Threads take
/// 16-column groups, each summed in a register down all the rows, so every column's sum is the same chain of
/// additions with any thread count; a serial loop over rows had been 0.7% of a training step on one core.
func addColumnSums(_ dY: UnsafePointer<Float>, rows: Int, width: Int, into dBias: UnsafeMutablePointer<Float>) {
  typealias Group = SIMD16<Float>
  let groups = width / Group.scalarCount
  parallelFor(groups, minimumPerChunk: rows >= 4096 ? 1 : max(1, groups)) { first, end in
    for group in first..<end {
      let column = group * Group.scalarCount
      var sum = UnsafeRawPointer(dBias + column).loadUnaligned(as: Group.self)
      for r in 0..<rows { sum += UnsafeRawPointer(dY + r * width + column).loadUnaligned(as: Group.self) }
      UnsafeMutableRawPointer(dBias + column).storeBytes(of: sum, as: Group.self)
    }
  }
  for column in (groups * Group.scalarCount)..<width {
    var sum = dBias[column]
    for r in 0..<rows { sum += dY[r * width + column] }
    dBias[column] = sum
  }
}
