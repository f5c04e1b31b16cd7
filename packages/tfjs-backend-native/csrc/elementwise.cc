// Binary elementwise float32 kernels with full numpy broadcasting. Shapes are coalesced first
// (size-1 output dims dropped, neighbouring dims with the same broadcast pattern merged), so the
// common cases become one contiguous loop (same shape, scalar operand) or rows of a 2-D loop
// (row-vector / column broadcast). Results follow the tfjs cpu kernels (which compute in double).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "native.h"

namespace bigs {
namespace {

constexpr int64_t kGrain = 32768;
constexpr int kMaxRank = 16;

inline uint32_t bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
inline float from_bits(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

struct OpAdd {
  static inline float f(float a, float b) { return a + b; }
};
struct OpSub {
  static inline float f(float a, float b) { return a - b; }
};
struct OpMul {
  static inline float f(float a, float b) { return a * b; }
};
struct OpDiv {
  static inline float f(float a, float b) { return a / b; }
};
// Math.max: NaN if either is NaN; max(+0, -0) = +0.
struct OpMax {
  static inline float f(float a, float b) {
    float r = a > b ? a : b;
    r = a == b ? from_bits(bits(a) & bits(b)) : r;
    r = a != a ? a : r;
    r = b != b ? b : r;
    return r;
  }
};
// Math.min: NaN if either is NaN; min(+0, -0) = -0.
struct OpMin {
  static inline float f(float a, float b) {
    float r = a < b ? a : b;
    r = a == b ? from_bits(bits(a) | bits(b)) : r;
    r = a != a ? a : r;
    r = b != b ? b : r;
    return r;
  }
};
// (a - b)^2 computed in double like the cpu kernel, rounded once.
struct OpSqDiff {
  static inline float f(float a, float b) {
    double d = double(a) - double(b);
    return float(d * d);
  }
};
// Math.pow semantics: pow(x, NaN) = NaN (also for x = 1); pow(±1, ±Inf) = NaN.
struct OpPow {
  static inline float f(float a, float b) {
    if (b != b) return std::numeric_limits<float>::quiet_NaN();
    if (std::isinf(b) && std::fabs(a) == 1.0f) return std::numeric_limits<float>::quiet_NaN();
    return float(std::pow(double(a), double(b)));
  }
};

template <class Op>
inline void inner_loop(const float* __restrict a, int64_t sa, const float* __restrict b, int64_t sb,
                       float* __restrict o, int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(a[i], b[i]);
  } else if (sa == 1) {
    const float bv = *b;
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(a[i], bv);
  } else if (sb == 1) {
    const float av = *a;
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(av, b[i]);
  } else {
    const float v = Op::f(*a, *b);
    for (int64_t i = 0; i < n; i++) o[i] = v;
  }
}

struct Plan {
  int rank = 0;
  int64_t dim[kMaxRank];
  int64_t sa[kMaxRank];
  int64_t sb[kMaxRank];
};

template <class Op>
void run(const float* a, const float* b, float* out, const Plan& p) {
  const int r = p.rank;
  const int64_t n = p.dim[r - 1];
  const int64_t isa = p.sa[r - 1], isb = p.sb[r - 1];
  if (r == 1) {
    parallel_for(n, kGrain, [&](int64_t lo, int64_t hi) {
      inner_loop<Op>(a + lo * isa, isa, b + lo * isb, isb, out + lo, hi - lo);
    });
    return;
  }
  int64_t rows = 1;
  for (int d = 0; d < r - 1; d++) rows *= p.dim[d];
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(n, 1));
  parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
    int64_t idx[kMaxRank];
    int64_t oa = 0, ob = 0, rem = lo;
    for (int d = r - 2; d >= 0; d--) {
      idx[d] = rem % p.dim[d];
      rem /= p.dim[d];
      oa += idx[d] * p.sa[d];
      ob += idx[d] * p.sb[d];
    }
    for (int64_t row = lo; row < hi; row++) {
      inner_loop<Op>(a + oa, isa, b + ob, isb, out + row * n, n);
      for (int d = r - 2; d >= 0; d--) {
        idx[d]++;
        oa += p.sa[d];
        ob += p.sb[d];
        if (idx[d] < p.dim[d]) break;
        oa -= idx[d] * p.sa[d];
        ob -= idx[d] * p.sb[d];
        idx[d] = 0;
      }
    }
  });
}

std::vector<int64_t> shape_arg(const Napi::CallbackInfo& info, size_t i, const char* name, const char* fn) {
  const int32_t* s = i32_arg(info, i, name);
  const size_t r = typed_len(info, i);
  if (r > size_t(kMaxRank)) throw Napi::RangeError::New(info.Env(), std::string(fn) + ": rank above 16");
  std::vector<int64_t> v(r);
  for (size_t k = 0; k < r; k++) {
    if (s[k] < 0) throw Napi::RangeError::New(info.Env(), std::string(fn) + ": negative dimension");
    v[k] = s[k];
  }
  return v;
}

int64_t prod(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

// binary(op, a, aShape, b, bShape, out, outShape)
//   op: 0 Add, 1 Sub, 2 Multiply, 3 RealDiv, 4 Maximum, 5 Minimum, 6 SquaredDifference, 7 Pow
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* fn = "binary";
  const int op = int(int_arg(info, 0, "op"));
  const float* a = f32_arg(info, 1, "a");
  auto as = shape_arg(info, 2, "aShape", fn);
  const float* b = f32_arg(info, 3, "b");
  auto bs = shape_arg(info, 4, "bShape", fn);
  float* out = f32_arg(info, 5, "out");
  auto os = shape_arg(info, 6, "outShape", fn);
  auto env = info.Env();
  if (int64_t(typed_len(info, 1)) != prod(as) || int64_t(typed_len(info, 3)) != prod(bs) ||
      int64_t(typed_len(info, 5)) != prod(os))
    throw Napi::RangeError::New(env, "binary: an array length does not match its shape");
  const int R = int(os.size());
  if (int(as.size()) > R || int(bs.size()) > R)
    throw Napi::RangeError::New(env, "binary: operand rank above output rank");
  std::vector<int64_t> ap(R, 1), bp(R, 1);
  for (size_t k = 0; k < as.size(); k++) ap[R - as.size() + k] = as[k];
  for (size_t k = 0; k < bs.size(); k++) bp[R - bs.size() + k] = bs[k];
  for (int d = 0; d < R; d++) {
    if ((ap[d] != os[d] && ap[d] != 1) || (bp[d] != os[d] && bp[d] != 1))
      throw Napi::RangeError::New(env, "binary: shapes do not broadcast to the output shape");
  }
  if (prod(os) == 0) return env.Undefined();
  // Coalesce: drop size-1 output dims; merge neighbours with equal broadcast flags.
  Plan p;
  bool fa[kMaxRank], fb[kMaxRank];
  for (int d = 0; d < R; d++) {
    if (os[d] == 1) continue;
    const bool xa = ap[d] != 1, xb = bp[d] != 1;
    if (p.rank > 0 && fa[p.rank - 1] == xa && fb[p.rank - 1] == xb) {
      p.dim[p.rank - 1] *= os[d];
    } else {
      fa[p.rank] = xa;
      fb[p.rank] = xb;
      p.dim[p.rank++] = os[d];
    }
  }
  if (p.rank == 0) {
    fa[0] = fb[0] = true;
    p.dim[p.rank++] = 1;
  }
  int64_t acc_a = 1, acc_b = 1;
  for (int d = p.rank - 1; d >= 0; d--) {
    p.sa[d] = fa[d] ? acc_a : 0;
    p.sb[d] = fb[d] ? acc_b : 0;
    if (fa[d]) acc_a *= p.dim[d];
    if (fb[d]) acc_b *= p.dim[d];
  }
  switch (op) {
    case 0: run<OpAdd>(a, b, out, p); break;
    case 1: run<OpSub>(a, b, out, p); break;
    case 2: run<OpMul>(a, b, out, p); break;
    case 3: run<OpDiv>(a, b, out, p); break;
    case 4: run<OpMax>(a, b, out, p); break;
    case 5: run<OpMin>(a, b, out, p); break;
    case 6: run<OpSqDiff>(a, b, out, p); break;
    case 7: run<OpPow>(a, b, out, p); break;
    default: throw Napi::RangeError::New(env, "binary: unknown op");
  }
  return env.Undefined();
}

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary));
}

}  // namespace
BIGS_REGISTER(InitElementwise);
}  // namespace bigs
