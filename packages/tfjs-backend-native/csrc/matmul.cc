// BatchMatMul: one GEMM per output batch, transposes as GEMM flags (no Transpose kernel), batch
// broadcasting through index arrays made on the JS side; and an optional bias row added in place.
#include "native.h"

namespace bigs {

// batchMatMul(a, b, out, aIndex: Int32Array, bIndex: Int32Array, M, N, K, transA, transB)
//   a: [batchA, M, K] (or [batchA, K, M] when transA), b: [batchB, K, N] (or [batchB, N, K]), out: [batch, M, N]
//   aIndex[i] / bIndex[i]: which batch of a / b output batch i uses.
static Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  const float* a = f32_arg(info, 0, "a");
  const float* b = f32_arg(info, 1, "b");
  float* out = f32_arg(info, 2, "out");
  const int32_t* ai = i32_arg(info, 3, "aIndex");
  const int32_t* bi = i32_arg(info, 4, "bIndex");
  const size_t batch = typed_len(info, 3);
  const int M = int(int_arg(info, 5, "M"));
  const int N = int(int_arg(info, 6, "N"));
  const int K = int(int_arg(info, 7, "K"));
  const bool ta = bool_arg(info, 8, "transA");
  const bool tb = bool_arg(info, 9, "transB");
  if (typed_len(info, 4) != batch || typed_len(info, 2) < batch * size_t(M) * size_t(N)) {
    throw Napi::RangeError::New(info.Env(), "batchMatMul: index arrays or output size do not match");
  }
  const size_t sa = size_t(M) * K, sb = size_t(K) * N, sc = size_t(M) * N;
  const size_t na = typed_len(info, 0), nb = typed_len(info, 1);
  for (size_t i = 0; i < batch; i++) {
    if ((size_t(ai[i]) + 1) * sa > na || (size_t(bi[i]) + 1) * sb > nb) {
      throw Napi::RangeError::New(info.Env(), "batchMatMul: batch index out of range");
    }
  }
  for (size_t i = 0; i < batch; i++) {
    sgemm(ta, tb, M, N, K, 1.0f, a + ai[i] * sa, ta ? M : K, b + bi[i] * sb, tb ? K : N, 0.0f, out + i * sc, N);
  }
  return info.Env().Undefined();
}

// gemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc): the raw GEMM, for benchmarks and tests.
static Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const bool ta = bool_arg(info, 0, "transA");
  const bool tb = bool_arg(info, 1, "transB");
  const int M = int(int_arg(info, 2, "M"));
  const int N = int(int_arg(info, 3, "N"));
  const int K = int(int_arg(info, 4, "K"));
  const float alpha = float(num_arg(info, 5, "alpha"));
  const float* a = f32_arg(info, 6, "a");
  const int lda = int(int_arg(info, 7, "lda"));
  const float* b = f32_arg(info, 8, "b");
  const int ldb = int(int_arg(info, 9, "ldb"));
  const float beta = float(num_arg(info, 10, "beta"));
  float* c = f32_arg(info, 11, "c");
  const int ldc = int(int_arg(info, 12, "ldc"));
  const size_t need_a = ta ? size_t(K - 1) * lda + M : size_t(M - 1) * lda + K;
  const size_t need_b = tb ? size_t(N - 1) * ldb + K : size_t(K - 1) * ldb + N;
  if (M > 0 && N > 0 && K > 0 &&
      (typed_len(info, 6) < need_a || typed_len(info, 8) < need_b || typed_len(info, 11) < size_t(M - 1) * ldc + N)) {
    throw Napi::RangeError::New(info.Env(), "gemm: an operand is smaller than its shape and leading dimension");
  }
  sgemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
  return info.Env().Undefined();
}


static void InitMatMul(Napi::Env env, Napi::Object exports) {
  exports.Set("batchMatMul", Napi::Function::New(env, BatchMatMul));
  exports.Set("gemm", Napi::Function::New(env, Gemm));
}
BIGS_REGISTER(InitMatMul);

}  // namespace bigs
