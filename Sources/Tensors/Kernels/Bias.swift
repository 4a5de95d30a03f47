/// Fills each of `rows` rows of `y` with `bias` (length `width`): the starting value a GEMM then accumulates onto.
func broadcastRows(_ bias: UnsafePointer<Float>, rows: Int, width: Int, into y: UnsafeMutablePointer<Float>) {
  parallelFor(rows, minimumPerChunk: 256) { start, end in
    for r in start..<end { (y + r * width).update(from: bias, count: width) }
  }
}

/// `dBias[j] += Σ_r dY[r, j]` over `rows` rows of `width` columns, in a fixed order (deterministic).
func addColumnSums(_ dY: UnsafePointer<Float>, rows: Int, width: Int, into dBias: UnsafeMutablePointer<Float>) {
  for r in 0..<rows {
    let row = dY + r * width
    for j in 0..<width { dBias[j] += row[j] }
  }
}
