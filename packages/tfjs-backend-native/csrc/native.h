// Shared declarations of the @bigs/tfjs-backend-native addon: thread pool, BLAS entry, registration.
#pragma once
#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>

namespace bigs {

// ---- thread pool (threadpool.cc) ----
// Runs fn over [0, n) split into contiguous chunks of at least `grain` items across the persistent
// pool; the calling thread takes part. Blocks until every chunk is done. Nested calls run inline.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t begin, int64_t end)>& fn);
int pool_threads();
void set_pool_threads(int n);

// ---- GEMM (blas.cc: a run-time loaded BLAS, or the built-in GEMM of gemm.cc) ----
// Row-major C = alpha * op(A) * op(B) + beta * C (cblas semantics with CblasRowMajor).
void sgemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc);

// ---- registration: each kernel file adds its exports with BIGS_REGISTER(fn) ----
using InitFn = void (*)(Napi::Env env, Napi::Object exports);
struct Registrar {
  explicit Registrar(InitFn fn);
};
#define BIGS_CONCAT_(a, b) a##b
#define BIGS_CONCAT(a, b) BIGS_CONCAT_(a, b)
#define BIGS_REGISTER(fn) static ::bigs::Registrar BIGS_CONCAT(bigs_registrar_, __LINE__)(fn)

// ---- argument helpers (throw a JS TypeError naming the argument) ----
float* f32_arg(const Napi::CallbackInfo& info, size_t i, const char* name);
int32_t* i32_arg(const Napi::CallbackInfo& info, size_t i, const char* name);
size_t typed_len(const Napi::CallbackInfo& info, size_t i);
int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* name);
double num_arg(const Napi::CallbackInfo& info, size_t i, const char* name);
bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* name);

}  // namespace bigs
