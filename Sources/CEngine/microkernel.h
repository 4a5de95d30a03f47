#pragma once
// The contract between the blocked driver (cgemm.c) and the per-ISA register kernels.
#include <stddef.h>

/// Computes one tile of mr rows and the first `cols` (1...nr) columns: C = C0 + Ap·Bp over kc steps, where Ap holds
/// kc columns of mr floats (Ap[p*mr + i]) and Bp kc rows of nr floats (Bp[p*nr + j], zero-padded past `cols`).
/// C0 is zero when c0 is NULL, else row i of it is c0 + i*ld0: C itself (ld0 = ldc) to accumulate, or one bias
/// row for every row (ld0 = 0). Columns past `cols` are neither read nor written (masked). Each element of C is one
/// fused multiply-add chain in ascending p starting from C0, the order every kernel must keep.
typedef void (*cgemm_microkernel_fn)(ptrdiff_t kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc,
                                     const float *c0, ptrdiff_t ld0, int cols);

/// The same tile with A read in place from a row-major matrix (A[i*lda + p]) instead of a packed panel: packing
/// an activation matrix that is used once per column panel costs more than the strided broadcasts.
typedef void (*cgemm_strided_microkernel_fn)(ptrdiff_t kc, const float *a, ptrdiff_t lda, const float *bp, float *c,
                                             ptrdiff_t ldc, const float *c0, ptrdiff_t ld0, int cols);

typedef struct {
  int mr, nr;
  cgemm_microkernel_fn run;
  cgemm_strided_microkernel_fn run_strided;
} cgemm_microkernel;

enum { CGEMM_MAX_MR = 12, CGEMM_MAX_NR = 32 };

cgemm_microkernel cgemm_portable_microkernel(void);
#if defined(__x86_64__)
cgemm_microkernel cgemm_avx2_microkernel(void);
cgemm_microkernel cgemm_avx512_microkernel(void);
#endif
