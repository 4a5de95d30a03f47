import CEngine
import Tensors
import Testing

/// The matrix-product kernels promise one fused multiply-add chain per element of C, in ascending k, whatever the
/// kernel, tile, cache block or edge. So each kernel this CPU runs must equal, bit for bit, the same chain written
/// out in Swift (`addingProduct` is a fused multiply-add), on every machine.
@Suite struct GEMMTests {
  struct Case: CustomStringConvertible {
    let m, n, k: Int
    var description: String { "\(m)x\(n)x\(k)" }
  }

  /// Odd sizes for the edge tiles; k above one depth block (256), m above one row block (192), n above one column
  /// block (2048); k = 512 packs a row-major A that other sizes read in place.
  static let cases = [
    Case(m: 1, n: 1, k: 1), Case(m: 7, n: 5, k: 3), Case(m: 13, n: 33, k: 17), Case(m: 25, n: 70, k: 300),
    Case(m: 200, n: 40, k: 9), Case(m: 3, n: 2100, k: 2), Case(m: 26, n: 20, k: 512),
  ]

  static var kernels: [cgemm_kernel] {
    [CGEMM_KERNEL_PORTABLE, CGEMM_KERNEL_AVX2, CGEMM_KERNEL_AVX512].filter { cgemm_kernel_supported($0) != 0 }
  }

  /// `op(A)[i, p] · op(B)[p, j]` chained in ascending p, starting from `C` or 0.
  static func reference(
    _ a: [Float], _ b: [Float], _ c: [Float], _ s: Case, transposeA: Bool, transposeB: Bool, accumulate: Bool
  ) -> [Float] {
    var out = c
    for i in 0..<s.m {
      for j in 0..<s.n {
        var acc: Float = accumulate ? c[i * s.n + j] : 0
        for p in 0..<s.k {
          let x = transposeA ? a[p * s.m + i] : a[i * s.k + p]
          let y = transposeB ? b[j * s.k + p] : b[p * s.n + j]
          acc = acc.addingProduct(x, y)
        }
        out[i * s.n + j] = acc
      }
    }
    return out
  }

  static func random(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
  }

  @Test(arguments: cases)
  func everyKernelEqualsTheFusedChainBitForBit(_ s: Case) {
    let a = Self.random(s.m * s.k, seed: 1)
    let b = Self.random(s.k * s.n, seed: 2)
    let c0 = Self.random(s.m * s.n, seed: 3)
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        for accumulate in [false, true] {
          let expected = Self.reference(
            a, b, c0, s, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate)
          for kernel in Self.kernels {
            var c = c0
            cgemm_sgemm_with(
              kernel, transposeA ? 1 : 0, transposeB ? 1 : 0, s.m, s.n, s.k, a, transposeA ? s.m : s.k, b,
              transposeB ? s.k : s.n, accumulate ? 1 : 0, &c, s.n)
            let mismatches = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(
              mismatches == 0,
              "\(String(cString: cgemm_kernel_name(kernel))) \(s) tA \(transposeA) tB \(transposeB) acc \(accumulate)")
          }
        }
      }
    }
  }

  /// Sums that start from a bias row equal, bit for bit, accumulating onto C filled with that row.
  @Test(arguments: cases)
  func everyKernelStartsFromTheBiasAsFromBiasRows(_ s: Case) {
    let a = Self.random(s.m * s.k, seed: 4)
    let b = Self.random(s.k * s.n, seed: 5)
    let bias = Self.random(s.n, seed: 6)
    let rows = (0..<s.m).flatMap { _ in bias }
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let expected = Self.reference(a, b, rows, s, transposeA: transposeA, transposeB: transposeB, accumulate: true)
        for kernel in Self.kernels {
          var c = [Float](repeating: .nan, count: s.m * s.n)
          cgemm_sgemm_bias_with(
            kernel, transposeA ? 1 : 0, transposeB ? 1 : 0, s.m, s.n, s.k, a, transposeA ? s.m : s.k, b,
            transposeB ? s.k : s.n, bias, &c, s.n)
          let mismatches = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
          #expect(
            mismatches == 0, "\(String(cString: cgemm_kernel_name(kernel))) \(s) tA \(transposeA) tB \(transposeB)")
        }
      }
    }
    var empty = [Float](repeating: .nan, count: 2 * s.n)
    cgemm_sgemm_bias(0, 0, 2, s.n, 0, [], 0, [], s.n, bias, &empty, s.n)
    #expect(empty == bias + bias)
  }

  @Test func emptyDepthZeroesOrKeepsTheOutput() {
    var c: [Float] = [1, 2, 3, 4]
    cgemm_sgemm(0, 0, 2, 2, 0, [], 0, [], 2, 1, &c, 2)
    #expect(c == [1, 2, 3, 4])
    cgemm_sgemm(0, 0, 2, 2, 0, [], 0, [], 2, 0, &c, 2)
    #expect(c == [0, 0, 0, 0])
  }

  @Test func theDefaultKernelIsSupportedAndNamed() {
    #expect(cgemm_kernel_supported(cgemm_default_kernel()) != 0)
    #expect(["portable", "avx2", "avx512"].contains(MatrixKernel.name))
  }
}
