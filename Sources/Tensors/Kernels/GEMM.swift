import CEngine
import Dispatch

/// Row-major single-precision GEMM: `C = op(A) · op(B)`, or `C += op(A) · op(B)` with `accumulate`, or
/// `C = bias + op(A) · op(B)` with a `bias` row `[n]` (bit for bit `accumulate` onto bias rows, without writing them
/// first); `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, leading dimensions are row strides.
///
/// The kernels are the engine's own (`Sources/CEngine`): every element of `C` is one fused multiply-add chain over
/// `k` in ascending order, whichever kernel the CPU runs and however the product is split. So the engine splits the
/// larger of `m` and `n` into one block per thread (unless `threaded` is false: a caller that is itself one of
/// the parallel tasks), and results are bit-identical for every thread count and on every machine.
@inline(__always)
func sgemm(
  transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  accumulate: Bool, bias: UnsafePointer<Float>? = nil, c: UnsafeMutablePointer<Float>, ldc: Int,
  threaded: Bool = true
) {
  precondition(bias == nil || !accumulate, "sgemm: a bias starts the sums, accumulate continues them")
  if m == 0 || n == 0 { return }
  if !threaded {
    cgemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, accumulate, bias, c, ldc)
    return
  }
  let splitRows = m >= n
  let extent = splitRows ? m : n
  let granule = splitRows ? GEMMBlocks.rowGranule : GEMMBlocks.columnGranule
  let blocks = m * n * k >= 1 << 18 ? min(ComputeThreads.count, extent / granule) : 1
  func block(_ index: Int) {
    let start = GEMMBlocks.boundary(index, of: blocks, extent: extent, granule: granule)
    let end = GEMMBlocks.boundary(index + 1, of: blocks, extent: extent, granule: granule)
    if end <= start { return }
    if splitRows {
      let aBlock = transposeA ? a + start : a + start * lda
      cgemm(transposeA, transposeB, end - start, n, k, aBlock, lda, b, ldb, accumulate, bias, c + start * ldc, ldc)
    } else {
      let bBlock = transposeB ? b + start * ldb : b + start
      cgemm(
        transposeA, transposeB, m, end - start, k, a, lda, bBlock, ldb, accumulate, bias.map { $0 + start },
        c + start, ldc)
    }
  }
  if blocks <= 1 {
    block(0)
  } else {
    concurrentPerform(blocks, block)
  }
}

@inline(__always)
private func cgemm(
  _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
  _ b: UnsafePointer<Float>, _ ldb: Int, _ accumulate: Bool, _ bias: UnsafePointer<Float>?,
  _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
  if let bias {
    cgemm_sgemm_bias(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, bias, c, ldc)
  } else {
    cgemm_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc)
  }
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
          accumulate: accumulate, c: c.baseAddress!, ldc: n)
      }
    }
  }
}

/// A buffer the caller overwrites completely (a GEMM without `accumulate`, a bias broadcast): skipping the zero
/// fill saves a pass over memory.
@inline(__always)
func uninitializedFloats(_ count: Int) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// `count` zeros, written by every thread: gradient buffers and accumulators are megabytes each, and one core's
/// memset of them was 3% of a training step's samples, with the other core idle.
func zeroedFloats(_ count: Int) -> [Float] {
  var zeros = uninitializedFloats(count)
  zeros.withUnsafeMutableBufferPointer { z in
    guard let base = z.baseAddress else { return }
    parallelFor(count, minimumPerChunk: elementwiseChunk) { start, end in
      (base + start).update(repeating: 0, count: end - start)
    }
  }
  return zeros
}

/// Where a GEMM is cut between threads: at multiples of every kernel's register tile (rows 12, 6, 4; columns 32,
/// 16, 8), so no thread computes a partial tile the whole product would not. Only speed depends on the cut.
enum GEMMBlocks {
  static let rowGranule = 12
  static let columnGranule = 32

  static func boundary(_ index: Int, of blocks: Int, extent: Int, granule: Int) -> Int {
    if index >= blocks { return extent }
    return (extent / granule) * index / blocks * granule
  }
}

/// Which matrix-product kernel this process runs, for `bench` and diagnostics.
public enum MatrixKernel {
  /// `avx512`, `avx2` or `portable`.
  public static var name: String { String(cString: cgemm_kernel_name(cgemm_default_kernel())) }
}
