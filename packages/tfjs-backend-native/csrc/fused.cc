// Fused float32 kernels of the training step: GELU (tanh / erf) forward and gradient, LayerNorm over the
// last axis forward and gradient, the AdamW update (in place) and a double-accumulated sum of squares.
// Vectorised with GCC vector extensions (8 floats; AVX2 where built with -march=native), parallel with
// bigs::parallel_for. Transcendentals are branch-free: exp (Cephes, ~1 ulp), erf / erfc (fitted
// polynomials, max relative error < 1e-6 vs double), and GELU-tanh is written as x·sigmoid(2u)
// (= 0.5·x·(1 + tanh u)), which is accurate for negative x where 1 + tanh u cancels.
#include <cmath>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "native.h"

#if defined(__FMA__) || defined(__AVX__)
#include <immintrin.h>
#endif

namespace bigs {
namespace {

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

inline v8f splat(float x) { return v8f{} + x; }
inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
// Lane conversions (truncating float → int32, int32 → float, 4 floats → 4 doubles).
inline v8i to_int(v8f x) {
#ifdef __AVX__
  return v8i(_mm256_cvttps_epi32(__m256(x)));
#else
  v8i r;
  for (int i = 0; i < 8; i++) r[i] = x[i] == x[i] && x[i] > -2147483520.0f && x[i] < 2147483520.0f ? int32_t(x[i]) : INT32_MIN;
  return r;
#endif
}
inline v8f to_float(v8i x) {
#ifdef __AVX__
  return v8f(_mm256_cvtepi32_ps(__m256i(x)));
#else
  v8f r;
  for (int i = 0; i < 8; i++) r[i] = float(x[i]);
  return r;
#endif
}
inline v4d to_double(v4f x) {
#ifdef __AVX__
  return v4d(_mm256_cvtps_pd(__m128(x)));
#else
  return v4d{double(x[0]), double(x[1]), double(x[2]), double(x[3])};
#endif
}
inline v8f load_part(const float* p, int64_t n) {
  float tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(tmp, p, size_t(n) * sizeof(float));
  return load8(tmp);
}
inline void store_part(float* p, v8f v, int64_t n) {
  float tmp[8];
  store8(tmp, v);
  std::memcpy(p, tmp, size_t(n) * sizeof(float));
}
// Selects keep NaN: `x > hi ? hi : x` is false for NaN lanes.
inline v8f sel(v8i m, v8f a, v8f b) { return m ? a : b; }

// a*b - c exactly rounded once where FMA exists (the low part of a product), else the plain expression.
inline v8f fms(v8f a, v8f b, v8f c) {
#ifdef __FMA__
  return _mm256_fmsub_ps(a, b, c);
#else
  return a * b - c;
#endif
}

// exp(x), Cephes expf: x = n·ln2 + r, degree-5 polynomial on r, scaled by 2^n. Inputs are clamped to
// [-87.3, 88] (so 2^n stays a normal float); NaN stays NaN.
inline v8f vexp(v8f x) {
  x = sel(x > splat(88.0f), splat(88.0f), x);
  x = sel(x < splat(-87.33654f), splat(-87.33654f), x);
  v8f fx = x * 1.44269504088896341f + 0.5f;
  v8f t = to_float(to_int(fx));
  t = sel(t > fx, t - 1.0f, t);  // floor
  v8f r = x - t * 0.693359375f;
  r = r - t * -2.12194440e-4f;
  v8f p = splat(1.9875691500E-4f);
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * (r * r) + r + 1.0f;
  v8i n = to_int(t);
  v8i bits = (n + 127) << 23;
  v8f scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// exp(w) for a float32 result whose argument comes in double (two halves of 8 lanes): the reduction
// w = n·ln2 + r is done in double, so a large |w| computed in double loses nothing to the argument's
// float rounding (exp has condition number |w|). Clamped to [-87.3, 88] like vexp; NaN stays NaN.
inline v8f vexp_d(v4d w0, v4d w1) {
  v8f rv;
  v8i nv;
  const v4d hi = v4d{} + 88.0, lo = v4d{} - 87.33654;
  w0 = w0 > hi ? hi : w0;
  w0 = w0 < lo ? lo : w0;
  w1 = w1 > hi ? hi : w1;
  w1 = w1 < lo ? lo : w1;
#ifdef __AVX__
  const int mode = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  v4d t0 = v4d(_mm256_round_pd(__m256d(w0 * 1.4426950408889634), mode));
  v4d t1 = v4d(_mm256_round_pd(__m256d(w1 * 1.4426950408889634), mode));
  v4d r0 = w0 - t0 * 0.6931471805599453 - t0 * 2.3190468138462996e-17;
  v4d r1 = w1 - t1 * 0.6931471805599453 - t1 * 2.3190468138462996e-17;
  rv = v8f(_mm256_set_m128(_mm256_cvtpd_ps(__m256d(r1)), _mm256_cvtpd_ps(__m256d(r0))));
  v4d t0c = t0 == t0 ? t0 : v4d{}, t1c = t1 == t1 ? t1 : v4d{};
  nv = v8i(_mm256_set_m128i(_mm256_cvtpd_epi32(__m256d(t1c)), _mm256_cvtpd_epi32(__m256d(t0c))));
#else
  float r[8];
  int32_t n[8];
  for (int h = 0; h < 2; h++) {
    v4d w = h == 0 ? w0 : w1;
    for (int i = 0; i < 4; i++) {
      double t = std::nearbyint(w[i] * 1.4426950408889634);
      r[h * 4 + i] = float(w[i] - t * 0.6931471805599453 - t * 2.3190468138462996e-17);
      n[h * 4 + i] = t == t ? int32_t(t) : 0;
    }
  }
  rv = load8(r);
  std::memcpy(&nv, n, sizeof nv);
#endif
  v8f p = splat(1.9875691500E-4f);
  p = p * rv + 1.3981999507E-3f;
  p = p * rv + 8.3334519073E-3f;
  p = p * rv + 4.1665795894E-2f;
  p = p * rv + 1.6666665459E-1f;
  p = p * rv + 5.0000001201E-1f;
  p = p * (rv * rv) + rv + 1.0f;
  v8i bits = (nv + 127) << 23;
  v8f scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// exp(-2u), u = √(2/π)·(x + 0.044715·x³), with u formed in double (see vexp_d).
inline v8f gelu_tanh_exp(v8f x) {
  v4f xl, xh;
  std::memcpy(&xl, &x, sizeof xl);
  std::memcpy(&xh, reinterpret_cast<const char*>(&x) + sizeof xl, sizeof xh);
  v4d a = to_double(xl), b = to_double(xh);
  const double k = -2.0 * 0.7978845608028654;
  return vexp_d(k * a * (1.0 + 0.044715 * a * a), k * b * (1.0 + 0.044715 * b * b));
}

// erf(a) for 0 <= a < 1: a·P(a²).
inline v8f erf_small(v8f a) {
  v8f a2 = a * a;
  v8f p = splat(-0.0005667938385158777f);
  p = p * a2 + 0.004927407950162888f;
  p = p * a2 - 0.026720885187387466f;
  p = p * a2 + 0.11280578374862671f;
  p = p * a2 - 0.37612390518188477f;
  p = p * a2 + 1.1283791065216064f;
  return a * p;
}

// erfc(a) for a >= 1 (inputs below 1 are evaluated at 1) given a² = sq_hi + sq_lo: exp(-a²)·erfcx(a),
// erfcx a degree-10 fit in u = (2/a - 10/9)·9/8 over a in [1, 9]; 0 beyond 9 (erfc(9) ≈ 4e-37). The square
// comes split (exact with FMA) because exp(-a²) is ill-conditioned: a relative error δ in a² costs a²·δ.
inline v8f erfc_large(v8f a, v8f sq_hi, v8f sq_lo) {
  v8f ac = sel(a < splat(1.0f), splat(1.0f), a);
  ac = sel(ac > splat(9.0f), splat(9.0f), ac);
  v8f u = (2.0f / ac - 1.1111111111111112f) * 1.125f;
  v8f g = splat(-1.5442765288753435e-05f);
  g = g * u + 4.0520651964470744e-05f;
  g = g * u - 2.2948179321247153e-05f;
  g = g * u - 9.019118442665786e-05f;
  g = g * u + 0.00042983621824532747f;
  g = g * u - 0.0011695356806740165f;
  g = g * u + 0.0016809571534395218f;
  g = g * u + 0.0030466376338154078f;
  g = g * u - 0.03568685054779053f;
  g = g * u + 0.18081049621105194f;
  g = g * u + 0.2785601019859314f;
  v8f e = vexp(-sq_hi) * (1.0f - sq_lo);
  return sel(a > splat(9.0f), splat(0.0f), e * g);
}

// erf(x), sign-symmetric.
inline v8f verf(v8f x) {
  v8f a = sel(x < splat(0.0f), -x, x);
  v8f hi = a * a;
  v8f lo = fms(a, a, hi);
  v8f r = sel(a < splat(1.0f), erf_small(a), 1.0f - erfc_large(a, hi, lo));
  return sel(x < splat(0.0f), -r, r);
}

// Φ(x) = 0.5·erfc(-x/√2), accurate in both tails: z² = x²/2 is formed from x exactly (not from a rounded z).
inline v8f vphi(v8f x) {
  v8f z = x * 0.70710678118654752f;
  v8f a = sel(z < splat(0.0f), -z, z);
  v8f hi = x * x;
  v8f lo = fms(x, x, hi);
  v8f q = sel(a < splat(1.0f), 1.0f - erf_small(a), erfc_large(a, 0.5f * hi, 0.5f * lo));
  v8f half_q = 0.5f * q;
  return sel(z < splat(0.0f), half_q, 1.0f - half_q);
}

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluC = 0.044715f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;
constexpr float kBig = 50.0f;  // |x| beyond which GELU is x or 0 and its slope 1 or 0 (avoids x³ overflow)

inline v8f gelu_fwd(v8f x, bool erf_kind) {
  v8f y;
  if (erf_kind) {
    y = x * vphi(x);
  } else {
    v8f e = gelu_tanh_exp(x);
    y = x / (1.0f + e);  // x·sigmoid(2u)
  }
  y = sel(x > splat(kBig), x, y);
  return sel(x < splat(-kBig), splat(0.0f), y);
}

inline v8f gelu_grad(v8f x, bool erf_kind) {
  v8f d;
  if (erf_kind) {
    v8f hi = x * x;
    v8f pdf = vexp(-0.5f * hi) * (1.0f - 0.5f * fms(x, x, hi)) * kInvSqrt2Pi;
    d = vphi(x) + x * pdf;
  } else {
    v8f x2 = x * x;
    v8f e = gelu_tanh_exp(x);
    v8f s = 1.0f / (1.0f + e);
    v8f one_minus_s = e * s;
    d = s + x * s * one_minus_s * (2.0f * kSqrt2OverPi) * (1.0f + 3.0f * kGeluC * x2);
  }
  d = sel(x > splat(kBig), splat(1.0f), d);
  return sel(x < splat(-kBig), splat(0.0f), d);
}

constexpr int64_t kElemGrain = 16384;

Napi::RangeError size_error(Napi::Env env, const char* what) { return Napi::RangeError::New(env, what); }

// geluForward(x, out, erf: boolean)
Napi::Value GeluForward(const Napi::CallbackInfo& info) {
  const float* x = f32_arg(info, 0, "x");
  float* out = f32_arg(info, 1, "out");
  const bool erf_kind = bool_arg(info, 2, "erf");
  const int64_t n = int64_t(typed_len(info, 0));
  if (int64_t(typed_len(info, 1)) < n) throw size_error(info.Env(), "geluForward: out is smaller than x");
  parallel_for((n + 7) / 8, kElemGrain / 8, [&](int64_t b, int64_t e) {
    for (int64_t i = b * 8; i < e * 8; i += 8) {
      const int64_t k = n - i;
      if (k >= 8) store8(out + i, gelu_fwd(load8(x + i), erf_kind));
      else store_part(out + i, gelu_fwd(load_part(x + i, k), erf_kind), k);
    }
  });
  return info.Env().Undefined();
}

// geluGrad(dy, x, dx, erf: boolean): dx = dy·gelu'(x)
Napi::Value GeluGrad(const Napi::CallbackInfo& info) {
  const float* dy = f32_arg(info, 0, "dy");
  const float* x = f32_arg(info, 1, "x");
  float* dx = f32_arg(info, 2, "dx");
  const bool erf_kind = bool_arg(info, 3, "erf");
  const int64_t n = int64_t(typed_len(info, 1));
  if (int64_t(typed_len(info, 0)) != n || int64_t(typed_len(info, 2)) < n)
    throw size_error(info.Env(), "geluGrad: dy, x and dx sizes differ");
  parallel_for((n + 7) / 8, kElemGrain / 8, [&](int64_t b, int64_t e) {
    for (int64_t i = b * 8; i < e * 8; i += 8) {
      const int64_t k = n - i;
      if (k >= 8) store8(dx + i, load8(dy + i) * gelu_grad(load8(x + i), erf_kind));
      else store_part(dx + i, load_part(dy + i, k) * gelu_grad(load_part(x + i, k), erf_kind), k);
    }
  });
  return info.Env().Undefined();
}

// Σ p[i] in double.
inline double sum_d(const float* p, int64_t n) {
  v4d acc0{}, acc1{};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4f a, b;
    std::memcpy(&a, p + i, sizeof a);
    std::memcpy(&b, p + i + 4, sizeof b);
    acc0 += to_double(a);
    acc1 += to_double(b);
  }
  v4d acc = acc0 + acc1;
  double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; i++) s += p[i];
  return s;
}

// Σ (p[i] - c)² in double.
inline double sum_sq_centred_d(const float* p, int64_t n, double c) {
  v4d acc0{}, acc1{};
  const v4d cv = v4d{} + c;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4f a, b;
    std::memcpy(&a, p + i, sizeof a);
    std::memcpy(&b, p + i + 4, sizeof b);
    v4d da = to_double(a) - cv, db = to_double(b) - cv;
    acc0 += da * da;
    acc1 += db * db;
  }
  v4d acc = acc0 + acc1;
  double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; i++) {
    double d = double(p[i]) - c;
    s += d * d;
  }
  return s;
}

// Mean and 1/√(var + eps) of one row (centred two-pass variance, double accumulation).
inline void row_stats(const float* x, int64_t cols, double eps, float& mean, float& rstd) {
  const double m = sum_d(x, cols) / double(cols);
  const double var = sum_sq_centred_d(x, cols, m) / double(cols);
  mean = float(m);
  rstd = float(1.0 / std::sqrt(var + eps));
}

int64_t row_grain(int64_t cols) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(cols, 1)); }

// layerNormForward(x, gamma, beta, y, rows, cols, eps): y = (x - μ)·rstd·γ + β over each row.
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const float* x = f32_arg(info, 0, "x");
  const float* gamma = f32_arg(info, 1, "gamma");
  const float* beta = f32_arg(info, 2, "beta");
  float* y = f32_arg(info, 3, "y");
  const int64_t rows = int_arg(info, 4, "rows");
  const int64_t cols = int_arg(info, 5, "cols");
  const double eps = num_arg(info, 6, "eps");
  if (rows < 0 || cols < 0 || int64_t(typed_len(info, 0)) < rows * cols || int64_t(typed_len(info, 3)) < rows * cols ||
      int64_t(typed_len(info, 1)) < cols || int64_t(typed_len(info, 2)) < cols)
    throw size_error(info.Env(), "layerNormForward: sizes do not match rows × cols");
  if (cols == 0) return info.Env().Undefined();
  parallel_for(rows, row_grain(cols), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      float mean, rstd;
      row_stats(xr, cols, eps, mean, rstd);
      for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - mean) * rstd * gamma[j] + beta[j];
    }
  });
  return info.Env().Undefined();
}

// layerNormGrad(dy, x, gamma, dx, dgamma, dbeta, rows, cols, eps): the statistics are recomputed from x.
//   x̂ = (x - μ)·rstd, g = dy·γ: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)); dγ = Σ_rows dy·x̂; dβ = Σ_rows dy.
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  const float* dy = f32_arg(info, 0, "dy");
  const float* x = f32_arg(info, 1, "x");
  const float* gamma = f32_arg(info, 2, "gamma");
  float* dx = f32_arg(info, 3, "dx");
  float* dgamma = f32_arg(info, 4, "dgamma");
  float* dbeta = f32_arg(info, 5, "dbeta");
  const int64_t rows = int_arg(info, 6, "rows");
  const int64_t cols = int_arg(info, 7, "cols");
  const double eps = num_arg(info, 8, "eps");
  const int64_t n = rows * cols;
  if (rows < 0 || cols < 0 || int64_t(typed_len(info, 0)) < n || int64_t(typed_len(info, 1)) < n ||
      int64_t(typed_len(info, 3)) < n || int64_t(typed_len(info, 2)) < cols || int64_t(typed_len(info, 4)) < cols ||
      int64_t(typed_len(info, 5)) < cols)
    throw size_error(info.Env(), "layerNormGrad: sizes do not match rows × cols");
  if (cols == 0) return info.Env().Undefined();
  // Row blocks with their own dγ / dβ partials (double), summed in block order: deterministic for any
  // thread count.
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>({rows, n / 65536, 64}));
  std::vector<double> pg(size_t(blocks * cols), 0.0), pb(size_t(blocks * cols), 0.0);
  parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) {
    std::vector<float> xhat(static_cast<size_t>(cols)), g(static_cast<size_t>(cols));
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t r0 = rows * blk / blocks, r1 = rows * (blk + 1) / blocks;
      double* pgb = pg.data() + blk * cols;
      double* pbb = pb.data() + blk * cols;
      for (int64_t r = r0; r < r1; r++) {
        const float* xr = x + r * cols;
        const float* dyr = dy + r * cols;
        float* dxr = dx + r * cols;
        float mean, rstd;
        row_stats(xr, cols, eps, mean, rstd);
        for (int64_t j = 0; j < cols; j++) {
          xhat[j] = (xr[j] - mean) * rstd;
          g[j] = dyr[j] * gamma[j];
        }
        double sg = 0, sgx = 0;
        for (int64_t j = 0; j < cols; j++) {
          sg += g[j];
          sgx += double(g[j]) * xhat[j];
        }
        const float mg = float(sg / double(cols)), mgx = float(sgx / double(cols));
        for (int64_t j = 0; j < cols; j++) dxr[j] = rstd * (g[j] - mg - xhat[j] * mgx);
        for (int64_t j = 0; j < cols; j++) {
          pgb[j] += double(dyr[j]) * xhat[j];
          pbb[j] += dyr[j];
        }
      }
    }
  });
  parallel_for(cols, 4096, [&](int64_t c0, int64_t c1) {
    for (int64_t j = c0; j < c1; j++) {
      double sg = 0, sb = 0;
      for (int64_t blk = 0; blk < blocks; blk++) {
        sg += pg[size_t(blk * cols + j)];
        sb += pb[size_t(blk * cols + j)];
      }
      dgamma[j] = float(sg);
      dbeta[j] = float(sb);
    }
  });
  return info.Env().Undefined();
}

// No FMA contraction in the update: each operation rounds to float32 like the composite tfjs ops, so the
// fused update reproduces the composite one (to the last bit where the composite kernels are IEEE).
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
// adamw(param, grad, m, v, beta1, beta2, eps, weightDecay, bc1, bc2, stepSize, gradScale): IN PLACE on
// param, m and v, in float32 with the trainer's operation order:
//   g ← g·s (s = gradScale, skipped when 1); m ← m·β1 + g·(1-β1); v ← v·β2 + g²·(1-β2);
//   u = (m/bc1) / (√(v/bc2) + ε) (+ wd·p); p ← p - u·stepSize.
Napi::Value AdamW(const Napi::CallbackInfo& info) {
  float* p = f32_arg(info, 0, "param");
  const float* g = f32_arg(info, 1, "grad");
  float* m = f32_arg(info, 2, "m");
  float* v = f32_arg(info, 3, "v");
  const float b1 = float(num_arg(info, 4, "beta1"));
  const float b2 = float(num_arg(info, 5, "beta2"));
  const float c1 = float(1.0 - num_arg(info, 4, "beta1"));
  const float c2 = float(1.0 - num_arg(info, 5, "beta2"));
  const float eps = float(num_arg(info, 6, "eps"));
  const double wd_d = num_arg(info, 7, "weightDecay");
  const float wd = float(wd_d);
  const float bc1 = float(num_arg(info, 8, "bc1"));
  const float bc2 = float(num_arg(info, 9, "bc2"));
  const float lr = float(num_arg(info, 10, "stepSize"));
  const double scale_d = num_arg(info, 11, "gradScale");
  const float scale = float(scale_d);
  const bool scaled = scale_d != 1.0, decay = wd_d != 0.0;
  const int64_t n = int64_t(typed_len(info, 0));
  if (int64_t(typed_len(info, 1)) != n || int64_t(typed_len(info, 2)) != n || int64_t(typed_len(info, 3)) != n)
    throw size_error(info.Env(), "adamw: param, grad, m and v sizes differ");
  // One loop per (scaled, decay) so each is branch-free and vectorises.
  auto update = [&](auto scaled_c, auto decay_c) {
    parallel_for(n, 32768, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) {
        float gi = g[i];
        if constexpr (decltype(scaled_c)::value) gi = gi * scale;
        const float mi = m[i] * b1 + gi * c1;
        const float vi = v[i] * b2 + (gi * gi) * c2;
        m[i] = mi;
        v[i] = vi;
        float u = (mi / bc1) / (std::sqrt(vi / bc2) + eps);
        if constexpr (decltype(decay_c)::value) u = u + p[i] * wd;
        p[i] = p[i] - u * lr;
      }
    });
  };
  using T = std::true_type;
  using F = std::false_type;
  if (scaled && decay) update(T{}, T{});
  else if (scaled) update(T{}, F{});
  else if (decay) update(F{}, T{});
  else update(F{}, F{});
  return info.Env().Undefined();
}

#pragma GCC pop_options

// sumSquares(x) → Σ x² accumulated in double (fixed blocks summed in order: deterministic).
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  const float* x = f32_arg(info, 0, "x");
  const int64_t n = int64_t(typed_len(info, 0));
  const int64_t grain = 1 << 16;
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>(64, (n + grain - 1) / grain));
  std::vector<double> part(size_t(blocks), 0.0);
  parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t i0 = n * blk / blocks, i1 = n * (blk + 1) / blocks;
      part[size_t(blk)] = sum_sq_centred_d(x + i0, i1 - i0, 0.0);
    }
  });
  double s = 0;
  for (double q : part) s += q;
  return Napi::Number::New(info.Env(), s);
}

// Test hook: the vectorised transcendentals over an array (which: 0 exp, 1 erf, 2 Φ = 0.5·erfc(-x/√2)).
Napi::Value MathProbe(const Napi::CallbackInfo& info) {
  const float* x = f32_arg(info, 0, "x");
  float* out = f32_arg(info, 1, "out");
  const int64_t which = int_arg(info, 2, "which");
  const int64_t n = int64_t(typed_len(info, 0));
  if (int64_t(typed_len(info, 1)) < n) throw size_error(info.Env(), "fusedMathProbe: out is smaller than x");
  for (int64_t i = 0; i < n; i += 8) {
    const int64_t k = std::min<int64_t>(8, n - i);
    v8f xv = load_part(x + i, k);
    v8f r = which == 0 ? vexp(xv) : which == 1 ? verf(xv) : vphi(xv);
    store_part(out + i, r, k);
  }
  return info.Env().Undefined();
}

void InitFused(Napi::Env env, Napi::Object exports) {
  exports.Set("geluForward", Napi::Function::New(env, GeluForward));
  exports.Set("geluGrad", Napi::Function::New(env, GeluGrad));
  exports.Set("layerNormForward", Napi::Function::New(env, LayerNormForward));
  exports.Set("layerNormGrad", Napi::Function::New(env, LayerNormGrad));
  exports.Set("adamw", Napi::Function::New(env, AdamW));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares));
  exports.Set("fusedMathProbe", Napi::Function::New(env, MathProbe));
}

}  // namespace

BIGS_REGISTER(InitFused);

}  // namespace bigs
