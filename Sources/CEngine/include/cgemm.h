#pragma once
// The engine's single-precision matrix product, with kernels of our own instead of a BLAS.
//
// Why not OpenBLAS or oneDNN: every BLAS picks its kernel by CPU model and each kernel sums in its own order, so the
// same model decodes to different pixels on different machines, and a CPU the library does not recognise falls back
// to a slow generic kernel. Here every element of C is ONE fused multiply-add chain over k in ascending order,
//   c = fma(a[i,k-1], b[k-1,j], ... fma(a[i,1], b[1,j], fma(a[i,0], b[0,j], c0)) ...)
// with c0 = 0 or the old C. Vector width, tiling, cache blocking and how the caller splits the product across threads
// change only which elements are computed together, never the operations on one element; so every kernel below gives
// bit-identical results on every machine (Docs/ARCHITECTURE.md, "Matrix products").
#include <stddef.h>

typedef enum {
  CGEMM_KERNEL_PORTABLE = 0,  // scalar fmaf: any CPU; the reference the vector kernels must equal bit for bit
  CGEMM_KERNEL_AVX2 = 1,      // x86-64 with AVX2 and FMA: 6x16 register tile
  CGEMM_KERNEL_AVX512 = 2,    // x86-64 with AVX-512F: 12x32 register tile
} cgemm_kernel;

/// C[m,n] = op(A)·op(B), or C += op(A)·op(B) when accumulate is non-zero. op(A) is [m,k]: A is [m,k] with row
/// stride lda, or [k,m] when trans_a. op(B) is [k,n]: B is [k,n] with row stride ldb, or [n,k] when trans_b.
/// Single-threaded; runs the fastest kernel this CPU supports (see cgemm_default_kernel).
void cgemm_sgemm(int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, int accumulate, float *c, ptrdiff_t ldc);

/// The same product with a chosen kernel, which must be supported (cgemm_kernel_supported); for tests and benches.
void cgemm_sgemm_with(cgemm_kernel kernel, int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, int accumulate, float *c,
                      ptrdiff_t ldc);

/// C[m,n] = bias + op(A)·op(B), the row vector bias[n] added to every row: the sums start from the bias, so this is
/// bit for bit a GEMM accumulating onto C filled with bias rows, without writing and reading those rows first.
void cgemm_sgemm_bias(int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                      const float *b, ptrdiff_t ldb, const float *bias, float *c, ptrdiff_t ldc);

/// The same with a chosen kernel, which must be supported; for tests and benches.
void cgemm_sgemm_bias_with(cgemm_kernel kernel, int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                           const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, const float *bias, float *c,
                           ptrdiff_t ldc);

/// Whether this CPU (and its operating system) runs the kernel.
int cgemm_kernel_supported(cgemm_kernel kernel);

/// The kernel cgemm_sgemm uses: the widest supported one, unless the environment variable VQCODEC_GEMM_KERNEL names
/// a supported one (portable, avx2, avx512), which exists to measure the others.
cgemm_kernel cgemm_default_kernel(void);

/// "portable", "avx2" or "avx512".
const char *cgemm_kernel_name(cgemm_kernel kernel);
