// The blocked driver: cache blocking and packing as in GotoBLAS/BLIS (a kc x nc block of B packed once and reused
// by every row block; an mc x kc block of A packed per row block; the register kernel walks both), around the
// per-ISA kernels of x86.c and portable.c. None of it changes the order of operations on an element of C.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "cgemm.h"
#include "microkernel.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

// kc: depth of one packed block (a kc x 32 panel of B is 32 KiB); mc and nc: multiples of every kernel's mr and nr.
enum { KC = 256, MC = 192, NC = 2048 };

typedef struct {
  int trans;
  const float *data;
  ptrdiff_t ld;
} operand;

// Writes the 4x4 block at src (row stride ld) transposed to dst (row stride dst_ld). SSE is baseline x86-64.
static inline void transpose4(const float *src, ptrdiff_t ld, float *dst, ptrdiff_t dst_ld) {
#if defined(__x86_64__)
  __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + ld), r2 = _mm_loadu_ps(src + 2 * ld);
  __m128 r3 = _mm_loadu_ps(src + 3 * ld);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(dst, r0);
  _mm_storeu_ps(dst + dst_ld, r1);
  _mm_storeu_ps(dst + 2 * dst_ld, r2);
  _mm_storeu_ps(dst + 3 * dst_ld, r3);
#else
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) dst[j * dst_ld + i] = src[i * ld + j];
#endif
}

// dst[p * width + i] = src[i * ld + p] for i < count, p < depth: `count` strided vectors laid out interleaved,
// 4x4 blocks at a time. This is packing A when it is not transposed and B when it is.
static void interleave(const float *src, ptrdiff_t ld, ptrdiff_t count, ptrdiff_t depth, float *dst, int width) {
  ptrdiff_t i = 0;
  for (; i + 4 <= count; i += 4) {
    ptrdiff_t p = 0;
    for (; p + 4 <= depth; p += 4) transpose4(src + i * ld + p, ld, dst + p * width + i, width);
    for (; p < depth; p++)
      for (ptrdiff_t r = i; r < i + 4; r++) dst[p * width + r] = src[r * ld + p];
  }
  for (; i < count; i++)
    for (ptrdiff_t p = 0; p < depth; p++) dst[p * width + i] = src[i * ld + p];
}

// dst[p * width + i] = src[p * ld + i] for i < count, p < depth: rows already in the packed order.
// Full panels of the kernels' widths get a loop with the width fixed at compile time, which becomes a few vector
// moves per row; with the width a variable, the copy of a 12-float row was a loop with its own set-up, and packing
// a transposed A (the weight gradients) took 13% of a training step's samples.
static inline void copy_fixed_rows(const float *src, ptrdiff_t ld, ptrdiff_t depth, float *dst, int width) {
  for (ptrdiff_t p = 0; p < depth; p++) memcpy(dst + p * width, src + p * ld, (size_t)width * sizeof(float));
}
static void copy_rows(const float *src, ptrdiff_t ld, ptrdiff_t count, ptrdiff_t depth, float *dst, int width) {
  if (count == width) {
    switch (width) {
      case 6: copy_fixed_rows(src, ld, depth, dst, 6); return;
      case 12: copy_fixed_rows(src, ld, depth, dst, 12); return;
      case 16: copy_fixed_rows(src, ld, depth, dst, 16); return;
      case 32: copy_fixed_rows(src, ld, depth, dst, 32); return;
      default: break;
    }
  }
  for (ptrdiff_t p = 0; p < depth; p++)
    for (ptrdiff_t i = 0; i < count; i++) dst[p * width + i] = src[p * ld + i];
}

// Zeroes lanes [count, width) of each of `depth` packed rows: the padding of a partial panel.
static void pad_lanes(ptrdiff_t count, ptrdiff_t depth, float *dst, int width) {
  if (count == width) return;
  for (ptrdiff_t p = 0; p < depth; p++)
    for (ptrdiff_t i = count; i < width; i++) dst[p * width + i] = 0;
}

// Packs rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) as mr-row panels, zero-padded to whole panels.
static void pack_a(operand a, ptrdiff_t i0, ptrdiff_t mc, ptrdiff_t p0, ptrdiff_t kc, int mr, float *dst) {
  for (ptrdiff_t ir = 0; ir < mc; ir += mr, dst += mr * kc) {
    ptrdiff_t rows = mc - ir < mr ? mc - ir : mr;
    if (a.trans) {
      copy_rows(a.data + p0 * a.ld + i0 + ir, a.ld, rows, kc, dst, mr);
    } else {
      interleave(a.data + (i0 + ir) * a.ld + p0, a.ld, rows, kc, dst, mr);
    }
    pad_lanes(rows, kc, dst, mr);
  }
}

// Packs rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) as nr-column panels, zero-padded to whole panels.
static void pack_b(operand b, ptrdiff_t p0, ptrdiff_t kc, ptrdiff_t j0, ptrdiff_t nc, int nr, float *dst) {
  for (ptrdiff_t jr = 0; jr < nc; jr += nr, dst += nr * kc) {
    ptrdiff_t cols = nc - jr < nr ? nc - jr : nr;
    if (b.trans) {
      interleave(b.data + (j0 + jr) * b.ld + p0, b.ld, cols, kc, dst, nr);
    } else {
      copy_rows(b.data + p0 * b.ld + j0 + jr, b.ld, cols, kc, dst, nr);
    }
    pad_lanes(cols, kc, dst, nr);
  }
}

// Where a depth block's sums start: zero, C itself, or the bias row (the first block only; later ones add onto C).
typedef enum { START_ZERO, START_C, START_BIAS } sum_start;

// One mr x nr tile of C from either a packed A panel (a_stride 0) or A in place (a_stride = lda).
typedef struct {
  const float *a;
  ptrdiff_t a_stride;
  const float *bp;
  ptrdiff_t kc;
  sum_start start;
  const float *bias;  // the tile's first column of the bias row, with START_BIAS
} tile_inputs;

static void run_tile(cgemm_microkernel kernel, tile_inputs in, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                     ptrdiff_t cols) {
  // Kernels mask partial columns themselves; partial rows (only in the last row block) go through a scratch tile,
  // which also holds their starting values (the kernel reads and writes all mr rows).
  float scratch[CGEMM_MAX_MR * CGEMM_MAX_NR];
  int partial = rows < kernel.mr;
  float *tile = partial ? scratch : c;
  ptrdiff_t ld = partial ? kernel.nr : ldc;
  const float *c0 = in.start == START_C ? c : in.start == START_BIAS ? in.bias : NULL;
  ptrdiff_t ld0 = in.start == START_C ? ldc : 0;
  if (partial && c0) {
    for (ptrdiff_t i = 0; i < rows; i++) memcpy(scratch + i * kernel.nr, c0 + i * ld0, (size_t)cols * sizeof(float));
    c0 = scratch;
    ld0 = kernel.nr;
  }
  if (in.a_stride) {
    kernel.run_strided(in.kc, in.a, in.a_stride, in.bp, tile, ld, c0, ld0, (int)cols);
  } else {
    kernel.run(in.kc, in.a, in.bp, tile, ld, c0, ld0, (int)cols);
  }
  if (partial)
    for (ptrdiff_t i = 0; i < rows; i++) memcpy(c + i * ldc, scratch + i * kernel.nr, (size_t)cols * sizeof(float));
}

// Per-thread packing buffers, allocated on a thread's first product and freed when the thread ends.
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;
static void make_buffers_key(void) { pthread_key_create(&buffers_key, free); }

static float *packing_buffers(void) {
  pthread_once(&buffers_once, make_buffers_key);
  float *buffers = pthread_getspecific(buffers_key);
  if (!buffers) {
    buffers = aligned_alloc(64, (size_t)(MC * KC + KC * NC) * sizeof(float));
    if (!buffers) abort();  // 2.2 MB; the engine's tensors are far larger, so this does not fail first
    pthread_setspecific(buffers_key, buffers);
  }
  return buffers;
}

// A row-major A is read in place unless its rows are a multiple of 2 KiB apart: then the mr rows of a tile fall
// into a few L1 cache sets and evict each other, and a packed copy is faster.
static int reads_a_in_place(operand a) { return !a.trans && a.ld % 512 != 0; }

// Rows [ic, ic+mc) x columns [jc, jc+nc) of C over the depth block [pc, pc+kc), with B's block already packed.
static void run_row_block(cgemm_microkernel kernel, operand a, const float *packed_b, float *packed_a, ptrdiff_t ic,
                          ptrdiff_t mc, ptrdiff_t jc, ptrdiff_t nc, ptrdiff_t pc, ptrdiff_t kc, sum_start start,
                          const float *bias, float *c, ptrdiff_t ldc) {
  int in_place = reads_a_in_place(a);
  if (!in_place) pack_a(a, ic, mc, pc, kc, kernel.mr, packed_a);
  for (ptrdiff_t ir = 0; ir < mc; ir += kernel.mr) {
    ptrdiff_t rows = mc - ir < kernel.mr ? mc - ir : kernel.mr;
    tile_inputs in = {packed_a + ir * kc, 0, NULL, kc, start, NULL};
    if (in_place && rows == kernel.mr) {
      in.a = a.data + (ic + ir) * a.ld + pc;
      in.a_stride = a.ld;
    } else if (in_place) {
      pack_a(a, ic + ir, rows, pc, kc, kernel.mr, packed_a);
      in.a = packed_a;
    }
    for (ptrdiff_t jr = 0; jr < nc; jr += kernel.nr) {
      in.bp = packed_b + jr * kc;
      in.bias = start == START_BIAS ? bias + jc + jr : NULL;
      ptrdiff_t cols = nc - jr < kernel.nr ? nc - jr : kernel.nr;
      run_tile(kernel, in, c + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
    }
  }
}

static void run_blocked(cgemm_microkernel kernel, operand a, operand b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                        sum_start first, const float *bias, float *c, ptrdiff_t ldc) {
  float *packed_a = packing_buffers(), *packed_b = packed_a + MC * KC;
  // Equal depth blocks (576 = 3 x 192, not 256 + 256 + 64): a short last block would pay a full pass over C.
  ptrdiff_t blocks = (k + KC - 1) / KC, depth = (k + blocks - 1) / blocks;
  for (ptrdiff_t jc = 0; jc < n; jc += NC) {
    ptrdiff_t nc = n - jc < NC ? n - jc : NC;
    for (ptrdiff_t pc = 0; pc < k; pc += depth) {
      ptrdiff_t kc = k - pc < depth ? k - pc : depth;
      pack_b(b, pc, kc, jc, nc, kernel.nr, packed_b);
      for (ptrdiff_t ic = 0; ic < m; ic += MC) {
        ptrdiff_t mc = m - ic < MC ? m - ic : MC;
        run_row_block(kernel, a, packed_b, packed_a, ic, mc, jc, nc, pc, kc, pc > 0 ? START_C : first, bias, c, ldc);
      }
    }
  }
}

int cgemm_kernel_supported(cgemm_kernel kernel) {
  switch (kernel) {
    case CGEMM_KERNEL_PORTABLE:
      return 1;
#if defined(__x86_64__)
    case CGEMM_KERNEL_AVX2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CGEMM_KERNEL_AVX512:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f");
#endif
    default:
      return 0;
  }
}

const char *cgemm_kernel_name(cgemm_kernel kernel) {
  switch (kernel) {
    case CGEMM_KERNEL_AVX2: return "avx2";
    case CGEMM_KERNEL_AVX512: return "avx512";
    default: return "portable";
  }
}

static cgemm_kernel widest_supported(void) {
  if (cgemm_kernel_supported(CGEMM_KERNEL_AVX512)) return CGEMM_KERNEL_AVX512;
  if (cgemm_kernel_supported(CGEMM_KERNEL_AVX2)) return CGEMM_KERNEL_AVX2;
  return CGEMM_KERNEL_PORTABLE;
}

cgemm_kernel cgemm_default_kernel(void) {
  static _Atomic int chosen = -1;
  int kernel = atomic_load_explicit(&chosen, memory_order_relaxed);
  if (kernel >= 0) return (cgemm_kernel)kernel;
  kernel = widest_supported();
  const char *requested = getenv("VQCODEC_GEMM_KERNEL");
  for (int k = CGEMM_KERNEL_PORTABLE; requested && k <= CGEMM_KERNEL_AVX512; k++)
    if (strcmp(requested, cgemm_kernel_name((cgemm_kernel)k)) == 0 && cgemm_kernel_supported((cgemm_kernel)k))
      kernel = k;
  atomic_store_explicit(&chosen, kernel, memory_order_relaxed);
  return (cgemm_kernel)kernel;
}

static cgemm_microkernel microkernel_for(cgemm_kernel kernel) {
  switch (kernel) {
#if defined(__x86_64__)
    case CGEMM_KERNEL_AVX2: return cgemm_avx2_microkernel();
    case CGEMM_KERNEL_AVX512: return cgemm_avx512_microkernel();
#endif
    default: return cgemm_portable_microkernel();
  }
}

static void sgemm_from(cgemm_kernel kernel, int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                       const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, sum_start first,
                       const float *bias, float *c, ptrdiff_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (ptrdiff_t i = 0; i < m && first != START_C; i++) {
      if (first == START_BIAS) {
        memcpy(c + i * ldc, bias, (size_t)n * sizeof(float));
      } else {
        memset(c + i * ldc, 0, (size_t)n * sizeof(float));
      }
    }
    return;
  }
  operand op_a = {trans_a, a, lda}, op_b = {trans_b, b, ldb};
  run_blocked(microkernel_for(kernel), op_a, op_b, m, n, k, first, bias, c, ldc);
}

void cgemm_sgemm_with(cgemm_kernel kernel, int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, int accumulate, float *c,
                      ptrdiff_t ldc) {
  sgemm_from(kernel, trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate ? START_C : START_ZERO, NULL, c, ldc);
}

void cgemm_sgemm_bias_with(cgemm_kernel kernel, int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                           const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, const float *bias, float *c,
                           ptrdiff_t ldc) {
  sgemm_from(kernel, trans_a, trans_b, m, n, k, a, lda, b, ldb, START_BIAS, bias, c, ldc);
}

void cgemm_sgemm(int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, int accumulate, float *c, ptrdiff_t ldc) {
  cgemm_sgemm_with(cgemm_default_kernel(), trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate, c, ldc);
}

void cgemm_sgemm_bias(int trans_a, int trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                      const float *b, ptrdiff_t ldb, const float *bias, float *c, ptrdiff_t ldc) {
  cgemm_sgemm_bias_with(cgemm_default_kernel(), trans_a, trans_b, m, n, k, a, lda, b, ldb, bias, c, ldc);
}
