import COpenBLAS
import Dispatch

/// Row-major single-precision GEMM: `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of shape `[m, k]` and
/// `op(B)` of shape `[k, n]`; leading dimensions are row strides.
///
/// OpenBLAS runs single-threaded; the engine splits the larger of `m` and `n` into contiguous blocks whose number
/// depends only on the sizes, and runs the blocks on the available threads. Each block is then the same
/// single-threaded call whatever the thread count, so results are bit-identical across `--threads` (OpenBLAS's own
/// threading is not, and even its single-threaded kernels change with the sizes they see), and idle OpenBLAS
/// threads no longer spin against the engine's loops.
@inline(__always)
func sgemm(
  transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if m == 0 || n == 0 { return }
  ComputeThreads.singleThreadedBLAS
  let splitRows = m >= n
  let extent = splitRows ? m : n
  let blocks = m * n * k >= 1 << 18 ? min(GEMMBlocks.count, max(1, extent / 64)) : 1
  func block(_ start: Int, _ end: Int) {
    if end <= start { return }
    if splitRows {
      let aBlock = transposeA ? a + start : a + start * lda
      cblasSGEMM(transposeA, transposeB, end - start, n, k, alpha, aBlock, lda, b, ldb, beta, c + start * ldc, ldc)
    } else {
      let bBlock = transposeB ? b + start * ldb : b + start
      cblasSGEMM(transposeA, transposeB, m, end - start, k, alpha, a, lda, bBlock, ldb, beta, c + start, ldc)
    }
  }
  if blocks <= 1 {
    block(0, extent)
  } else if ComputeThreads.count == 1 {
    for t in 0..<blocks { block(extent * t / blocks, extent * (t + 1) / blocks) }
  } else {
    DispatchQueue.concurrentPerform(iterations: blocks) { t in block(extent * t / blocks, extent * (t + 1) / blocks) }
  }
}

@inline(__always)
private func cblasSGEMM(
  _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>,
  _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `c[m, n] (+)= a[m, k] · b[k, n]` over whole arrays; `accumulate` adds into `c` instead of overwriting it.
func gemm(
  _ a: [Float], _ b: [Float], into c: inout [Float], m: Int, n: Int, k: Int,
  transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
) {
  precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matmul buffer too small")
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      c.withUnsafeMutableBufferPointer { c in
        sgemm(
          transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
          a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!, ldb: transposeB ? k : n,
          beta: accumulate ? 1 : 0, c: c.baseAddress!, ldc: n)
      }
    }
  }
}

/// A buffer the caller overwrites completely (a GEMM with beta 0, a bias broadcast): skipping the zero fill saves a
/// pass over memory.
@inline(__always)
func uninitializedFloats(_ count: Int) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// How many blocks a large GEMM is split into: fixed, so that results do not depend on the thread count. Each
/// block packs the shared operand again (OpenBLAS's `otcopy`/`oncopy`), which a training profile showed at 18% of
/// the time with 4 blocks; 2 blocks match the 2-core machines this is tuned for.
enum GEMMBlocks {
  static let count = 2
}
