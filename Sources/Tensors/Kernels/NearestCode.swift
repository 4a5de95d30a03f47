/// For each row of `z [m, d]`, the index of the nearest row of `codebook [k, d]` in squared L2 distance, and that
/// distance. Uses `‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²` with one GEMM per block of rows; ties go to the lowest index.
public func nearestCodes(
  _ z: [Float], rows m: Int, codebook: [Float], codes k: Int, dimension d: Int
)
  -> (indices: [Int32], distances: [Float])
{
  precondition(z.count == m * d && codebook.count == k * d, "nearestCodes: buffer sizes do not match shapes")
  var norms = [Float](repeating: 0, count: k)
  for j in 0..<k {
    var s: Float = 0
    for t in 0..<d { s += codebook[j * d + t] * codebook[j * d + t] }
    norms[j] = s
  }
  var indices = [Int32](repeating: 0, count: m)
  var distances = [Float](repeating: 0, count: m)
  let block = 1024
  var scores = [Float](repeating: 0, count: min(m, block) * k)
  for start in stride(from: 0, to: m, by: block) {
    let rows = min(block, m - start)
    z.withUnsafeBufferPointer { zv in
      codebook.withUnsafeBufferPointer { e in
        scores.withUnsafeMutableBufferPointer { s in
          sgemm(
            transposeB: true, m: rows, n: k, k: d, a: zv.baseAddress! + start * d, lda: d,
            b: e.baseAddress!, ldb: d, accumulate: false, c: s.baseAddress!, ldc: k)
        }
      }
    }
    scores.withUnsafeBufferPointer { s in
      indices.withUnsafeMutableBufferPointer { idx in
        distances.withUnsafeMutableBufferPointer { dist in
          z.withUnsafeBufferPointer { zv in
            parallelFor(rows, minimumPerChunk: 64) { lo, hi in
              for r in lo..<hi {
                var best = Float.infinity
                var bestIndex = 0
                let row = s.baseAddress! + r * k
                for j in 0..<k {
                  let v = norms[j] - 2 * row[j]
                  if v < best {
                    best = v
                    bestIndex = j
                  }
                }
                var zz: Float = 0
                for t in 0..<d {
                  let v = zv[(start + r) * d + t]
                  zz += v * v
                }
                idx[start + r] = Int32(bestIndex)
                dist[start + r] = max(0, zz + best)
              }
            }
          }
        }
      }
    }
  }
  return (indices, distances)
}
