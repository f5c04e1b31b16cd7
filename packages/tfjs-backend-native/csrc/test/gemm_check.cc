// Developer tool: correctness + speed check for bigs::builtin_sgemm.
//
// Build (from packages/tfjs-backend-native/csrc), one line:
//   g++ -O3 -march=native -std=c++17 -fPIC -DBIGS_GEMM_STANDALONE
//       -DGEMM_CHECK_OPENBLAS -I. -I/usr/include/x86_64-linux-gnu/openblas-pthread
//       gemm.cc test/gemm_check.cc -o /tmp/gemm_check
//       -L/usr/lib/x86_64-linux-gnu/openblas-pthread
//       -Wl,-rpath,/usr/lib/x86_64-linux-gnu/openblas-pthread -lopenblas -lpthread
//   /tmp/gemm_check            # correctness + benchmark
//   /tmp/gemm_check check      # correctness only
//   /tmp/gemm_check bench      # benchmark only
// Without -DGEMM_CHECK_OPENBLAS (and the OpenBLAS flags) only the built-in is
// timed. Thread count: GEMM_THREADS env var (default: hardware threads);
// GEMM_REPS (default 5) timed runs per shape, built-in and OpenBLAS
// interleaved; GEMM_SHAPES="0,3" restricts the benchmark to those rows.
//
// The harness supplies its own persistent-thread-pool stand-in for
// bigs::parallel_for (the real one lives in the addon); -DBIGS_GEMM_STANDALONE
// makes gemm.cc declare parallel_for itself instead of including native.h, so
// the harness builds without Node/N-API headers.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gemm.h"

#ifdef GEMM_CHECK_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
#endif

// ---------------------------------------------------------------------------
// parallel_for stand-in: persistent pool, caller participates.
// ---------------------------------------------------------------------------
namespace {
class Pool {
 public:
  explicit Pool(int n) : nthreads_(std::max(1, n)) {
    for (int i = 1; i < nthreads_; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return nthreads_; }

  void run(int64_t n, int64_t grain,
           const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    int64_t chunks = std::min<int64_t>(nthreads_, (n + grain - 1) / grain);
    if (chunks <= 1) {
      fn(0, n);
      return;
    }
    std::lock_guard<std::mutex> run_lk(run_mu_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      fn_ = &fn;
      n_ = n;
      chunks_ = chunks;
      next_.store(0);
      done_.store(0);
      ++gen_;
    }
    cv_.notify_all();
    work();
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [&] { return done_.load() == chunks_; });
    fn_ = nullptr;
  }

 private:
  void work() {
    for (;;) {
      int64_t c = next_.fetch_add(1);
      if (c >= chunks_) return;
      int64_t b = n_ * c / chunks_, e = n_ * (c + 1) / chunks_;
      (*fn_)(b, e);
      if (done_.fetch_add(1) + 1 == chunks_) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_all();
      }
    }
  }
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stop_ || gen_ != seen; });
        if (stop_) return;
        seen = gen_;
      }
      work();
    }
  }

  int nthreads_;
  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  bool stop_ = false;
  uint64_t gen_ = 0;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0, chunks_ = 0;
  std::atomic<int64_t> next_{0}, done_{0};
};

int env_threads() {
  const char* s = std::getenv("GEMM_THREADS");
  if (s && std::atoi(s) > 0) return std::atoi(s);
  unsigned h = std::thread::hardware_concurrency();
  return h ? static_cast<int>(h) : 1;
}

Pool& pool() {
  static Pool p(env_threads());
  return p;
}
}  // namespace

namespace bigs {
void parallel_for(int64_t n, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn) {
  pool().run(n, grain, fn);
}
}  // namespace bigs

// ---------------------------------------------------------------------------
// Correctness.
// ---------------------------------------------------------------------------
namespace {

std::mt19937_64 rng(12345);

void fill_rand(std::vector<float>& v) {
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  for (auto& x : v) x = d(rng);
}

// Reference in double. Returns per-element tolerance base (sum |a||b|).
void ref_gemm(bool tA, bool tB, int M, int N, int K, float alpha, const float* A,
              int lda, const float* B, int ldb, float beta, const float* C0,
              int ldc, std::vector<double>& out, std::vector<double>& mag) {
  out.assign(static_cast<size_t>(M) * N, 0.0);
  mag.assign(static_cast<size_t>(M) * N, 0.0);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0, m = 0;
      for (int k = 0; k < K; ++k) {
        double a = tA ? A[static_cast<size_t>(k) * lda + i] : A[static_cast<size_t>(i) * lda + k];
        double b = tB ? B[static_cast<size_t>(j) * ldb + k] : B[static_cast<size_t>(k) * ldb + j];
        s += a * b;
        m += std::fabs(a * b);
      }
      double c = beta == 0.f ? 0.0
                                                         : static_cast<double>(beta) * C0[static_cast<size_t>(i) * ldc + j];
      if (alpha == 0.f) s = 0, m = 0;
      out[static_cast<size_t>(i) * N + j] = static_cast<double>(alpha) * s + c;
      mag[static_cast<size_t>(i) * N + j] =
          std::fabs(alpha) * m + (beta == 0.f ? 0.0 : std::fabs(c));
    }
}

int g_fail = 0, g_cases = 0;

bool check_case(bool tA, bool tB, int M, int N, int K, float alpha, float beta,
                int padA, int padB, int padC, bool nanC) {
  ++g_cases;
  const int lda = (tA ? M : K) + padA;
  const int ldb = (tB ? K : N) + padB;
  const int ldc = N + padC;
  const int rowsA = tA ? K : M, rowsB = tB ? N : K;
  std::vector<float> A(static_cast<size_t>(std::max(1, rowsA)) * std::max(1, lda));
  std::vector<float> B(static_cast<size_t>(std::max(1, rowsB)) * std::max(1, ldb));
  std::vector<float> C(static_cast<size_t>(std::max(1, M)) * std::max(1, ldc));
  fill_rand(A);
  fill_rand(B);
  fill_rand(C);
  if (nanC && beta == 0.f) std::fill(C.begin(), C.end(), std::nanf(""));
  // Mark padding of C so we can verify it is untouched.
  for (int i = 0; i < M; ++i)
    for (int j = N; j < ldc; ++j) C[static_cast<size_t>(i) * ldc + j] = 777.f;
  std::vector<float> C0 = C;
  std::vector<double> ref, mag;
  ref_gemm(tA, tB, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta,
           C0.data(), ldc, ref, mag);
  bigs::builtin_sgemm(tA, tB, M, N, K, alpha, A.data(), lda, B.data(), ldb,
                      beta, C.data(), ldc);
  double worst = 0;
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < ldc; ++j) {
      float got = C[static_cast<size_t>(i) * ldc + j];
      if (j >= N) {
        if (got != 777.f) {
          std::printf("FAIL padding clobbered tA=%d tB=%d M=%d N=%d K=%d at (%d,%d)\n",
                      tA, tB, M, N, K, i, j);
          ++g_fail;
          return false;
        }
        continue;
      }
      double r = ref[static_cast<size_t>(i) * N + j];
      double tol = 1e-5 * (mag[static_cast<size_t>(i) * N + j] + 1.0) * std::sqrt(K + 1.0);
      double err = std::fabs(got - r);
      if (!(err <= tol)) {
        std::printf("FAIL tA=%d tB=%d M=%d N=%d K=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d "
                    "at (%d,%d): got %.8g want %.8g\n",
                    tA, tB, M, N, K, alpha, beta, lda, ldb, ldc, i, j, got, r);
        ++g_fail;
        return false;
      }
      worst = std::max(worst, err / tol);
    }
  }
  return true;
}

bool check_nan_propagation() {
  // NaN in A row 3 -> C row 3 NaN; Inf in B col 5 -> C col 5 Inf/NaN.
  for (int tA = 0; tA < 2; ++tA)
    for (int tB = 0; tB < 2; ++tB) {
      const int M = 37, N = 45, K = 70;
      std::vector<float> A(static_cast<size_t>(M) * K), B(static_cast<size_t>(K) * N),
          C(static_cast<size_t>(M) * N, 0.f);
      fill_rand(A);
      fill_rand(B);
      // op(A)(3, 11) = NaN
      (tA ? A[static_cast<size_t>(11) * M + 3] : A[static_cast<size_t>(3) * K + 11]) = std::nanf("");
      bigs::builtin_sgemm(tA, tB, M, N, K, 1.f, A.data(), tA ? M : K, B.data(),
                          tB ? K : N, 0.f, C.data(), N);
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
          bool isn = std::isnan(C[static_cast<size_t>(i) * N + j]);
          if (isn != (i == 3)) {
            std::printf("FAIL NaN propagation tA=%d tB=%d at (%d,%d)\n", tA, tB, i, j);
            ++g_fail;
            return false;
          }
        }
      // NaN in C with beta=1 propagates; beta=0 ignores.
      std::fill(C.begin(), C.end(), 0.f);
      fill_rand(A);
      C[static_cast<size_t>(7) * N + 9] = std::nanf("");
      bigs::builtin_sgemm(tA, tB, M, N, K, 1.f, A.data(), tA ? M : K, B.data(),
                          tB ? K : N, 1.f, C.data(), N);
      if (!std::isnan(C[static_cast<size_t>(7) * N + 9])) {
        std::printf("FAIL NaN in C not propagated with beta=1\n");
        ++g_fail;
        return false;
      }
    }
  return true;
}

void run_checks() {
  std::uniform_int_distribution<int> small(0, 40), mid(1, 300), pad(0, 9);
  const float alphas[] = {1.f, -0.5f, 2.f, 0.f};
  const float betas[] = {0.f, 1.f, -1.5f, 0.25f};
  // Edge sizes exhaustively-ish.
  const int edge[] = {0, 1, 2, 3, 5, 6, 7, 8, 11, 12, 13, 15, 16, 17, 31, 32, 33};
  for (int tA = 0; tA < 2; ++tA)
    for (int tB = 0; tB < 2; ++tB)
      for (int M : edge)
        for (int N : {0, 1, 7, 15, 16, 17, 33})
          for (int K : {0, 1, 3, 9}) {
            check_case(tA, tB, M, N, K, 1.f, 0.f, 0, 0, 0, true);
            check_case(tA, tB, M, N, K, -0.5f, 0.25f, 1, 2, 3, false);
          }
  // Random shapes, all transposes, padded leading dims, general alpha/beta.
  for (int it = 0; it < 400; ++it) {
    bool tA = it & 1, tB = (it >> 1) & 1;
    int M = it % 3 == 0 ? small(rng) : mid(rng);
    int N = it % 5 == 0 ? small(rng) : mid(rng);
    int K = it % 7 == 0 ? small(rng) : mid(rng);
    float alpha = alphas[(it / 4) % 4];
    float beta = betas[(it / 16) % 4];
    bool padded = (it / 3) % 2;
    check_case(tA, tB, M, N, K, alpha, beta, padded ? pad(rng) : 0,
               padded ? pad(rng) : 0, padded ? pad(rng) : 0, beta == 0.f);
  }
  // A few large/blocking-boundary shapes (multiple KC/MC/NC blocks).
  const int big[][3] = {{300, 2100, 520}, {145, 2049, 257}, {38, 1030, 3001},
                        {577, 67, 1100}, {1, 4100, 700}, {2000, 1, 513}};
  for (auto& s : big)
    for (int tA = 0; tA < 2; ++tA)
      for (int tB = 0; tB < 2; ++tB)
        check_case(tA, tB, s[0], s[1], s[2], 1.f, 0.5f, 3, 5, 1, false);
  check_nan_propagation();
  std::printf("correctness: %d cases, %d failures\n", g_cases, g_fail);
}

// ---------------------------------------------------------------------------
// Benchmark.
// ---------------------------------------------------------------------------
double now_s() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Times f and g interleaved (f, g, f, g, ...) so that machine noise hits both
// alike; returns the median seconds of each.
template <class F, class G>
void median_times(F&& f, G&& g, int reps, double* tf, double* tg) {
  f();  // warm-up (buffers, page faults, thread pool)
  g();
  std::vector<double> a, b;
  for (int r = 0; r < reps; ++r) {
    double t0 = now_s();
    f();
    double t1 = now_s();
    g();
    double t2 = now_s();
    a.push_back(t1 - t0);
    b.push_back(t2 - t1);
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  *tf = a[a.size() / 2];
  *tg = b[b.size() / 2];
}

int env_reps() {
  const char* s = std::getenv("GEMM_REPS");
  return s && std::atoi(s) > 0 ? std::atoi(s) : 5;
}

struct Shape {
  const char* name;
  bool tA, tB;
  int M, N, K;
};

void run_bench() {
  const Shape shapes[] = {
      {"1024x768 @ 768x3072", false, false, 1024, 3072, 768},
      {"4096x1024 @ 1024x3072", false, false, 4096, 3072, 1024},
      {"256x1024 @ 1024x3072", false, false, 256, 3072, 1024},
      {"38x30522 @ (1024x30522)^T", false, true, 38, 1024, 30522},
      {"(1024x768)^T @ 1024x3072", true, false, 768, 3072, 1024},
      {"1024x3072 @ (768x3072)^T", false, true, 1024, 768, 3072},
      {"(1024x3072)^T @ (768x1024)^T", true, true, 3072, 768, 1024},
      {"38x1024 @ 1024x30522", false, false, 38, 30522, 1024},
  };
  const char* only = std::getenv("GEMM_SHAPES");  // e.g. "0,3" (indices)
  std::printf("threads=%d, median of %d interleaved runs (after 1 warm-up)\n",
              pool().size(), env_reps());
  std::printf("%-32s %10s %10s %7s\n", "shape (op(A) @ op(B))", "builtin", "openblas", "ratio");
  int idx = -1;
  for (const Shape& s : shapes) {
    ++idx;
    if (only && std::string(",") .append(only).append(",").find(
                    "," + std::to_string(idx) + ",") == std::string::npos)
      continue;
    const int lda = s.tA ? s.M : s.K, ldb = s.tB ? s.K : s.N, ldc = s.N;
    std::vector<float> A(static_cast<size_t>(s.M) * s.K), B(static_cast<size_t>(s.K) * s.N),
        C(static_cast<size_t>(s.M) * s.N);
    fill_rand(A);
    fill_rand(B);
    const double gf = 2.0 * s.M * s.N * static_cast<double>(s.K) * 1e-9;
    double tb = 0, to = 0;
    median_times(
        [&] {
          bigs::builtin_sgemm(s.tA, s.tB, s.M, s.N, s.K, 1.f, A.data(), lda,
                              B.data(), ldb, 0.f, C.data(), ldc);
        },
        [&] {
#ifdef GEMM_CHECK_OPENBLAS
          cblas_sgemm(CblasRowMajor, s.tA ? CblasTrans : CblasNoTrans,
                      s.tB ? CblasTrans : CblasNoTrans, s.M, s.N, s.K, 1.f,
                      A.data(), lda, B.data(), ldb, 0.f, C.data(), ldc);
#endif
        },
        env_reps(), &tb, &to);
#ifndef GEMM_CHECK_OPENBLAS
    to = 0;
#endif
    std::printf("%-32s %10.1f %10.1f %7.2f\n", s.name, gf / tb,
                to > 0 ? gf / to : 0.0, to > 0 ? to / tb : 0.0);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "all";
#ifdef GEMM_CHECK_OPENBLAS
  openblas_set_num_threads(pool().size());
#endif
  if (mode == "all" || mode == "check") run_checks();
  if (mode == "all" || mode == "bench") run_bench();
  return g_fail ? 1 : 0;
}
