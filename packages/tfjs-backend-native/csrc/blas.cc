// BLAS found at run time (dlopen): $BIGS_BLAS, then OpenBLAS, MKL, BLIS, FlexiBLAS, the system libblas
// (Accelerate on macOS). cblas_sgemm is preferred, Fortran sgemm_ otherwise; with none, the built-in GEMM.
#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "gemm.h"
#include "native.h"

namespace bigs {
namespace {

using CblasSgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                            float*, int);
using FortranSgemm = void (*)(const char*, const char*, const int*, const int*, const int*, const float*,
                              const float*, const int*, const float*, const int*, const float*, float*,
                              const int*);
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
using GetConfigFn = char* (*)();

struct Blas {
  std::string name = "built-in";  // which library
  std::string path;               // the file loaded
  std::string config;             // the library's own description, when it has one
  std::string forced;             // why BIGS_BLAS chose what it chose
  CblasSgemm cblas = nullptr;
  FortranSgemm fortran = nullptr;
  SetThreadsFn set_threads = nullptr;
  GetThreadsFn get_threads = nullptr;
  int threads = 1;
  std::vector<std::string> tried;
};

struct Candidate {
  const char* name;
  const char* file;
};

#ifdef __APPLE__
const Candidate kCandidates[] = {
    {"accelerate", "/System/Library/Frameworks/Accelerate.framework/Accelerate"},
    {"openblas", "libopenblas.dylib"},
};
#else
const Candidate kCandidates[] = {
    {"openblas", "libopenblas.so.0"},
    {"openblas", "libopenblas.so"},
    {"openblas", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"},
    {"openblas", "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0"},
    {"mkl", "libmkl_rt.so.2"},
    {"mkl", "libmkl_rt.so"},
    {"blis", "libblis.so.4"},
    {"blis", "libblis.so"},
    {"flexiblas", "libflexiblas.so.3"},
    {"flexiblas", "libflexiblas.so"},
    {"blas", "libblas.so.3"},
    {"blas", "libblas.so"},
};
#endif

template <typename T>
T sym(void* h, const char* name) {
  return reinterpret_cast<T>(dlsym(h, name));
}

bool try_load(Blas& b, const char* name, const char* file) {
  void* h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    b.tried.push_back(std::string(file) + ": not found");
    return false;
  }
  auto cblas = sym<CblasSgemm>(h, "cblas_sgemm");
  auto fortran = sym<FortranSgemm>(h, "sgemm_");
  if (cblas == nullptr && fortran == nullptr) {
    b.tried.push_back(std::string(file) + ": no sgemm symbol");
    dlclose(h);
    return false;
  }
  b.name = name;
  b.path = file;
  b.cblas = cblas;
  b.fortran = fortran;
  b.set_threads = sym<SetThreadsFn>(h, "openblas_set_num_threads");
  b.get_threads = sym<GetThreadsFn>(h, "openblas_get_num_threads");
  if (b.set_threads == nullptr) b.set_threads = sym<SetThreadsFn>(h, "MKL_Set_Num_Threads");
  if (b.get_threads == nullptr) b.get_threads = sym<GetThreadsFn>(h, "MKL_Get_Max_Threads");
  if (b.set_threads == nullptr) b.set_threads = sym<SetThreadsFn>(h, "bli_thread_set_num_threads");
  if (b.get_threads == nullptr) b.get_threads = sym<GetThreadsFn>(h, "bli_thread_get_num_threads");
  if (auto cfg = sym<GetConfigFn>(h, "openblas_get_config")) b.config = cfg();
  Dl_info di;
  if (dladdr(reinterpret_cast<void*>(cblas ? reinterpret_cast<void*>(cblas) : reinterpret_cast<void*>(fortran)),
             &di) != 0 &&
      di.dli_fname != nullptr)
    b.path = di.dli_fname;
  return true;
}

void load(Blas& b) {
  const char* env = std::getenv("BIGS_BLAS");
  std::string choice = env ? env : "";
  if (choice == "none" || choice == "builtin" || choice == "built-in") {
    b.forced = "BIGS_BLAS=" + choice;
    return;
  }
  if (!choice.empty() && choice != "auto") {
    // A path, or a library name from the list (openblas, mkl, blis, flexiblas, blas, accelerate).
    bool by_name = false;
    for (const auto& c : kCandidates) {
      if (choice == c.name) {
        by_name = true;
        if (try_load(b, c.name, c.file)) return;
      }
    }
    if (!by_name && try_load(b, "custom", choice.c_str())) return;
    b.forced = "BIGS_BLAS=" + choice + " could not be loaded; using the built-in GEMM";
    return;
  }
  for (const auto& c : kCandidates) {
    if (try_load(b, c.name, c.file)) return;
  }
}

Blas& blas() {
  static Blas* b = [] {
    auto* x = new Blas();
    load(*x);
    x->threads = x->get_threads ? x->get_threads() : (x->cblas || x->fortran ? 1 : pool_threads());
    return x;
  }();
  return *b;
}

std::mutex blas_mu;
bool force_builtin = false;  // useBuiltinGemm(true): tests and the bench compare both paths

}  // namespace

void sgemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  Blas& b = blas();
  if (K <= 0 || force_builtin || (b.cblas == nullptr && b.fortran == nullptr)) {
    builtin_sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (b.cblas != nullptr) {
    // CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112
    b.cblas(101, transA ? 112 : 111, transB ? 112 : 111, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  // Column-major Fortran: C^T = op(B)^T op(A)^T, so swap the operands.
  const char ta = transB ? 'T' : 'N';
  const char tb = transA ? 'T' : 'N';
  b.fortran(&ta, &tb, &N, &M, &K, &alpha, B, &ldb, A, &lda, &beta, C, &ldc);
}

static Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Blas& b = blas();
  auto o = Napi::Object::New(info.Env());
  o.Set("name", b.name);
  o.Set("path", b.path);
  o.Set("config", b.config);
  o.Set("interface", b.cblas ? "cblas" : (b.fortran ? "fortran" : "built-in"));
  o.Set("threads", b.get_threads ? b.get_threads() : b.threads);
  o.Set("note", b.forced);
  auto tried = Napi::Array::New(info.Env(), b.tried.size());
  for (size_t i = 0; i < b.tried.size(); i++) tried.Set(uint32_t(i), b.tried[i]);
  o.Set("tried", tried);
  return o;
}

static Napi::Value SetBlasThreads(const Napi::CallbackInfo& info) {
  Blas& b = blas();
  int n = int(int_arg(info, 0, "threads"));
  std::lock_guard<std::mutex> lk(blas_mu);
  if (b.set_threads != nullptr) b.set_threads(n);
  b.threads = b.get_threads ? b.get_threads() : (b.cblas || b.fortran ? b.threads : pool_threads());
  return Napi::Number::New(info.Env(), b.threads);
}

static Napi::Value UseBuiltinGemm(const Napi::CallbackInfo& info) {
  force_builtin = bool_arg(info, 0, "on");
  return info.Env().Undefined();
}

static void InitBlas(Napi::Env env, Napi::Object exports) {
  exports.Set("useBuiltinGemm", Napi::Function::New(env, UseBuiltinGemm));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("setBlasThreads", Napi::Function::New(env, SetBlasThreads));
}
BIGS_REGISTER(InitBlas);

}  // namespace bigs
