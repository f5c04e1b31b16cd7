// Built-in single-precision GEMM used when no BLAS library is found at run
// time. Cache-blocked (Goto-style) with packed A/B panels and a register-tiled
// micro-kernel (AVX-512 / AVX2+FMA / portable vector fallback chosen at compile
// time), parallelised through bigs::parallel_for.
#pragma once

namespace bigs {

// C = alpha * op(A) * op(B) + beta * C, row-major (like cblas_sgemm with
// CblasRowMajor).
//   op(A) is M x K: A is M x K with lda >= K when !transA, K x M with lda >= M
//   when transA.
//   op(B) is K x N: B is K x N with ldb >= N when !transB, N x K with ldb >= K
//   when transB.
//   ldc >= N.
// beta == 0 ignores C's previous contents (C may hold NaN garbage).
// K == 0 (or alpha == 0) gives C = beta * C, as in reference BLAS.
void builtin_sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
                   const float* A, int lda, const float* B, int ldb, float beta,
                   float* C, int ldc);

}  // namespace bigs
