import COpenBLAS

/// Row-major single-precision GEMM: `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of shape `[m, k]` and
/// `op(B)` of shape `[k, n]`; leading dimensions are row strides.
@inline(__always)
func sgemm(
  transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if m == 0 || n == 0 { return }
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
