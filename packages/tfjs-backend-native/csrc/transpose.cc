// Transpose of any rank. Dims are coalesced (size-1 dims dropped, dims that stay neighbours merged);
// then either rows are copied (the innermost dim is kept) or the two dims that hold the input's and
// the output's contiguous axes are transposed in cache tiles (8x8 AVX register blocks) per batch.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "native.h"

namespace bigs {
namespace {

constexpr int64_t kGrain = 32768;
constexpr int kMaxRank = 16;
constexpr int64_t kTile = 64;

#if defined(__AVX__)
// out[c * lo + r] = in[r * li + c] for an 8x8 block.
inline void block8x8(const float* in, int64_t li, float* out, int64_t lo) {
  __m256 r0 = _mm256_loadu_ps(in + 0 * li), r1 = _mm256_loadu_ps(in + 1 * li);
  __m256 r2 = _mm256_loadu_ps(in + 2 * li), r3 = _mm256_loadu_ps(in + 3 * li);
  __m256 r4 = _mm256_loadu_ps(in + 4 * li), r5 = _mm256_loadu_ps(in + 5 * li);
  __m256 r6 = _mm256_loadu_ps(in + 6 * li), r7 = _mm256_loadu_ps(in + 7 * li);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(out + 0 * lo, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(out + 1 * lo, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(out + 2 * lo, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(out + 3 * lo, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(out + 4 * lo, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(out + 5 * lo, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(out + 6 * lo, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(out + 7 * lo, _mm256_permute2f128_ps(s3, s7, 0x31));
}
#endif

// out[c * lo + r] = in[r * li + c] for r < nr, c < nc.
void tile2d(const float* in, int64_t li, float* out, int64_t lo, int64_t nr, int64_t nc) {
  int64_t r = 0;
#if defined(__AVX__)
  for (; r + 8 <= nr; r += 8) {
    int64_t c = 0;
    for (; c + 8 <= nc; c += 8) block8x8(in + r * li + c, li, out + c * lo + r, lo);
    for (; c < nc; c++)
      for (int64_t k = 0; k < 8; k++) out[c * lo + r + k] = in[(r + k) * li + c];
  }
#endif
  for (; r < nr; r++)
    for (int64_t c = 0; c < nc; c++) out[c * lo + r] = in[r * li + c];
}

// transpose(x, shape: Int32Array, perm: Int32Array, out)
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const float* x = f32_arg(info, 0, "x");
  const int32_t* shp = i32_arg(info, 1, "shape");
  const int32_t* prm = i32_arg(info, 2, "perm");
  float* out = f32_arg(info, 3, "out");
  const int R0 = int(typed_len(info, 1));
  if (R0 > kMaxRank || int(typed_len(info, 2)) != R0)
    throw Napi::RangeError::New(env, "transpose: perm and shape ranks differ (or rank above 16)");
  int64_t n = 1;
  bool seen[kMaxRank] = {false};
  for (int d = 0; d < R0; d++) {
    if (shp[d] < 0 || prm[d] < 0 || prm[d] >= R0 || seen[prm[d]])
      throw Napi::RangeError::New(env, "transpose: bad shape or perm");
    seen[prm[d]] = true;
    n *= shp[d];
  }
  if (int64_t(typed_len(info, 0)) != n || int64_t(typed_len(info, 3)) != n)
    throw Napi::RangeError::New(env, "transpose: array lengths do not match the shape");
  if (n == 0) return env.Undefined();
  // Drop size-1 dims.
  int keep_id[kMaxRank];
  int r1 = 0;
  int64_t s1[kMaxRank];
  for (int d = 0; d < R0; d++) {
    keep_id[d] = shp[d] == 1 ? -1 : r1;
    if (shp[d] != 1) s1[r1++] = shp[d];
  }
  int p1[kMaxRank], k1 = 0;
  for (int d = 0; d < R0; d++)
    if (keep_id[prm[d]] >= 0) p1[k1++] = keep_id[prm[d]];
  // Merge input dims that stay neighbours in the output.
  // groups in output order: each group is a run of consecutive input dims.
  int gstart[kMaxRank], glen[kMaxRank], g = 0;
  for (int k = 0; k < r1; k++) {
    if (g > 0 && p1[k] == gstart[g - 1] + glen[g - 1]) {
      glen[g - 1]++;
    } else {
      gstart[g] = p1[k];
      glen[g] = 1;
      g++;
    }
  }
  // Input dims of the merged problem, in input order: sort groups by gstart.
  int order[kMaxRank];
  for (int i = 0; i < g; i++) order[i] = i;
  std::sort(order, order + g, [&](int a, int b) { return gstart[a] < gstart[b]; });
  int64_t in_dim[kMaxRank];
  int in_pos_of_group[kMaxRank];
  for (int j = 0; j < g; j++) {
    int gi = order[j];
    int64_t s = 1;
    for (int t = 0; t < glen[gi]; t++) s *= s1[gstart[gi] + t];
    in_dim[j] = s;
    in_pos_of_group[gi] = j;
  }
  const int r = g;
  if (r <= 1) {
    parallel_for(n, kGrain * 4, [&](int64_t lo, int64_t hi) { std::memcpy(out + lo, x + lo, size_t(hi - lo) * 4); });
    return env.Undefined();
  }
  int64_t in_stride[kMaxRank];
  {
    int64_t acc = 1;
    for (int j = r - 1; j >= 0; j--) {
      in_stride[j] = acc;
      acc *= in_dim[j];
    }
  }
  // Output dim k = group k: size od[k], input stride ist[k], output stride ost[k].
  int64_t od[kMaxRank], ist[kMaxRank], ost[kMaxRank];
  for (int k = 0; k < r; k++) {
    od[k] = in_dim[in_pos_of_group[k]];
    ist[k] = in_stride[in_pos_of_group[k]];
  }
  {
    int64_t acc = 1;
    for (int k = r - 1; k >= 0; k--) {
      ost[k] = acc;
      acc *= od[k];
    }
  }
  if (ist[r - 1] == 1) {
    // The innermost dim stays innermost: copy rows of od[r-1] contiguous floats.
    const int64_t m = od[r - 1], rows = n / m;
    parallel_for(rows, std::max<int64_t>(1, kGrain / m), [&](int64_t wlo, int64_t whi) {
      for (int64_t w = wlo; w < whi; w++) {
        int64_t ioff = 0, rem = w;
        for (int k = r - 2; k >= 0; k--) {
          ioff += (rem % od[k]) * ist[k];
          rem /= od[k];
        }
        std::memcpy(out + w * m, x + ioff, size_t(m) * 4);
      }
    });
    return env.Undefined();
  }
  // q: the output position of the input's innermost dim (ist == 1); it is not r-1 after merging.
  int q = 0;
  for (int k = 0; k < r; k++)
    if (ist[k] == 1) q = k;
  const int64_t A = od[q], B = od[r - 1];
  const int64_t li = ist[r - 1], lo = ost[q];
  // Batch dims: every output dim except q and r-1.
  int bd[kMaxRank], nb = 0;
  int64_t batch = 1;
  for (int k = 0; k < r; k++)
    if (k != q && k != r - 1) {
      bd[nb++] = k;
      batch *= od[k];
    }
  const int64_t btiles = (B + kTile - 1) / kTile;
  const int64_t items = batch * btiles;
  parallel_for(items, std::max<int64_t>(1, kGrain / (kTile * A)), [&](int64_t wlo, int64_t whi) {
    for (int64_t w = wlo; w < whi; w++) {
      int64_t bi = w / btiles, bt = w % btiles;
      int64_t ioff = 0, ooff = 0, rem = bi;
      for (int t = nb - 1; t >= 0; t--) {
        const int k = bd[t];
        const int64_t idx = rem % od[k];
        rem /= od[k];
        ioff += idx * ist[k];
        ooff += idx * ost[k];
      }
      const int64_t b0 = bt * kTile, b1 = std::min(B, b0 + kTile);
      // in[b * li + a] -> out[a * lo + b] for b in [b0, b1), all a, in tiles of a.
      for (int64_t a0 = 0; a0 < A; a0 += kTile) {
        const int64_t a1 = std::min(A, a0 + kTile);
        tile2d(x + ioff + b0 * li + a0, li, out + ooff + a0 * lo + b0, lo, b1 - b0, a1 - a0);
      }
    }
  });
  return env.Undefined();
}

void InitTranspose(Napi::Env env, Napi::Object exports) {
  exports.Set("transpose", Napi::Function::New(env, Transpose));
}

}  // namespace
BIGS_REGISTER(InitTranspose);
}  // namespace bigs
