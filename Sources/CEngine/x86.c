// AVX2 and AVX-512 register kernels. Compiled for those instruction sets function by function (the rest of the
// program stays baseline x86-64) and chosen at run time by cgemm.c from what the CPU reports.
#if defined(__x86_64__)
#include <immintrin.h>
#include "microkernel.h"

#pragma clang fp contract(off)

// 6 rows x 16 columns: 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
enum { AVX2_MR = 6, AVX2_NR = 16 };

// A[i, p] is ap[i * row_stride + p * step]: a packed panel (1, mr) or a row-major matrix in place (lda, 1).
__attribute__((target("avx2,fma"), always_inline)) static inline void avx2_tile(
    ptrdiff_t kc, const float *ap, ptrdiff_t row_stride, ptrdiff_t step, const float *bp, float *c, ptrdiff_t ldc,
    const float *c0, ptrdiff_t ld0, int cols) {
  // Lane j of half h is live when 8h + j < cols.
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i live0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lanes);
  const __m256i live1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8), lanes);
  __m256 acc[AVX2_MR][2];
#pragma clang loop unroll(full)
  for (int i = 0; i < AVX2_MR; i++) {
    acc[i][0] = c0 ? _mm256_maskload_ps(c0 + i * ld0, live0) : _mm256_setzero_ps();
    acc[i][1] = c0 ? _mm256_maskload_ps(c0 + i * ld0 + 8, live1) : _mm256_setzero_ps();
  }
  for (ptrdiff_t p = 0; p < kc; p++, ap += step, bp += AVX2_NR) {
    __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
#pragma clang loop unroll(full)
    for (int i = 0; i < AVX2_MR; i++) {
      __m256 a = _mm256_broadcast_ss(ap + i * row_stride);
      acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < AVX2_MR; i++) {
    _mm256_maskstore_ps(c + i * ldc, live0, acc[i][0]);
    _mm256_maskstore_ps(c + i * ldc + 8, live1, acc[i][1]);
  }
}

__attribute__((target("avx2,fma"))) static void avx2_kernel(ptrdiff_t kc, const float *ap, const float *bp, float *c,
                                                            ptrdiff_t ldc, const float *c0, ptrdiff_t ld0, int cols) {
  avx2_tile(kc, ap, 1, AVX2_MR, bp, c, ldc, c0, ld0, cols);
}

__attribute__((target("avx2,fma"))) static void avx2_strided_kernel(ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                                                    const float *bp, float *c, ptrdiff_t ldc,
                                                                    const float *c0, ptrdiff_t ld0, int cols) {
  avx2_tile(kc, a, lda, 1, bp, c, ldc, c0, ld0, cols);
}

// 12 rows x 32 columns: 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers.
enum { AVX512_MR = 12, AVX512_NR = 32 };

__attribute__((target("avx512f"), always_inline)) static inline void avx512_tile(
    ptrdiff_t kc, const float *ap, ptrdiff_t row_stride, ptrdiff_t step, const float *bp, float *c, ptrdiff_t ldc,
    const float *c0, ptrdiff_t ld0, int cols) {
  const __mmask16 live0 = cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1);
  const __mmask16 live1 = cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
  __m512 acc[AVX512_MR][2];
#pragma clang loop unroll(full)
  for (int i = 0; i < AVX512_MR; i++) {
    acc[i][0] = c0 ? _mm512_maskz_loadu_ps(live0, c0 + i * ld0) : _mm512_setzero_ps();
    acc[i][1] = c0 ? _mm512_maskz_loadu_ps(live1, c0 + i * ld0 + 16) : _mm512_setzero_ps();
  }
  for (ptrdiff_t p = 0; p < kc; p++, ap += step, bp += AVX512_NR) {
    __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
#pragma clang loop unroll(full)
    for (int i = 0; i < AVX512_MR; i++) {
      __m512 a = _mm512_set1_ps(ap[i * row_stride]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < AVX512_MR; i++) {
    _mm512_mask_storeu_ps(c + i * ldc, live0, acc[i][0]);
    _mm512_mask_storeu_ps(c + i * ldc + 16, live1, acc[i][1]);
  }
}

__attribute__((target("avx512f"))) static void avx512_kernel(ptrdiff_t kc, const float *ap, const float *bp,
                                                             float *c, ptrdiff_t ldc, const float *c0, ptrdiff_t ld0, int cols) {
  avx512_tile(kc, ap, 1, AVX512_MR, bp, c, ldc, c0, ld0, cols);
}

__attribute__((target("avx512f"))) static void avx512_strided_kernel(ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                                                     const float *bp, float *c, ptrdiff_t ldc,
                                                                     const float *c0, ptrdiff_t ld0, int cols) {
  avx512_tile(kc, a, lda, 1, bp, c, ldc, c0, ld0, cols);
}

cgemm_microkernel cgemm_avx2_microkernel(void) {
  return (cgemm_microkernel){AVX2_MR, AVX2_NR, avx2_kernel, avx2_strided_kernel};
}
cgemm_microkernel cgemm_avx512_microkernel(void) {
  return (cgemm_microkernel){AVX512_MR, AVX512_NR, avx512_kernel, avx512_strided_kernel};
}
#endif
