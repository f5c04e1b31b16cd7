// Built-in cache-blocked SGEMM (fallback when no BLAS library is available).
//
// Structure (Goto/BLIS style):
//   for jc in N step NC            (B block, lives in L3)
//     for pc in K step KC          (pack B[kc x nc] into NR-wide micro-panels)
//       for ic in M step MC        (pack A[mc x kc] into MR-tall micro-panels, L2)
//         for jr in nc step NR     (one B micro-panel, L1)
//           for ir in mc step MR   micro-kernel: MR x NR register tile
//
// Parallelism: C is split into a small 2-D grid of independent sub-problems
// (one per thread, split along the dimension that minimises redundant
// packing), each solved by the serial blocked driver with thread-local,
// grow-only packing buffers.
//
// The micro-kernel is written once as a template over a tiny vector
// abstraction with three back ends chosen at compile time:
//   AVX-512F          : 12 x 32 tile (24 zmm accumulators)
//   AVX2 + FMA        :  6 x 16 tile (12 ymm accumulators)
//   portable fallback : GCC/Clang vector extensions (16-byte vectors), or
//                       plain scalars on other compilers.

#include "gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <thread>

#ifndef BIGS_GEMM_STANDALONE
#include "native.h"  // bigs::parallel_for
#else
// Standalone developer build (test/gemm_check.cc supplies the definition);
// same declaration as in native.h.
namespace bigs {
void parallel_for(int64_t n, int64_t grain,
                  const std::function<void(int64_t begin, int64_t end)>& fn);
}
#endif

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define BIGS_RESTRICT __restrict__
#define BIGS_INLINE inline __attribute__((always_inline))
#define BIGS_PRAGMA(x) _Pragma(#x)
#define BIGS_UNROLL(n) BIGS_PRAGMA(GCC unroll n)
#else
#define BIGS_RESTRICT
#define BIGS_INLINE inline
#define BIGS_UNROLL(n)
#endif

namespace bigs {
namespace {

// ---------------------------------------------------------------------------
// Vector abstraction + tile shape per ISA.
// ---------------------------------------------------------------------------
#if defined(__AVX512F__)

typedef __m512 vf;
constexpr int kW = 16;   // floats per vector
constexpr int kMR = 12;  // rows of the register tile
constexpr int kNV = 2;   // vectors per tile row (NR = kNV * kW = 32)
BIGS_INLINE vf v_zero() { return _mm512_setzero_ps(); }
BIGS_INLINE vf v_load(const float* p) { return _mm512_loadu_ps(p); }
BIGS_INLINE void v_store(float* p, vf x) { _mm512_storeu_ps(p, x); }
BIGS_INLINE vf v_set1(float x) { return _mm512_set1_ps(x); }
BIGS_INLINE vf v_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
BIGS_INLINE vf v_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }

#elif defined(__AVX2__) && defined(__FMA__)

typedef __m256 vf;
constexpr int kW = 8;
constexpr int kMR = 6;
constexpr int kNV = 2;  // NR = 16
BIGS_INLINE vf v_zero() { return _mm256_setzero_ps(); }
BIGS_INLINE vf v_load(const float* p) { return _mm256_loadu_ps(p); }
BIGS_INLINE void v_store(float* p, vf x) { _mm256_storeu_ps(p, x); }
BIGS_INLINE vf v_set1(float x) { return _mm256_set1_ps(x); }
BIGS_INLINE vf v_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
BIGS_INLINE vf v_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }

#elif defined(__GNUC__) || defined(__clang__)

// 16-byte generic vectors: SSE on baseline x86-64, NEON on aarch64, scalarised
// elsewhere by the compiler.
typedef float vf __attribute__((vector_size(16)));
constexpr int kW = 4;
#if defined(__aarch64__)
constexpr int kMR = 8;  // 32 vector registers: 16 accumulators
#else
constexpr int kMR = 4;  // 16 vector registers: 8 accumulators
#endif
constexpr int kNV = 2;  // NR = 8
BIGS_INLINE vf v_zero() { return vf{0.f, 0.f, 0.f, 0.f}; }
BIGS_INLINE vf v_load(const float* p) {
  vf x;
  std::memcpy(&x, p, sizeof(x));
  return x;
}
BIGS_INLINE void v_store(float* p, vf x) { std::memcpy(p, &x, sizeof(x)); }
BIGS_INLINE vf v_set1(float x) { return vf{x, x, x, x}; }
BIGS_INLINE vf v_fma(vf a, vf b, vf c) { return a * b + c; }
BIGS_INLINE vf v_mul(vf a, vf b) { return a * b; }

#else

typedef float vf;
constexpr int kW = 1;
constexpr int kMR = 4;
constexpr int kNV = 4;
inline vf v_zero() { return 0.f; }
inline vf v_load(const float* p) { return *p; }
inline void v_store(float* p, vf x) { *p = x; }
inline vf v_set1(float x) { return x; }
inline vf v_fma(vf a, vf b, vf c) { return a * b + c; }
inline vf v_mul(vf a, vf b) { return a * b; }

#endif

constexpr int kNR = kNV * kW;

// Cache blocking. KC * NR * 4 bytes of B micro-panel stay in L1 (16 KiB for
// AVX2, 32 KiB for AVX-512); MC * KC * 4 bytes of packed A stay in L2
// (~144 KiB); KC * NC * 4 bytes of packed B live in L2/L3 (2 MiB).
#ifndef BIGS_GEMM_KC
#define BIGS_GEMM_KC 256
#endif
#ifndef BIGS_GEMM_MC
#define BIGS_GEMM_MC 144
#endif
#ifndef BIGS_GEMM_NC
#define BIGS_GEMM_NC 2048
#endif
constexpr int kKC = BIGS_GEMM_KC;
constexpr int kMC = kMR * (BIGS_GEMM_MC / kMR);
constexpr int kNC = kNR * (BIGS_GEMM_NC / kNR);
#ifndef BIGS_GEMM_SMALLB
#define BIGS_GEMM_SMALLB 65536
#endif
constexpr int kL2SmallB = BIGS_GEMM_SMALLB;  // floats of packed B when M is small

// ---------------------------------------------------------------------------
// Micro-kernel: c[0:MR, 0:NR] = alpha * sum_k a[k][:] (x) b[k][:] + beta * c.
// `a` is a packed A panel (kc rows of AS floats, the first MR used), `b` an
// NR-wide packed panel (kc x NR). beta == 0 never reads c.
// ---------------------------------------------------------------------------
template <int MR, int NV, int AS = MR>
BIGS_INLINE void micro_kernel(int kc, const float* BIGS_RESTRICT a,
                              const float* BIGS_RESTRICT b,
                              float* BIGS_RESTRICT c, std::ptrdiff_t ldc,
                              float alpha, float beta) {
  vf acc[MR][NV];
  BIGS_UNROLL(16)
  for (int i = 0; i < MR; ++i) {
    BIGS_UNROLL(4)
    for (int v = 0; v < NV; ++v) acc[i][v] = v_zero();
  }

  BIGS_UNROLL(2)
  for (int k = 0; k < kc; ++k) {
    vf bv[NV];
    BIGS_UNROLL(4)
    for (int v = 0; v < NV; ++v) bv[v] = v_load(b + v * kW);
    BIGS_UNROLL(16)
    for (int i = 0; i < MR; ++i) {
      const vf av = v_set1(a[i]);
      BIGS_UNROLL(4)
      for (int v = 0; v < NV; ++v) acc[i][v] = v_fma(av, bv[v], acc[i][v]);
    }
    a += AS;
    b += NV * kW;
  }

  const vf va = v_set1(alpha);
  if (beta == 0.f) {
    BIGS_UNROLL(16)
    for (int i = 0; i < MR; ++i) {
      BIGS_UNROLL(4)
      for (int v = 0; v < NV; ++v)
        v_store(c + i * ldc + v * kW, v_mul(va, acc[i][v]));
    }
  } else if (beta == 1.f) {
    BIGS_UNROLL(16)
    for (int i = 0; i < MR; ++i) {
      BIGS_UNROLL(4)
      for (int v = 0; v < NV; ++v) {
        float* p = c + i * ldc + v * kW;
        v_store(p, v_fma(va, acc[i][v], v_load(p)));
      }
    }
  } else {
    const vf vb = v_set1(beta);
    BIGS_UNROLL(16)
    for (int i = 0; i < MR; ++i) {
      BIGS_UNROLL(4)
      for (int v = 0; v < NV; ++v) {
        float* p = c + i * ldc + v * kW;
        v_store(p, v_fma(va, acc[i][v], v_mul(vb, v_load(p))));
      }
    }
  }
}

// Full-width tile with mr (1..kMR) valid rows, written straight to C.
template <int R>
BIGS_INLINE void rows_kernel(int mr, int kc, const float* a, const float* b,
                             float* c, std::ptrdiff_t ldc, float alpha,
                             float beta) {
  if constexpr (R >= 1) {
    if (mr == R) {
      micro_kernel<R, kNV, kMR>(kc, a, b, c, ldc, alpha, beta);
      return;
    }
    rows_kernel<R - 1>(mr, kc, a, b, c, ldc, alpha, beta);
  }
}

// ---------------------------------------------------------------------------
// Packing.
// ---------------------------------------------------------------------------

// Packs op(A)[0:mc, 0:kc] into ceil(mc/MR) panels of kc x MR (zero padded).
// `A` points at op(A)(0, 0) of the block.
void pack_A(bool transA, const float* BIGS_RESTRICT A, std::ptrdiff_t lda,
            int mc, int kc, float* BIGS_RESTRICT dst) {
  for (int i = 0; i < mc; i += kMR) {
    const int mr = std::min(kMR, mc - i);
    if (!transA) {
      // op(A)(i + ii, p) = A[(i + ii) * lda + p]: rows contiguous in p.
      const float* src = A + i * lda;
      if (mr == kMR) {
        for (int p = 0; p < kc; ++p) {
          BIGS_UNROLL(16)
          for (int ii = 0; ii < kMR; ++ii) dst[p * kMR + ii] = src[ii * lda + p];
        }
      } else {
        for (int p = 0; p < kc; ++p) {
          int ii = 0;
          for (; ii < mr; ++ii) dst[p * kMR + ii] = src[ii * lda + p];
          for (; ii < kMR; ++ii) dst[p * kMR + ii] = 0.f;
        }
      }
    } else {
      // op(A)(i + ii, p) = A[p * lda + i + ii]: contiguous in ii.
      const float* src = A + i;
      if (mr == kMR) {
        for (int p = 0; p < kc; ++p) {
          BIGS_UNROLL(16)
          for (int ii = 0; ii < kMR; ++ii) dst[p * kMR + ii] = src[p * lda + ii];
        }
      } else {
        for (int p = 0; p < kc; ++p) {
          int ii = 0;
          for (; ii < mr; ++ii) dst[p * kMR + ii] = src[p * lda + ii];
          for (; ii < kMR; ++ii) dst[p * kMR + ii] = 0.f;
        }
      }
    }
    dst += kMR * kc;
  }
}

#if defined(__AVX2__) || defined(__AVX512F__)
// 8x8 transpose of rows src[r * lds + 0..7] into dst[c * ldd + 0..7].
BIGS_INLINE void transpose8x8(const float* src, std::ptrdiff_t lds, float* dst,
                              std::ptrdiff_t ldd) {
  __m256 r0 = _mm256_loadu_ps(src + 0 * lds);
  __m256 r1 = _mm256_loadu_ps(src + 1 * lds);
  __m256 r2 = _mm256_loadu_ps(src + 2 * lds);
  __m256 r3 = _mm256_loadu_ps(src + 3 * lds);
  __m256 r4 = _mm256_loadu_ps(src + 4 * lds);
  __m256 r5 = _mm256_loadu_ps(src + 5 * lds);
  __m256 r6 = _mm256_loadu_ps(src + 6 * lds);
  __m256 r7 = _mm256_loadu_ps(src + 7 * lds);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1);
  __m256 t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3);
  __m256 t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5);
  __m256 t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7);
  __m256 t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44);
  __m256 s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44);
  __m256 s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44);
  __m256 s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44);
  __m256 s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst + 0 * ldd, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + 1 * ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}
#define BIGS_HAVE_TRANSPOSE8 1
#endif

// Packs op(B)[0:kc, 0:nc] into ceil(nc/NR) panels of kc x NR (zero padded).
// `B` points at op(B)(0, 0) of the block.
void pack_B(bool transB, const float* BIGS_RESTRICT B, std::ptrdiff_t ldb,
            int kc, int nc, float* BIGS_RESTRICT dst) {
  for (int j = 0; j < nc; j += kNR) {
    const int nr = std::min(kNR, nc - j);
    if (!transB) {
      // op(B)(p, j + jj) = B[p * ldb + j + jj]: contiguous in jj.
      const float* src = B + j;
      if (nr == kNR) {
        for (int p = 0; p < kc; ++p) {
          BIGS_UNROLL(4)
          for (int v = 0; v < kNV; ++v)
            v_store(dst + p * kNR + v * kW, v_load(src + p * ldb + v * kW));
        }
      } else {
        for (int p = 0; p < kc; ++p) {
          int jj = 0;
          for (; jj < nr; ++jj) dst[p * kNR + jj] = src[p * ldb + jj];
          for (; jj < kNR; ++jj) dst[p * kNR + jj] = 0.f;
        }
      }
    } else {
      // op(B)(p, j + jj) = B[(j + jj) * ldb + p]: rows of B contiguous in p.
      const float* src = B + j * ldb;
      int p = 0;
#if defined(BIGS_HAVE_TRANSPOSE8)
      if (nr == kNR) {
        for (; p + 8 <= kc; p += 8) {
          for (int jj = 0; jj < kNR; jj += 8)
            transpose8x8(src + jj * ldb + p, ldb, dst + p * kNR + jj, kNR);
        }
      }
#endif
      for (; p < kc; ++p) {
        int jj = 0;
        for (; jj < nr; ++jj) dst[p * kNR + jj] = src[jj * ldb + p];
        for (; jj < kNR; ++jj) dst[p * kNR + jj] = 0.f;
      }
    }
    dst += kNR * kc;
  }
}

// ---------------------------------------------------------------------------
// Thread-local, grow-only, 64-byte aligned packing buffers.
// ---------------------------------------------------------------------------
struct PackBuffer {
  float* data = nullptr;
  std::size_t cap = 0;  // in floats
  ~PackBuffer() { std::free(data); }
  float* get(std::size_t n) {
    if (n > cap) {
      std::free(data);
      data = nullptr;
      cap = 0;
      std::size_t bytes = ((n * sizeof(float)) + 63) & ~std::size_t(63);
      void* p = std::aligned_alloc(64, bytes);
      if (!p) throw std::bad_alloc();
      data = static_cast<float*>(p);
      cap = n;
    }
    return data;
  }
};

struct ThreadBuffers {
  PackBuffer a, b;
};

ThreadBuffers& thread_buffers() {
  static thread_local ThreadBuffers bufs;
  return bufs;
}

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }
inline int round_up(int a, int b) { return ceil_div(a, b) * b; }

// C = beta * C for an m x n block (beta == 0 writes zeros, ignoring NaNs).
void scale_c(int m, int n, float beta, float* C, std::ptrdiff_t ldc) {
  if (beta == 1.f) return;
  for (int i = 0; i < m; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.f) {
      std::fill(c, c + n, 0.f);
    } else {
      for (int j = 0; j < n; ++j) c[j] *= beta;
    }
  }
}

// Serial blocked GEMM on one sub-problem (M, N, K > 0, alpha != 0).
void gemm_serial(bool transA, bool transB, int M, int N, int K, float alpha,
                 const float* A, std::ptrdiff_t lda, const float* B,
                 std::ptrdiff_t ldb, float beta, float* C, std::ptrdiff_t ldc) {
  ThreadBuffers& tb = thread_buffers();

  // Balanced block sizes (avoid a tiny remainder block).
  const int kcb = ceil_div(K, ceil_div(K, kKC));
  const int mcb = round_up(ceil_div(M, ceil_div(M, kMC)), kMR);
  // When all of M fits one MC block each packed B micro-panel is used by
  // only ceil(M / MR) tiles right after packing: keep the packed B block
  // L2-sized so it is not streamed through L3.
  const int nc_max = M <= mcb ? std::max(kNR, (kL2SmallB / kcb) / kNR * kNR) : kNC;
  const int ncb = round_up(ceil_div(N, ceil_div(N, nc_max)), kNR);

  // Small M (one MC block) and several NC blocks: pack all of A once (it is
  // at most MC x K) instead of re-packing it for every NC block.
  const bool a_once = M <= mcb && N > ncb;
  const int mpad = round_up(M, kMR);
  float* bufA = tb.a.get(a_once ? static_cast<std::size_t>(mpad) * K
                                : static_cast<std::size_t>(mcb) * kcb);
  float* bufB = tb.b.get(static_cast<std::size_t>(ncb) * kcb);
  alignas(64) float tmp[kMR * kNR];

  for (int jc = 0; jc < N; jc += ncb) {
    const int nc = std::min(ncb, N - jc);
    for (int pc = 0; pc < K; pc += kcb) {
      const int kc = std::min(kcb, K - pc);
      const float beta_k = pc == 0 ? beta : 1.f;
      pack_B(transB, transB ? B + jc * ldb + pc : B + pc * ldb + jc, ldb, kc,
             nc, bufB);
      for (int ic = 0; ic < M; ic += mcb) {
        const int mc = std::min(mcb, M - ic);
        float* pa = a_once ? bufA + static_cast<std::ptrdiff_t>(mpad) * pc : bufA;
        if (!a_once || jc == 0)
          pack_A(transA, transA ? A + pc * lda + ic : A + ic * lda + pc, lda,
                 mc, kc, pa);
        for (int jr = 0; jr < nc; jr += kNR) {
          const int nr = std::min(kNR, nc - jr);
          const float* bp = bufB + static_cast<std::ptrdiff_t>(jr) * kc;
          for (int ir = 0; ir < mc; ir += kMR) {
            const int mr = std::min(kMR, mc - ir);
            const float* ap = pa + static_cast<std::ptrdiff_t>(ir) * kc;
            float* c = C + (ic + ir) * ldc + jc + jr;
            if (mr == kMR && nr == kNR) {
              micro_kernel<kMR, kNV>(kc, ap, bp, c, ldc, alpha, beta_k);
            } else if (nr == kNR) {
              rows_kernel<kMR - 1>(mr, kc, ap, bp, c, ldc, alpha, beta_k);
            } else {
              micro_kernel<kMR, kNV>(kc, ap, bp, tmp, kNR, 1.f, 0.f);
              for (int i = 0; i < mr; ++i) {
                float* ci = c + i * ldc;
                const float* ti = tmp + i * kNR;
                if (beta_k == 0.f) {
                  for (int j = 0; j < nr; ++j) ci[j] = alpha * ti[j];
                } else {
                  for (int j = 0; j < nr; ++j)
                    ci[j] = alpha * ti[j] + beta_k * ci[j];
                }
              }
            }
          }
        }
      }
    }
  }
}

int hardware_threads() {
#ifndef BIGS_GEMM_STANDALONE
  return pool_threads();  // the addon's pool size (BIGS_THREADS / setPoolThreads)
#else
  static const int n = [] {
    unsigned h = std::thread::hardware_concurrency();
    return h == 0 ? 1 : static_cast<int>(h);
  }();
  return n;
#endif
}

}  // namespace

void builtin_sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
                   const float* A, int lda, const float* B, int ldb, float beta,
                   float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  const std::ptrdiff_t LDA = lda, LDB = ldb, LDC = ldc;
  if (K <= 0 || alpha == 0.f) {
    scale_c(M, N, beta, C, LDC);
    return;
  }

  // Work split: a tm x tn grid of C blocks, one per thread, chosen to
  // minimise redundant packing (each block re-packs its rows of A and its
  // columns of B): cost ~ tn * M + tm * N.
  const double flops = 2.0 * M * N * static_cast<double>(K);
  int T = hardware_threads();
  // Keep at least ~2 MFLOP per task; below that threading costs more than it
  // saves.
  T = static_cast<int>(std::min<double>(T, std::max(1.0, flops / 2e6)));
  const int mUnits = ceil_div(M, kMR), nUnits = ceil_div(N, kNR);
  int tm = 1, tn = 1;
  for (int t = T; t >= 1; --t) {
    double best = -1;
    for (int a = 1; a <= t; ++a) {
      if (t % a) continue;
      const int b = t / a;
      if (a > mUnits || b > nUnits) continue;
      const double cost = static_cast<double>(b) * M + static_cast<double>(a) * N;
      if (best < 0 || cost < best) {
        best = cost;
        tm = a;
        tn = b;
      }
    }
    if (best >= 0) break;
  }

  auto run_task = [&](int task) {
    const int ti = task / tn, tj = task % tn;
    const int i0 = std::min(M, static_cast<int>(
                                   static_cast<int64_t>(mUnits) * ti / tm) * kMR);
    const int i1 = std::min(M, static_cast<int>(
                                   static_cast<int64_t>(mUnits) * (ti + 1) / tm) * kMR);
    const int j0 = std::min(N, static_cast<int>(
                                   static_cast<int64_t>(nUnits) * tj / tn) * kNR);
    const int j1 = std::min(N, static_cast<int>(
                                   static_cast<int64_t>(nUnits) * (tj + 1) / tn) * kNR);
    if (i0 >= i1 || j0 >= j1) return;
    const float* a = transA ? A + i0 : A + i0 * LDA;
    const float* b = transB ? B + j0 * LDB : B + j0;
    gemm_serial(transA, transB, i1 - i0, j1 - j0, K, alpha, a, LDA, b, LDB,
                beta, C + i0 * LDC + j0, LDC);
  };

  const int tasks = tm * tn;
  if (tasks == 1) {
    run_task(0);
    return;
  }
  parallel_for(tasks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) run_task(static_cast<int>(t));
  });
}

}  // namespace bigs
