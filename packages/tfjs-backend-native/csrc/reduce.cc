// Reductions of a float32 tensor viewed as [outer, R, inner] over R (the caller permutes non-adjacent
// reduction axes together first). Sums and products accumulate in double like the cpu kernels;
// Max/Min propagate NaN like the cpu kernels (any NaN in a run gives NaN).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "native.h"

namespace bigs {
namespace {

constexpr int64_t kGrain = 32768;
constexpr int64_t kBlock = 256;  // inner columns per work item when inner > 1

enum Op { SUM = 0, MEAN = 1, MAX = 2, MIN = 3, PROD = 4 };

inline double combine_max(double acc, float v) { return (v != v || v > acc) ? double(v) : acc; }
inline double combine_min(double acc, float v) { return (v != v || v < acc) ? double(v) : acc; }

// Reduce a contiguous run of n floats (n >= 1).
double reduce_run(int op, const float* x, int64_t n) {
  switch (op) {
    case SUM:
    case MEAN: {
      double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += double(x[i + k]);
      double t = 0;
      for (; i < n; i++) t += double(x[i]);
      return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + t;
    }
    case MAX: {
      double m = x[0];
      bool nan = false;
      for (int64_t i = 0; i < n; i++) {
        nan |= x[i] != x[i];
        m = x[i] > m ? double(x[i]) : m;
      }
      return nan ? std::numeric_limits<double>::quiet_NaN() : m;
    }
    case MIN: {
      double m = x[0];
      bool nan = false;
      for (int64_t i = 0; i < n; i++) {
        nan |= x[i] != x[i];
        m = x[i] < m ? double(x[i]) : m;
      }
      return nan ? std::numeric_limits<double>::quiet_NaN() : m;
    }
    default: {
      double p = 1;
      for (int64_t i = 0; i < n; i++) p *= double(x[i]);
      return p;
    }
  }
}

double merge(int op, double a, double b) {
  switch (op) {
    case SUM:
    case MEAN: return a + b;
    case MAX: return (a != a || b != b) ? std::numeric_limits<double>::quiet_NaN() : (b > a ? b : a);
    case MIN: return (a != a || b != b) ? std::numeric_limits<double>::quiet_NaN() : (b < a ? b : a);
    default: return a * b;
  }
}

void check_sizes(const Napi::CallbackInfo& info, const char* fn, int64_t outer, int64_t R, int64_t inner) {
  if (outer < 0 || R < 1 || inner < 0 || int64_t(typed_len(info, 1)) != outer * R * inner ||
      int64_t(typed_len(info, 2)) != outer * inner)
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": array lengths do not match [outer, R, inner]");
}

// reduce(op, x, out, outer, R, inner): out[o, i] = op over r of x[o, r, i]
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const int op = int(int_arg(info, 0, "op"));
  const float* x = f32_arg(info, 1, "x");
  float* out = f32_arg(info, 2, "out");
  const int64_t outer = int_arg(info, 3, "outer"), R = int_arg(info, 4, "R"), inner = int_arg(info, 5, "inner");
  if (op < 0 || op > 4) throw Napi::RangeError::New(info.Env(), "reduce: unknown op");
  check_sizes(info, "reduce", outer, R, inner);
  const double scale = op == MEAN ? 1.0 / double(R) : 1.0;
  if (inner == 1) {
    if (outer >= 8 || outer * R < 4 * kGrain) {
      parallel_for(outer, std::max<int64_t>(1, kGrain / R), [&](int64_t lo, int64_t hi) {
        for (int64_t o = lo; o < hi; o++) {
          double v = reduce_run(op, x + o * R, R);
          out[o] = float(op == MEAN ? v / double(R) : v);
        }
      });
    } else {
      // Few long rows: split each row into pieces, then merge the partial results in order.
      const int64_t pieces = std::min<int64_t>(64, (R + kGrain - 1) / kGrain);
      std::vector<double> part(size_t(outer * pieces));
      parallel_for(outer * pieces, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t w = lo; w < hi; w++) {
          const int64_t o = w / pieces, p = w % pieces;
          const int64_t b = R * p / pieces, e = R * (p + 1) / pieces;
          part[size_t(w)] = reduce_run(op, x + o * R + b, e - b);
        }
      });
      for (int64_t o = 0; o < outer; o++) {
        double v = part[size_t(o * pieces)];
        for (int64_t p = 1; p < pieces; p++) v = merge(op, v, part[size_t(o * pieces + p)]);
        out[o] = float(op == MEAN ? v / double(R) : v);
      }
    }
    return info.Env().Undefined();
  }
  if (outer * inner == 0) return info.Env().Undefined();
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  parallel_for(outer * blocks, std::max<int64_t>(1, kGrain / (R * kBlock)), [&](int64_t lo, int64_t hi) {
    double acc[kBlock];
    for (int64_t w = lo; w < hi; w++) {
      const int64_t o = w / blocks, i0 = (w % blocks) * kBlock, m = std::min(kBlock, inner - i0);
      const float* base = x + o * R * inner + i0;
      for (int64_t i = 0; i < m; i++) acc[i] = base[i];
      bool nan[kBlock];
      if (op == MAX || op == MIN)
        for (int64_t i = 0; i < m; i++) nan[i] = base[i] != base[i];
      for (int64_t r = 1; r < R; r++) {
        const float* row = base + r * inner;
        switch (op) {
          case SUM:
          case MEAN:
            for (int64_t i = 0; i < m; i++) acc[i] += double(row[i]);
            break;
          case MAX:
            for (int64_t i = 0; i < m; i++) {
              nan[i] |= row[i] != row[i];
              acc[i] = row[i] > acc[i] ? double(row[i]) : acc[i];
            }
            break;
          case MIN:
            for (int64_t i = 0; i < m; i++) {
              nan[i] |= row[i] != row[i];
              acc[i] = row[i] < acc[i] ? double(row[i]) : acc[i];
            }
            break;
          default:
            for (int64_t i = 0; i < m; i++) acc[i] *= double(row[i]);
        }
      }
      float* o_row = out + o * inner + i0;
      if (op == MAX || op == MIN) {
        for (int64_t i = 0; i < m; i++) o_row[i] = nan[i] ? std::numeric_limits<float>::quiet_NaN() : float(acc[i]);
      } else {
        for (int64_t i = 0; i < m; i++) o_row[i] = float(acc[i] * scale);
      }
    }
  });
  return info.Env().Undefined();
}

// argMax(x, out: Int32Array, outer, R, inner): first index of the largest value (`value > max`
// like the cpu kernel: NaN never wins, except a NaN first element keeps index 0).
Napi::Value ArgMax(const Napi::CallbackInfo& info) {
  const float* xs = f32_arg(info, 0, "x");
  int32_t* out = i32_arg(info, 1, "out");
  const int64_t outer = int_arg(info, 2, "outer"), R = int_arg(info, 3, "R"), inner = int_arg(info, 4, "inner");
  if (outer < 0 || R < 1 || inner < 0 || int64_t(typed_len(info, 0)) != outer * R * inner ||
      int64_t(typed_len(info, 1)) != outer * inner)
    throw Napi::RangeError::New(info.Env(), "argMax: array lengths do not match [outer, R, inner]");
  parallel_for(outer * inner, std::max<int64_t>(1, kGrain / R), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; w++) {
      const int64_t o = w / inner, i = w % inner;
      const float* p = xs + o * R * inner + i;
      float m = p[0];
      int32_t k = 0;
      for (int64_t r = 1; r < R; r++) {
        const float v = p[r * inner];
        if (v > m) {
          m = v;
          k = int32_t(r);
        }
      }
      out[w] = k;
    }
  });
  return info.Env().Undefined();
}

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("argMax", Napi::Function::New(env, ArgMax));
}

}  // namespace
BIGS_REGISTER(InitReduce);
}  // namespace bigs
