// A persistent std::thread pool for the elementwise / reduction kernels. The caller takes part; work
// is cut into chunks taken from an atomic counter. Nested or concurrent calls run inline.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "native.h"

namespace bigs {
namespace {

thread_local bool in_pool_work = false;

class Pool {
 public:
  Pool() { resize(default_threads()); }
  ~Pool() { stop_workers(); }

  int threads() const { return threads_; }

  void resize(int n) {
    n = std::max(1, std::min(n, 256));
    std::lock_guard<std::mutex> call_lock(call_mu_);
    stop_workers();
    threads_ = n;
    stopping_ = false;
    for (int i = 1; i < n; i++) workers_.emplace_back([this] { worker_loop(); });
  }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
    const int64_t max_chunks = (n + grain - 1) / grain;
    std::unique_lock<std::mutex> call_lock(call_mu_, std::try_to_lock);
    if (threads_ == 1 || max_chunks == 1 || in_pool_work || !call_lock.owns_lock()) {
      fn(0, n);
      return;
    }
    // A few chunks per thread balance uneven cores (a busy machine) without much overhead.
    const int64_t chunks = std::min<int64_t>(max_chunks, int64_t(threads_) * 4);
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &fn;
      job_n_ = n;
      job_chunks_ = chunks;
      next_.store(0);
      pending_.store(chunks);
      generation_++;
    }
    cv_.notify_all();
    work();
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [this] { return pending_.load() == 0; });
    job_ = nullptr;
  }

 private:
  static int default_threads() {
    if (const char* env = std::getenv("BIGS_NATIVE_THREADS")) {
      int v = std::atoi(env);
      if (v > 0) return v;
    }
    unsigned hc = std::thread::hardware_concurrency();
    return hc == 0 ? 1 : int(hc);
  }

  void work() {
    in_pool_work = true;
    for (;;) {
      int64_t c = next_.fetch_add(1);
      if (c >= job_chunks_) break;
      int64_t begin = job_n_ * c / job_chunks_;
      int64_t end = job_n_ * (c + 1) / job_chunks_;
      (*job_)(begin, end);
      if (pending_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_all();
      }
    }
    in_pool_work = false;
  }

  void worker_loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      work();
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex call_mu_;  // one parallel region at a time
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  int threads_ = 1;
  bool stopping_ = false;
  uint64_t generation_ = 0;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0, job_chunks_ = 0;
  std::atomic<int64_t> next_{0}, pending_{0};
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers must not be joined during static teardown
  return *p;
}

}  // namespace

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  pool().run(n, grain, fn);
}
int pool_threads() { return pool().threads(); }
void set_pool_threads(int n) { pool().resize(n); }

static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  set_pool_threads(int(int_arg(info, 0, "threads")));
  return Napi::Number::New(info.Env(), pool_threads());
}
static Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pool_threads());
}

static void InitPool(Napi::Env env, Napi::Object exports) {
  exports.Set("setPoolThreads", Napi::Function::New(env, SetThreads));
  exports.Set("poolThreads", Napi::Function::New(env, GetThreads));
}
BIGS_REGISTER(InitPool);

}  // namespace bigs
