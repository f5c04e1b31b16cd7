// Custom kernels of @bigs/ssm-kernels on the native backend: FFT long convolution (forward and
// gradient), Toeplitz build / diagonal sums, Vandermonde forward and gradient.
//
// FFT long convolution. Layout: u, y, dy are row-major [B, L, H] (channels last); k is [L] (shared)
// or [H, L] (per channel). N = smallest power of two >= max(2, 2L), so circular = linear convolution.
// Eight channels run together, one per SIMD lane (GCC vector extension, AVX2 with -march=native): a
// row of u (8 contiguous channels) is one vector, so loads are contiguous and the FFT needs no shuffles.
// A real FFT of length N is a complex FFT of length M = N/2 on z[n] = x[2n] + i·x[2n+1] (radix-4
// decimation in frequency, natural order in, bit-reversed out) followed by the even/odd split; the
// inverse is the adjoint (split, then radix-4 decimation in time from bit-reversed order). Spectra stay
// in bit-reversed order: products are pointwise, and the split pairs k with M−k through a table.
// Spectra are packed: slot 0 holds X[0] (re) and X[M] (im), both real.
//
//   causal:      Y = U·K,        du = IFFT(DY·conj K),  dk = Σ_b IFFT(DY·conj U)
//   anticausal:  Y = U·conj K,   du = IFFT(DY·K),       dk = Σ_b IFFT(conj(DY·conj U))
// (the same formulas as packages/ssm-kernels/src/conv/fft-core.ts; float32 transforms, float64 sums
// across threads for the shared-kernel dk).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "native.h"

namespace bigs {
namespace {

typedef float v8 __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));
constexpr int LANES = 8;

template <class T>
struct AlignedBuf {
  std::vector<T> v;
  T* get(size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};

// ---------------------------------------------------------------- plans
struct Plan {
  int N = 0, M = 0;
  std::vector<float> twr, twi;  // per radix-2 stage span s: tw[s + j] = exp(-2πi j / (2s)), j < s
  std::vector<float> spr, spi;  // split twiddles exp(-2πi k / N), k < M/2
  std::vector<int> pos;         // bit-reversed position of index k (size M)
};

std::mutex plan_mu;
std::map<int, std::unique_ptr<Plan>>& plans() {
  static auto* m = new std::map<int, std::unique_ptr<Plan>>();
  return *m;
}

const Plan& get_plan(int N) {
  std::lock_guard<std::mutex> lk(plan_mu);
  auto& m = plans();
  auto it = m.find(N);
  if (it != m.end()) return *it->second;
  auto p = std::make_unique<Plan>();
  p->N = N;
  p->M = N / 2;
  const int M = p->M;
  p->twr.assign(std::max(M, 1), 0.f);
  p->twi.assign(std::max(M, 1), 0.f);
  for (int s = 1; s < M; s <<= 1) {
    for (int j = 0; j < s; j++) {
      const double a = -M_PI * double(j) / double(s);
      p->twr[s + j] = float(std::cos(a));
      p->twi[s + j] = float(std::sin(a));
    }
  }
  p->spr.assign(std::max(M / 2, 1), 0.f);
  p->spi.assign(std::max(M / 2, 1), 0.f);
  for (int k = 0; k < M / 2; k++) {
    const double a = -2.0 * M_PI * double(k) / double(N);
    p->spr[k] = float(std::cos(a));
    p->spi[k] = float(std::sin(a));
  }
  int bits = 0;
  while ((1 << bits) < M) bits++;
  p->pos.resize(M);
  for (int k = 0; k < M; k++) {
    int r = 0;
    for (int b = 0; b < bits; b++)
      if (k & (1 << b)) r |= 1 << (bits - 1 - b);
    p->pos[k] = r;
  }
  const Plan& ref = *p;
  m.emplace(N, std::move(p));
  return ref;
}

// ---------------------------------------------------------------- complex FFT on lanes
// Forward (sign −1), natural order in, bit-reversed order out. Two radix-2 DIF stages (spans 2s and s)
// fused into one pass where possible.
void fft_dif_iter(v8* re, v8* im, int M, const Plan& p) {
  const float* twr = p.twr.data();
  const float* twi = p.twi.data();
  int s = M / 2;
  for (; s >= 2; s >>= 2) {
    // stage span s2 = s (first), then span h = s/2 — a radix-4 butterfly on (j, j+h, j+s, j+s+h)
    const int h = s / 2;
    for (int blk = 0; blk < M; blk += 2 * s) {
      v8* r = re + blk;
      v8* i = im + blk;
      for (int j = 0; j < h; j++) {
        // first stage (span s): pairs (j, j+s) and (j+h, j+s+h) with twiddles tw[s+j], tw[s+j+h]
        const v8 ar = r[j], ai = i[j], br = r[j + s], bi = i[j + s];
        const v8 cr = r[j + h], ci = i[j + h], dr = r[j + s + h], di = i[j + s + h];
        const float w1r = twr[s + j], w1i = twi[s + j];
        const float w2r = twr[s + j + h], w2i = twi[s + j + h];
        const v8 s0r = ar + br, s0i = ai + bi;
        const v8 d0r = ar - br, d0i = ai - bi;
        const v8 s1r = cr + dr, s1i = ci + di;
        const v8 d1r = cr - dr, d1i = ci - di;
        const v8 t0r = d0r * w1r - d0i * w1i, t0i = d0r * w1i + d0i * w1r;  // at j+s
        const v8 t1r = d1r * w2r - d1i * w2i, t1i = d1r * w2i + d1i * w2r;  // at j+s+h
        // second stage (span h): pairs (j, j+h) and (j+s, j+s+h) with twiddle tw[h+j]
        const float w3r = twr[h + j], w3i = twi[h + j];
        r[j] = s0r + s1r;
        i[j] = s0i + s1i;
        const v8 e0r = s0r - s1r, e0i = s0i - s1i;
        r[j + h] = e0r * w3r - e0i * w3i;
        i[j + h] = e0r * w3i + e0i * w3r;
        r[j + s] = t0r + t1r;
        i[j + s] = t0i + t1i;
        const v8 e1r = t0r - t1r, e1i = t0i - t1i;
        r[j + s + h] = e1r * w3r - e1i * w3i;
        i[j + s + h] = e1r * w3i + e1i * w3r;
      }
    }
  }
  if (s == 1) {  // a last radix-2 stage of span 1 (twiddle 1)
    for (int j = 0; j < M; j += 2) {
      const v8 ar = re[j], ai = im[j], br = re[j + 1], bi = im[j + 1];
      re[j] = ar + br;
      im[j] = ai + bi;
      re[j + 1] = ar - br;
      im[j + 1] = ai - bi;
    }
  }
}

// Inverse (sign +1, unnormalised), bit-reversed order in, natural order out: the exact reverse of fft_dif.
void fft_dit_inv_iter(v8* re, v8* im, int M, const Plan& p) {
  const float* twr = p.twr.data();
  const float* twi = p.twi.data();
  // the stage spans fft_dif used, in reverse
  int s0 = M / 2;
  int fused[32];  // log4(M) entries
  int nf = 0;
  for (; s0 >= 2; s0 >>= 2) fused[nf++] = s0;
  if (s0 == 1) {
    for (int j = 0; j < M; j += 2) {
      const v8 ar = re[j], ai = im[j], br = re[j + 1], bi = im[j + 1];
      re[j] = ar + br;
      im[j] = ai + bi;
      re[j + 1] = ar - br;
      im[j + 1] = ai - bi;
    }
  }
  for (int f = nf - 1; f >= 0; f--) {
    const int s = fused[f];
    const int h = s / 2;
    for (int blk = 0; blk < M; blk += 2 * s) {
      v8* r = re + blk;
      v8* i = im + blk;
      for (int j = 0; j < h; j++) {
        // undo the span-h stage: (j, j+h) and (j+s, j+s+h) with conj tw[h+j]
        const float w3r = twr[h + j], w3i = -twi[h + j];
        const v8 xr = r[j + h], xi = i[j + h];
        const v8 e0r = xr * w3r - xi * w3i, e0i = xr * w3i + xi * w3r;
        const v8 ar = r[j], ai = i[j];
        const v8 s0r = ar + e0r, s0i = ai + e0i;
        const v8 s1r = ar - e0r, s1i = ai - e0i;
        const v8 yr = r[j + s + h], yi = i[j + s + h];
        const v8 e1r = yr * w3r - yi * w3i, e1i = yr * w3i + yi * w3r;
        const v8 br = r[j + s], bi = i[j + s];
        const v8 t0r = br + e1r, t0i = bi + e1i;
        const v8 t1r = br - e1r, t1i = bi - e1i;
        // undo the span-s stage: (j, j+s) with conj tw[s+j], (j+h, j+s+h) with conj tw[s+j+h]
        const float w1r = twr[s + j], w1i = -twi[s + j];
        const float w2r = twr[s + j + h], w2i = -twi[s + j + h];
        const v8 u0r = t0r * w1r - t0i * w1i, u0i = t0r * w1i + t0i * w1r;
        const v8 u1r = t1r * w2r - t1i * w2i, u1i = t1r * w2i + t1i * w2r;
        r[j] = s0r + u0r;
        i[j] = s0i + u0i;
        r[j + s] = s0r - u0r;
        i[j + s] = s0i - u0i;
        r[j + h] = s1r + u1r;
        i[j + h] = s1i + u1i;
        r[j + s + h] = s1r - u1r;
        i[j + s + h] = s1i - u1i;
      }
    }
  }
}

// Cache-friendly order of the same stages: after the first fused pass over a block of n, its four
// quarters are independent; finishing each quarter before the next keeps the working set in L1.
constexpr int FFT_LEAF = 256;

void fft_dif_rec(v8* re, v8* im, int n, const Plan& p) {
  if (n <= FFT_LEAF) return fft_dif_iter(re, im, n, p);
  const int s = n / 2, h = s / 2;
  const float* twr = p.twr.data();
  const float* twi = p.twi.data();
  for (int j = 0; j < h; j++) {
    const v8 ar = re[j], ai = im[j], br = re[j + s], bi = im[j + s];
    const v8 cr = re[j + h], ci = im[j + h], dr = re[j + s + h], di = im[j + s + h];
    const float w1r = twr[s + j], w1i = twi[s + j];
    const float w2r = twr[s + j + h], w2i = twi[s + j + h];
    const v8 s0r = ar + br, s0i = ai + bi, d0r = ar - br, d0i = ai - bi;
    const v8 s1r = cr + dr, s1i = ci + di, d1r = cr - dr, d1i = ci - di;
    const v8 t0r = d0r * w1r - d0i * w1i, t0i = d0r * w1i + d0i * w1r;
    const v8 t1r = d1r * w2r - d1i * w2i, t1i = d1r * w2i + d1i * w2r;
    const float w3r = twr[h + j], w3i = twi[h + j];
    re[j] = s0r + s1r;
    im[j] = s0i + s1i;
    const v8 e0r = s0r - s1r, e0i = s0i - s1i;
    re[j + h] = e0r * w3r - e0i * w3i;
    im[j + h] = e0r * w3i + e0i * w3r;
    re[j + s] = t0r + t1r;
    im[j + s] = t0i + t1i;
    const v8 e1r = t0r - t1r, e1i = t0i - t1i;
    re[j + s + h] = e1r * w3r - e1i * w3i;
    im[j + s + h] = e1r * w3i + e1i * w3r;
  }
  for (int q = 0; q < 4; q++) fft_dif_rec(re + q * h, im + q * h, h, p);
}

void fft_dit_inv_rec(v8* re, v8* im, int n, const Plan& p) {
  if (n <= FFT_LEAF) return fft_dit_inv_iter(re, im, n, p);
  const int s = n / 2, h = s / 2;
  for (int q = 0; q < 4; q++) fft_dit_inv_rec(re + q * h, im + q * h, h, p);
  const float* twr = p.twr.data();
  const float* twi = p.twi.data();
  for (int j = 0; j < h; j++) {
    const float w3r = twr[h + j], w3i = -twi[h + j];
    const v8 xr = re[j + h], xi = im[j + h];
    const v8 e0r = xr * w3r - xi * w3i, e0i = xr * w3i + xi * w3r;
    const v8 ar = re[j], ai = im[j];
    const v8 s0r = ar + e0r, s0i = ai + e0i, s1r = ar - e0r, s1i = ai - e0i;
    const v8 yr = re[j + s + h], yi = im[j + s + h];
    const v8 e1r = yr * w3r - yi * w3i, e1i = yr * w3i + yi * w3r;
    const v8 br = re[j + s], bi = im[j + s];
    const v8 t0r = br + e1r, t0i = bi + e1i, t1r = br - e1r, t1i = bi - e1i;
    const float w1r = twr[s + j], w1i = -twi[s + j];
    const float w2r = twr[s + j + h], w2i = -twi[s + j + h];
    const v8 u0r = t0r * w1r - t0i * w1i, u0i = t0r * w1i + t0i * w1r;
    const v8 u1r = t1r * w2r - t1i * w2i, u1i = t1r * w2i + t1i * w2r;
    re[j] = s0r + u0r;
    im[j] = s0i + u0i;
    re[j + s] = s0r - u0r;
    im[j + s] = s0i - u0i;
    re[j + h] = s1r + u1r;
    im[j + h] = s1i + u1i;
    re[j + s + h] = s1r - u1r;
    im[j + s + h] = s1i - u1i;
  }
}

inline void fft_dif(v8* re, v8* im, const Plan& p) { fft_dif_rec(re, im, p.M, p); }
inline void fft_dit_inv(v8* re, v8* im, const Plan& p) { fft_dit_inv_rec(re, im, p.M, p); }

// Z (bit-reversed complex FFT of z[n] = x[2n] + i·x[2n+1]) → 2·X, the real signal's spectrum, k = 0..M,
// in place (slot 0 = (2X[0], 2X[M])).
void split_fwd(v8* re, v8* im, const Plan& p) {
  const int M = p.M;
  const int* pos = p.pos.data();
  {
    const v8 a = re[0], b = im[0];
    re[0] = 2.0f * (a + b);
    im[0] = 2.0f * (a - b);
  }
  if (M >= 2) {
    const int q = pos[M / 2];
    re[q] = 2.0f * re[q];
    im[q] = -2.0f * im[q];
  }
  for (int k = 1; k < M / 2; k++) {
    const int pk = pos[k], pm = pos[M - k];
    const v8 Ar = re[pk], Ai = im[pk], Br = re[pm], Bi = -im[pm];  // A, conj B
    const v8 Xer = Ar + Br, Xei = Ai + Bi;
    const v8 Xor = Ai - Bi, Xoi = Br - Ar;  // −i·(A − conj B)
    const float c = p.spr[k], d = p.spi[k];
    const v8 Tr = Xor * c - Xoi * d, Ti = Xor * d + Xoi * c;
    re[pk] = Xer + Tr;
    im[pk] = Xei + Ti;
    re[pm] = Xer - Tr;
    im[pm] = Ti - Xei;
  }
}

// Y (spectrum k = 0..M, packed, bit-reversed) → 2·Z for fft_dit_inv; after it, the real signal is N·y.
void split_inv(v8* re, v8* im, const Plan& p) {
  const int M = p.M;
  const int* pos = p.pos.data();
  {
    const v8 a = re[0], b = im[0];
    re[0] = a + b;
    im[0] = a - b;
  }
  if (M >= 2) {
    const int q = pos[M / 2];
    re[q] = 2.0f * re[q];
    im[q] = -2.0f * im[q];
  }
  for (int k = 1; k < M / 2; k++) {
    const int pk = pos[k], pm = pos[M - k];
    const v8 Ykr = re[pk], Yki = im[pk], Ymr = re[pm], Ymi = im[pm];
    const v8 Xer = Ykr + Ymr, Xei = Yki - Ymi;
    const v8 Dr = Ykr - Ymr, Di = Yki + Ymi;
    const float c = p.spr[k], d = p.spi[k];
    const v8 Xor = Dr * c + Di * d, Xoi = Di * c - Dr * d;  // D·conj W^k
    re[pk] = Xer - Xoi;
    im[pk] = Xei + Xor;
    re[pm] = Xer + Xoi;
    im[pm] = Xor - Xei;
  }
}

// ---------------------------------------------------------------- load / store of channel groups
// Rows t < L of 8 channels [h0, h0 + nch) at x + base (row stride H) → packed z (zero padded to M).
inline v8 load_row(const float* x, int64_t off, int nch) {
  v8 v;
  if (nch == LANES) {
    std::memcpy(&v, x + off, sizeof(v8));
  } else {
    v = v8{};
    for (int j = 0; j < nch; j++) v[j] = x[off + j];
  }
  return v;
}

inline void store_row(float* x, int64_t off, int nch, v8 v) {
  if (nch == LANES) {
    std::memcpy(x + off, &v, sizeof(v8));
  } else {
    for (int j = 0; j < nch; j++) x[off + j] = v[j];
  }
}

void load_group(const float* x, int64_t base, int64_t H, int L, int nch, v8* re, v8* im, int M) {
  const v8 zero = v8{};
  for (int n = 0; n < M; n++) {
    const int t0 = 2 * n, t1 = 2 * n + 1;
    re[n] = t0 < L ? load_row(x, base + int64_t(t0) * H, nch) : zero;
    im[n] = t1 < L ? load_row(x, base + int64_t(t1) * H, nch) : zero;
  }
}

void store_group(float* y, int64_t base, int64_t H, int L, int nch, const v8* re, const v8* im) {
  for (int t = 0; t < L; t++) store_row(y, base + int64_t(t) * H, nch, (t & 1) ? im[t >> 1] : re[t >> 1]);
}

// Spectra of the kernels, scaled by 1/(4N) (so that forward·kernel then inverse gives y exactly):
// shared → 1 group with every lane the same kernel; per channel → ceil(H/8) groups, lane j = channel 8g+j.
void kernel_spectra(const float* k, int L, int64_t H, bool shared, const Plan& p, std::vector<v8>& kre,
                    std::vector<v8>& kim) {
  const int M = p.M;
  const int64_t G = shared ? 1 : (H + LANES - 1) / LANES;
  kre.resize(size_t(G) * M);
  kim.resize(size_t(G) * M);
  const float scale = float(1.0 / (4.0 * p.N));
  parallel_for(G, 1, [&](int64_t g0, int64_t g1) {
    for (int64_t g = g0; g < g1; g++) {
      v8* re = kre.data() + g * M;
      v8* im = kim.data() + g * M;
      const int nch = shared ? LANES : int(std::min<int64_t>(LANES, H - g * LANES));
      auto at = [&](int t) -> v8 {
        if (t >= L) return v8{};
        v8 v = v8{};
        if (shared) {
          v = v8{} + k[t];
        } else {
          for (int j = 0; j < nch; j++) v[j] = k[(g * LANES + j) * L + t];
        }
        return v;
      };
      for (int n = 0; n < M; n++) {
        re[n] = at(2 * n);
        im[n] = at(2 * n + 1);
      }
      fft_dif(re, im, p);
      split_fwd(re, im, p);
      for (int n = 0; n < M; n++) {
        re[n] *= scale;
        im[n] *= scale;
      }
    }
  });
}

// X ← X·K (conj K when conjK), packed slot 0 multiplies componentwise.
inline void mul_spec(v8* re, v8* im, const v8* kr, const v8* ki, int M, bool conjK) {
  re[0] *= kr[0];
  im[0] *= ki[0];
  const float s = conjK ? -1.f : 1.f;
  for (int n = 1; n < M; n++) {
    const v8 xr = re[n], xi = im[n], a = kr[n], b = ki[n] * s;
    re[n] = xr * a - xi * b;
    im[n] = xr * b + xi * a;
  }
}

// P += D·conj U (packed slot 0 componentwise).
inline void acc_cross(v8* pr, v8* pi, const v8* dr, const v8* di, const v8* ur, const v8* ui, int M) {
  pr[0] += dr[0] * ur[0];
  pi[0] += di[0] * ui[0];
  for (int n = 1; n < M; n++) {
    pr[n] += dr[n] * ur[n] + di[n] * ui[n];
    pi[n] += di[n] * ur[n] - dr[n] * ui[n];
  }
}

int fft_size(int L) {
  int n = 2;
  while (n < 2 * L) n *= 2;
  return n;
}

thread_local AlignedBuf<v8> tl_a, tl_b, tl_c;

// longConvFft(u, k, y, B, L, H, shared, anticausal)
Napi::Value LongConvFft(const Napi::CallbackInfo& info) {
  const float* u = f32_arg(info, 0, "u");
  const float* k = f32_arg(info, 1, "k");
  float* y = f32_arg(info, 2, "y");
  const int64_t B = int_arg(info, 3, "B");
  const int L = int(int_arg(info, 4, "L"));
  const int64_t H = int_arg(info, 5, "H");
  const bool shared = bool_arg(info, 6, "shared");
  const bool anti = bool_arg(info, 7, "anticausal");
  const size_t n = size_t(B) * L * H;
  if (B < 0 || L < 1 || H < 1 || typed_len(info, 0) < n || typed_len(info, 2) < n ||
      typed_len(info, 1) < size_t(shared ? L : L * H)) {
    throw Napi::RangeError::New(info.Env(), "longConvFft: array sizes do not match B, L, H");
  }
  if (n == 0) return info.Env().Undefined();
  const Plan& p = get_plan(fft_size(L));
  const int M = p.M;
  std::vector<v8> kre, kim;
  kernel_spectra(k, L, H, shared, p, kre, kim);
  const int64_t G = (H + LANES - 1) / LANES;
  parallel_for(B * G, 1, [&](int64_t t0, int64_t t1) {
    v8* re = tl_a.get(M);
    v8* im = tl_b.get(M);
    for (int64_t task = t0; task < t1; task++) {
      const int64_t b = task / G, g = task % G;
      const int nch = int(std::min<int64_t>(LANES, H - g * LANES));
      const int64_t base = b * L * H + g * LANES;
      load_group(u, base, H, L, nch, re, im, M);
      fft_dif(re, im, p);
      split_fwd(re, im, p);
      const int64_t ko = shared ? 0 : g * M;
      mul_spec(re, im, kre.data() + ko, kim.data() + ko, M, anti);
      split_inv(re, im, p);
      fft_dit_inv(re, im, p);
      store_group(y, base, H, L, nch, re, im);
    }
  });
  return info.Env().Undefined();
}

// P (packed, 4× true scale, lanes = channels) → dk rows; conj P first when anticausal.
void finish_dk(v8* pr, v8* pi, const Plan& p, bool anti) {
  if (anti) {
    for (int n = 1; n < p.M; n++) pi[n] = -pi[n];
  }
  split_inv(pr, pi, p);
  fft_dit_inv(pr, pi, p);
}

// longConvFftGrad(dy, u, k, du, dk, B, L, H, shared, anticausal)
Napi::Value LongConvFftGrad(const Napi::CallbackInfo& info) {
  const float* dy = f32_arg(info, 0, "dy");
  const float* u = f32_arg(info, 1, "u");
  const float* k = f32_arg(info, 2, "k");
  float* du = f32_arg(info, 3, "du");
  float* dk = f32_arg(info, 4, "dk");
  const int64_t B = int_arg(info, 5, "B");
  const int L = int(int_arg(info, 6, "L"));
  const int64_t H = int_arg(info, 7, "H");
  const bool shared = bool_arg(info, 8, "shared");
  const bool anti = bool_arg(info, 9, "anticausal");
  const size_t n = size_t(B) * L * H;
  const size_t nk = size_t(shared ? L : L * H);
  if (B < 0 || L < 1 || H < 1 || typed_len(info, 0) < n || typed_len(info, 1) < n || typed_len(info, 3) < n ||
      typed_len(info, 2) < nk || typed_len(info, 4) < nk) {
    throw Napi::RangeError::New(info.Env(), "longConvFftGrad: array sizes do not match B, L, H");
  }
  if (n == 0) {
    std::fill(dk, dk + nk, 0.f);
    return info.Env().Undefined();
  }
  const Plan& p = get_plan(fft_size(L));
  const int M = p.M;
  std::vector<v8> kre, kim;
  kernel_spectra(k, L, H, shared, p, kre, kim);
  const int64_t G = (H + LANES - 1) / LANES;
  const float dk_scale = float(1.0 / (4.0 * p.N));
  // du for one (b, g); accumulates DY·conj U into (pr, pi).
  auto one = [&](int64_t b, int64_t g, v8* dr, v8* di, v8* ur, v8* ui, v8* pr, v8* pi) {
    const int nch = int(std::min<int64_t>(LANES, H - g * LANES));
    const int64_t base = b * L * H + g * LANES;
    load_group(dy, base, H, L, nch, dr, di, M);
    load_group(u, base, H, L, nch, ur, ui, M);
    fft_dif(dr, di, p);
    split_fwd(dr, di, p);
    fft_dif(ur, ui, p);
    split_fwd(ur, ui, p);
    acc_cross(pr, pi, dr, di, ur, ui, M);
    const int64_t ko = shared ? 0 : g * M;
    mul_spec(dr, di, kre.data() + ko, kim.data() + ko, M, !anti);
    split_inv(dr, di, p);
    fft_dit_inv(dr, di, p);
    store_group(du, base, H, L, nch, dr, di);
  };
  if (shared) {
    std::vector<double> accr(M, 0.0), acci(M, 0.0);
    std::mutex acc_mu;
    parallel_for(B * G, 1, [&](int64_t t0, int64_t t1) {
      v8* buf = tl_a.get(4 * size_t(M));
      v8* pbuf = tl_b.get(2 * size_t(M));
      v8* pr = pbuf;
      v8* pi = pbuf + M;
      std::fill(pr, pr + 2 * size_t(M), v8{});
      for (int64_t task = t0; task < t1; task++) {
        one(task / G, task % G, buf, buf + M, buf + 2 * M, buf + 3 * M, pr, pi);
      }
      std::lock_guard<std::mutex> lk(acc_mu);
      for (int nn = 0; nn < M; nn++) {
        double sr = 0, si = 0;
        for (int j = 0; j < LANES; j++) {
          sr += pr[nn][j];
          si += pi[nn][j];
        }
        accr[nn] += sr;
        acci[nn] += si;
      }
    });
    std::vector<v8> fr(M), fi(M);
    for (int nn = 0; nn < M; nn++) {
      fr[nn] = v8{};
      fi[nn] = v8{};
      fr[nn][0] = float(accr[nn]);
      fi[nn][0] = float(acci[nn]);
    }
    finish_dk(fr.data(), fi.data(), p, anti);
    for (int t = 0; t < L; t++) dk[t] = ((t & 1) ? fi[t >> 1][0] : fr[t >> 1][0]) * dk_scale;
    return info.Env().Undefined();
  }
  parallel_for(G, 1, [&](int64_t g0, int64_t g1) {
    v8* buf = tl_a.get(4 * size_t(M));
    v8* pbuf = tl_b.get(2 * size_t(M));
    v8* pr = pbuf;
    v8* pi = pbuf + M;
    for (int64_t g = g0; g < g1; g++) {
      std::fill(pr, pr + 2 * size_t(M), v8{});
      for (int64_t b = 0; b < B; b++) one(b, g, buf, buf + M, buf + 2 * M, buf + 3 * M, pr, pi);
      finish_dk(pr, pi, p, anti);
      const int nch = int(std::min<int64_t>(LANES, H - g * LANES));
      for (int j = 0; j < nch; j++) {
        float* row = dk + (g * LANES + j) * L;
        for (int t = 0; t < L; t++) row[t] = ((t & 1) ? pi[t >> 1][j] : pr[t >> 1][j]) * dk_scale;
      }
    }
  });
  return info.Env().Undefined();
}

// ---------------------------------------------------------------- Toeplitz
// toeplitzBuild(k [G, L], out [G, L, L], G, L, upper): lower T[i, j] = k[i−j] (j ≤ i), upper T[i, j] = k[j−i].
Napi::Value ToeplitzBuild(const Napi::CallbackInfo& info) {
  const float* k = f32_arg(info, 0, "k");
  float* out = f32_arg(info, 1, "out");
  const int64_t G = int_arg(info, 2, "G");
  const int64_t L = int_arg(info, 3, "L");
  const bool upper = bool_arg(info, 4, "upper");
  if (G < 0 || L < 0 || typed_len(info, 0) < size_t(G * L) || typed_len(info, 1) < size_t(G * L * L)) {
    throw Napi::RangeError::New(info.Env(), "toeplitzBuild: array sizes do not match G, L");
  }
  parallel_for(G * L, std::max<int64_t>(1, 4096 / std::max<int64_t>(L, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t g = r / L, i = r % L;
      const float* kg = k + g * L;
      float* row = out + r * L;
      if (upper) {
        std::fill(row, row + i, 0.f);
        std::memcpy(row + i, kg, sizeof(float) * size_t(L - i));
      } else {
        for (int64_t j = 0; j <= i; j++) row[j] = kg[i - j];
        std::fill(row + i + 1, row + L, 0.f);
      }
    }
  });
  return info.Env().Undefined();
}

// toeplitzDiagSum(t [G, L, L], out [G, L], G, L, upper): out[m] = Σ_i t[i, i−m] (lower) or Σ_i t[i, i+m].
Napi::Value ToeplitzDiagSum(const Napi::CallbackInfo& info) {
  const float* t = f32_arg(info, 0, "t");
  float* out = f32_arg(info, 1, "out");
  const int64_t G = int_arg(info, 2, "G");
  const int64_t L = int_arg(info, 3, "L");
  const bool upper = bool_arg(info, 4, "upper");
  if (G < 0 || L < 0 || typed_len(info, 0) < size_t(G * L * L) || typed_len(info, 1) < size_t(G * L)) {
    throw Napi::RangeError::New(info.Env(), "toeplitzDiagSum: array sizes do not match G, L");
  }
  std::vector<double> acc(size_t(G * L), 0.0);
  std::mutex mu;
  parallel_for(G * L, std::max<int64_t>(1, 4096 / std::max<int64_t>(L, 1)), [&](int64_t r0, int64_t r1) {
    std::vector<double> local(size_t(L), 0.0);
    int64_t cur = r0 / L;
    auto flush = [&](int64_t g) {
      std::lock_guard<std::mutex> lk(mu);
      double* a = acc.data() + g * L;
      for (int64_t m = 0; m < L; m++) a[m] += local[m];
      std::fill(local.begin(), local.end(), 0.0);
    };
    for (int64_t r = r0; r < r1; r++) {
      const int64_t g = r / L, i = r % L;
      if (g != cur) {
        flush(cur);
        cur = g;
      }
      const float* row = t + r * L;
      double* lo = local.data();
      if (upper) {
        for (int64_t j = i; j < L; j++) lo[j - i] += row[j];
      } else {
        for (int64_t j = 0; j <= i; j++) lo[i - j] += row[j];
      }
    }
    if (r1 > r0) flush(cur);
  });
  for (size_t i = 0; i < acc.size(); i++) out[i] = float(acc[i]);
  return info.Env().Undefined();
}

// ---------------------------------------------------------------- Vandermonde
inline void z_of(const float* zRe, const float* zIm, int64_t i, bool logZ, double& zr, double& zi) {
  if (logZ) {
    const double mag = std::exp(double(zRe[i]));
    zr = mag * std::cos(double(zIm[i]));
    zi = mag * std::sin(double(zIm[i]));
  } else {
    zr = zRe[i];
    zi = zIm[i];
  }
}

// vandermonde(cRe, cIm, zRe, zIm, out [H, L], H, M, L, logZ): out[h, l] = Re Σ_m c·z^l, float64 recurrence.
Napi::Value Vandermonde(const Napi::CallbackInfo& info) {
  const float* cRe = f32_arg(info, 0, "cRe");
  const float* cIm = f32_arg(info, 1, "cIm");
  const float* zRe = f32_arg(info, 2, "zRe");
  const float* zIm = f32_arg(info, 3, "zIm");
  float* out = f32_arg(info, 4, "out");
  const int64_t H = int_arg(info, 5, "H");
  const int64_t M = int_arg(info, 6, "M");
  const int64_t L = int_arg(info, 7, "L");
  const bool logZ = bool_arg(info, 8, "logZ");
  const size_t hm = size_t(H * M);
  if (H < 0 || M < 0 || L < 0 || typed_len(info, 0) < hm || typed_len(info, 1) < hm || typed_len(info, 2) < hm ||
      typed_len(info, 3) < hm || typed_len(info, 4) < size_t(H * L)) {
    throw Napi::RangeError::New(info.Env(), "vandermonde: array sizes do not match H, M, L");
  }
  const int64_t MG = (M + 3) / 4;  // groups of 4 modes, one per double lane
  std::vector<double> acc(size_t(H * L), 0.0);
  std::mutex mu;
  parallel_for(H * MG, std::max<int64_t>(1, 2048 / std::max<int64_t>(L, 1)), [&](int64_t t0, int64_t t1) {
    std::vector<v4d> local(size_t(L), v4d{});
    int64_t cur = t0 / MG;
    auto flush = [&](int64_t h) {
      std::lock_guard<std::mutex> lk(mu);
      double* a = acc.data() + h * L;
      for (int64_t l = 0; l < L; l++) {
        const v4d v = local[l];
        a[l] += (v[0] + v[1]) + (v[2] + v[3]);
      }
      std::fill(local.begin(), local.end(), v4d{});
    };
    for (int64_t task = t0; task < t1; task++) {
      const int64_t h = task / MG, mg = task % MG;
      if (h != cur) {
        flush(cur);
        cur = h;
      }
      v4d vr{}, vi{}, zr{}, zi{};
      for (int j = 0; j < 4; j++) {
        const int64_t m = mg * 4 + j;
        if (m >= M) continue;  // lane stays 0
        const int64_t i = h * M + m;
        double a, b;
        z_of(zRe, zIm, i, logZ, a, b);
        zr[j] = a;
        zi[j] = b;
        vr[j] = cRe[i];
        vi[j] = cIm[i];
      }
      v4d* lo = local.data();
      for (int64_t l = 0; l < L; l++) {
        lo[l] += vr;
        const v4d t = vr * zr - vi * zi;
        vi = vr * zi + vi * zr;
        vr = t;
      }
    }
    if (t1 > t0) flush(cur);
  });
  for (size_t i = 0; i < acc.size(); i++) out[i] = float(acc[i]);
  return info.Env().Undefined();
}

// vandermondeGrad(dy [H, L], cRe, cIm, zRe, zIm, gcRe, gcIm, gzRe, gzIm, H, M, L, logZ)
// With T = Σ_l dK[l]·z^l and S = Σ_{l≥1} dK[l]·l·z^{l−1}: gcRe = Re T, gcIm = −Im T, gz = c·S (times z for
// logZ), gzRe = Re, gzIm = −Im.
Napi::Value VandermondeGrad(const Napi::CallbackInfo& info) {
  const float* dy = f32_arg(info, 0, "dy");
  const float* cRe = f32_arg(info, 1, "cRe");
  const float* cIm = f32_arg(info, 2, "cIm");
  const float* zRe = f32_arg(info, 3, "zRe");
  const float* zIm = f32_arg(info, 4, "zIm");
  float* gcRe = f32_arg(info, 5, "gcRe");
  float* gcIm = f32_arg(info, 6, "gcIm");
  float* gzRe = f32_arg(info, 7, "gzRe");
  float* gzIm = f32_arg(info, 8, "gzIm");
  const int64_t H = int_arg(info, 9, "H");
  const int64_t M = int_arg(info, 10, "M");
  const int64_t L = int_arg(info, 11, "L");
  const bool logZ = bool_arg(info, 12, "logZ");
  const size_t hm = size_t(H * M);
  if (H < 0 || M < 0 || L < 0 || typed_len(info, 0) < size_t(H * L)) {
    throw Napi::RangeError::New(info.Env(), "vandermondeGrad: dy size does not match H, L");
  }
  for (size_t a = 1; a <= 8; a++) {
    if (typed_len(info, a) < hm) throw Napi::RangeError::New(info.Env(), "vandermondeGrad: array sizes do not match H, M");
  }
  const int64_t MG = (M + 3) / 4;
  parallel_for(H * MG, std::max<int64_t>(1, 2048 / std::max<int64_t>(L, 1)), [&](int64_t t0, int64_t t1) {
    for (int64_t task = t0; task < t1; task++) {
      const int64_t h = task / MG, mg = task % MG;
      v4d zr{}, zi{};
      for (int j = 0; j < 4; j++) {
        const int64_t m = mg * 4 + j;
        if (m >= M) continue;
        double a, b;
        z_of(zRe, zIm, h * M + m, logZ, a, b);
        zr[j] = a;
        zi[j] = b;
      }
      const float* d = dy + h * L;
      v4d wr = v4d{} + 1.0, wi{}, tr{}, ti{}, sr{}, si{};
      if (L > 0) {
        tr += double(d[0]) * wr;
        ti += double(d[0]) * wi;
      }
      for (int64_t l = 1; l < L; l++) {
        const double dl = d[l];
        const double dll = dl * double(l);
        sr += dll * wr;
        si += dll * wi;
        const v4d t = wr * zr - wi * zi;
        wi = wr * zi + wi * zr;
        wr = t;
        tr += dl * wr;
        ti += dl * wi;
      }
      for (int j = 0; j < 4; j++) {
        const int64_t m = mg * 4 + j;
        if (m >= M) continue;
        const int64_t i = h * M + m;
        const double cr = cRe[i], ci = cIm[i];
        gcRe[i] = float(tr[j]);
        gcIm[i] = float(-ti[j]);
        double gr = cr * sr[j] - ci * si[j];
        double gi = cr * si[j] + ci * sr[j];
        if (logZ) {
          const double t = gr * zr[j] - gi * zi[j];
          gi = gr * zi[j] + gi * zr[j];
          gr = t;
        }
        gzRe[i] = float(gr);
        gzIm[i] = float(-gi);
      }
    }
  });
  return info.Env().Undefined();
}

void InitConv(Napi::Env env, Napi::Object exports) {
  exports.Set("longConvFft", Napi::Function::New(env, LongConvFft));
  exports.Set("longConvFftGrad", Napi::Function::New(env, LongConvFftGrad));
  exports.Set("toeplitzBuild", Napi::Function::New(env, ToeplitzBuild));
  exports.Set("toeplitzDiagSum", Napi::Function::New(env, ToeplitzDiagSum));
  exports.Set("vandermonde", Napi::Function::New(env, Vandermonde));
  exports.Set("vandermondeGrad", Napi::Function::New(env, VandermondeGrad));
}

}  // namespace

BIGS_REGISTER(InitConv);

}  // namespace bigs
