// The portable kernel: scalar fmaf, the reference the vector kernels equal bit for bit.
#include <math.h>
#include "microkernel.h"

#pragma clang fp contract(off)

enum { MR = 4, NR = 8 };

// A[i, p] is ap[i * row_stride + p * step]: a packed panel (1, MR) or a row-major matrix in place (lda, 1).
static void portable_tile(ptrdiff_t kc, const float *ap, ptrdiff_t row_stride, ptrdiff_t step, const float *bp,
                          float *c, ptrdiff_t ldc, const float *c0, ptrdiff_t ld0, int cols) {
  float acc[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) acc[i][j] = c0 && j < cols ? c0[i * ld0 + j] : 0.0f;
  for (ptrdiff_t p = 0; p < kc; p++, ap += step, bp += NR)
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] = fmaf(ap[i * row_stride], bp[j], acc[i][j]);
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < cols; j++) c[i * ldc + j] = acc[i][j];
}

static void portable_kernel(ptrdiff_t kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc, const float *c0,
                            ptrdiff_t ld0, int cols) {
  portable_tile(kc, ap, 1, MR, bp, c, ldc, c0, ld0, cols);
}

static void portable_strided_kernel(ptrdiff_t kc, const float *a, ptrdiff_t lda, const float *bp, float *c,
                                    ptrdiff_t ldc, const float *c0, ptrdiff_t ld0, int cols) {
  portable_tile(kc, a, lda, 1, bp, c, ldc, c0, ld0, cols);
}

cgemm_microkernel cgemm_portable_microkernel(void) {
  return (cgemm_microkernel){MR, NR, portable_kernel, portable_strided_kernel};
}
