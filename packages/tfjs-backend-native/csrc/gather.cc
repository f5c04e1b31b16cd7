// Data movement: GatherV2, UnsortedSegmentSum (scatter-add, O(N * inner)), Slice, Concat, PadV2
// (constant), Tile. Every copy is of float32 rows; every size is checked against the arrays first.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "native.h"

namespace bigs {
namespace {

constexpr int64_t kGrain = 32768;
constexpr int kMaxRank = 16;

[[noreturn]] void range_error(const Napi::CallbackInfo& info, const char* fn, const char* what) {
  throw Napi::RangeError::New(info.Env(), std::string(fn) + ": " + what);
}

std::vector<int64_t> ints(const Napi::CallbackInfo& info, size_t i, const char* name, const char* fn) {
  const int32_t* s = i32_arg(info, i, name);
  const size_t r = typed_len(info, i);
  if (r > size_t(kMaxRank)) range_error(info, fn, "rank above 16");
  return std::vector<int64_t>(s, s + r);
}

int64_t prod(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// gatherV2(x, indices: Int32Array, out, batch, outer, D, inner, N) -> -1, or the position of the
// first index outside [0, D) (nothing written; the caller raises the cpu kernel's error).
Napi::Value GatherV2(const Napi::CallbackInfo& info) {
  const char* fn = "gatherV2";
  const float* x = f32_arg(info, 0, "x");
  const int32_t* idx = i32_arg(info, 1, "indices");
  float* out = f32_arg(info, 2, "out");
  const int64_t batch = int_arg(info, 3, "batch"), outer = int_arg(info, 4, "outer"), D = int_arg(info, 5, "D"),
                inner = int_arg(info, 6, "inner"), N = int_arg(info, 7, "N");
  if (batch < 0 || outer < 0 || D < 0 || inner < 0 || N < 0) range_error(info, fn, "negative size");
  if (int64_t(typed_len(info, 0)) != batch * outer * D * inner || int64_t(typed_len(info, 1)) != batch * N ||
      int64_t(typed_len(info, 2)) != batch * outer * N * inner)
    range_error(info, fn, "array lengths do not match [batch, outer, D, inner] / [batch, N]");
  for (int64_t i = 0; i < batch * N; i++)
    if (idx[i] < 0 || idx[i] >= D) return Napi::Number::New(info.Env(), double(i));
  const int64_t rows = batch * outer * N;
  if (rows * inner == 0) return Napi::Number::New(info.Env(), -1);
  parallel_for(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; w++) {
      const int64_t n = w % N, bo = w / N, b = bo / outer;
      const int64_t src = (bo * D + idx[b * N + n]) * inner;
      std::memcpy(out + w * inner, x + src, size_t(inner) * 4);
    }
  });
  return Napi::Number::New(info.Env(), -1);
}

// unsortedSegmentSum(x, segmentIds: Int32Array, out, N, inner, numSegments):
//   out[s, :] = sum of x[n, :] over n with segmentIds[n] == s; ids outside [0, numSegments) are dropped.
Napi::Value UnsortedSegmentSum(const Napi::CallbackInfo& info) {
  const char* fn = "unsortedSegmentSum";
  const float* x = f32_arg(info, 0, "x");
  const int32_t* ids = i32_arg(info, 1, "segmentIds");
  float* out = f32_arg(info, 2, "out");
  const int64_t N = int_arg(info, 3, "N"), inner = int_arg(info, 4, "inner"), S = int_arg(info, 5, "numSegments");
  if (N < 0 || inner < 0 || S < 0) range_error(info, fn, "negative size");
  if (int64_t(typed_len(info, 0)) != N * inner || int64_t(typed_len(info, 1)) != N ||
      int64_t(typed_len(info, 2)) != S * inner)
    range_error(info, fn, "array lengths do not match [N, inner] / [numSegments, inner]");
  const int64_t total = S * inner;
  parallel_for(total, kGrain * 4, [&](int64_t lo, int64_t hi) { std::memset(out + lo, 0, size_t(hi - lo) * 4); });
  if (N * inner == 0) return info.Env().Undefined();
  // Threads own disjoint column ranges, so there are no write races.
  const int64_t col_grain = std::max<int64_t>(16, kGrain / std::max<int64_t>(N, 1));
  parallel_for(inner, col_grain, [&](int64_t c0, int64_t c1) {
    for (int64_t n = 0; n < N; n++) {
      const int64_t s = ids[n];
      if (s < 0 || s >= S) continue;
      const float* __restrict src = x + n * inner;
      float* __restrict dst = out + s * inner;
      for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
    }
  });
  return info.Env().Undefined();
}

// Copies the box x[begin : begin + size] (x of shape `shape`) into contiguous out.
void copy_box(const float* x, const std::vector<int64_t>& shape, const std::vector<int64_t>& begin,
              const std::vector<int64_t>& size, float* out) {
  const int r = int(shape.size());
  if (r == 0) {
    out[0] = x[0];
    return;
  }
  int64_t stride[kMaxRank];
  int64_t acc = 1;
  for (int d = r - 1; d >= 0; d--) {
    stride[d] = acc;
    acc *= shape[d];
  }
  // k: the outermost dim of the contiguous run (dims after k are taken whole).
  int k = r - 1;
  while (k > 0 && size[k] == shape[k]) k--;
  const int64_t run = size[k] * stride[k];
  int64_t rows = 1;
  for (int d = 0; d < k; d++) rows *= size[d];
  int64_t base = 0;
  for (int d = 0; d < r; d++) base += begin[d] * stride[d];
  parallel_for(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(run, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; w++) {
      int64_t off = base, rem = w;
      for (int d = k - 1; d >= 0; d--) {
        off += (rem % size[d]) * stride[d];
        rem /= size[d];
      }
      std::memcpy(out + w * run, x + off, size_t(run) * 4);
    }
  });
}

// slice(x, shape, begin, size, out)
Napi::Value Slice(const Napi::CallbackInfo& info) {
  const char* fn = "slice";
  const float* x = f32_arg(info, 0, "x");
  auto shape = ints(info, 1, "shape", fn), begin = ints(info, 2, "begin", fn), size = ints(info, 3, "size", fn);
  float* out = f32_arg(info, 4, "out");
  if (begin.size() != shape.size() || size.size() != shape.size()) range_error(info, fn, "ranks differ");
  for (size_t d = 0; d < shape.size(); d++)
    if (shape[d] < 0 || begin[d] < 0 || size[d] < 0 || begin[d] + size[d] > shape[d])
      range_error(info, fn, "begin/size outside the shape");
  if (int64_t(typed_len(info, 0)) != prod(shape) || int64_t(typed_len(info, 4)) != prod(size))
    range_error(info, fn, "array lengths do not match the shapes");
  if (prod(size) == 0) return info.Env().Undefined();
  copy_box(x, shape, begin, size, out);
  return info.Env().Undefined();
}

// concat(inputs: Float32Array[], widths: Int32Array, out, outer): inputs[i] is [outer, widths[i]];
// out is [outer, sum(widths)].
Napi::Value Concat(const Napi::CallbackInfo& info) {
  const char* fn = "concat";
  if (!info[0].IsArray()) throw Napi::TypeError::New(info.Env(), "concat: argument 'inputs' must be an array");
  auto arr = info[0].As<Napi::Array>();
  const int32_t* wv = i32_arg(info, 1, "widths");
  const size_t m = typed_len(info, 1);
  float* out = f32_arg(info, 2, "out");
  const int64_t outer = int_arg(info, 3, "outer");
  if (arr.Length() != m || outer < 0) range_error(info, fn, "inputs and widths differ in length");
  std::vector<const float*> src(m);
  std::vector<int64_t> off(m + 1, 0);
  for (size_t i = 0; i < m; i++) {
    Napi::Value v = arr.Get(uint32_t(i));
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(info.Env(), "concat: every input must be a Float32Array");
    auto f = v.As<Napi::Float32Array>();
    if (wv[i] < 0 || int64_t(f.ElementLength()) != outer * wv[i]) range_error(info, fn, "an input's length differs");
    src[i] = f.Data();
    off[i + 1] = off[i] + wv[i];
  }
  const int64_t W = off[m];
  if (int64_t(typed_len(info, 2)) != outer * W) range_error(info, fn, "out length differs");
  if (outer * W == 0) return info.Env().Undefined();
  parallel_for(outer, std::max<int64_t>(1, kGrain / W), [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; o++)
      for (size_t i = 0; i < m; i++) {
        const int64_t w = off[i + 1] - off[i];
        if (w > 0) std::memcpy(out + o * W + off[i], src[i] + o * w, size_t(w) * 4);
      }
  });
  return info.Env().Undefined();
}

// pad(x, shape, before, after, value, out): constant padding.
Napi::Value Pad(const Napi::CallbackInfo& info) {
  const char* fn = "pad";
  const float* x = f32_arg(info, 0, "x");
  auto shape = ints(info, 1, "shape", fn), before = ints(info, 2, "before", fn), after = ints(info, 3, "after", fn);
  const float value = float(num_arg(info, 4, "value"));
  float* out = f32_arg(info, 5, "out");
  const int r = int(shape.size());
  if (int(before.size()) != r || int(after.size()) != r) range_error(info, fn, "ranks differ");
  std::vector<int64_t> os(r);
  for (int d = 0; d < r; d++) {
    if (shape[d] < 0 || before[d] < 0 || after[d] < 0) range_error(info, fn, "negative size or padding");
    os[d] = before[d] + shape[d] + after[d];
  }
  if (int64_t(typed_len(info, 0)) != prod(shape) || int64_t(typed_len(info, 5)) != prod(os))
    range_error(info, fn, "array lengths do not match the shapes");
  const int64_t total = prod(os);
  if (total == 0) return info.Env().Undefined();
  if (r == 0) {
    out[0] = x[0];
    return info.Env().Undefined();
  }
  const int64_t W = os[r - 1], rows = total / W;
  const bool empty = prod(shape) == 0;
  parallel_for(rows, std::max<int64_t>(1, kGrain / W), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; w++) {
      float* o = out + w * W;
      // Is this output row inside the input box? Find the input row offset.
      int64_t off = 0, stride = shape[r - 1], rem = w;
      bool inside = !empty;
      for (int d = r - 2; d >= 0; d--) {
        const int64_t i = rem % os[d] - before[d];
        rem /= os[d];
        if (i < 0 || i >= shape[d]) inside = false;
        off += i * stride;
        stride *= shape[d];
      }
      if (!inside) {
        std::fill(o, o + W, value);
        continue;
      }
      std::fill(o, o + before[r - 1], value);
      std::memcpy(o + before[r - 1], x + off, size_t(shape[r - 1]) * 4);
      std::fill(o + before[r - 1] + shape[r - 1], o + W, value);
    }
  });
  return info.Env().Undefined();
}

// tile(x, shape, reps, out): out[i] = x[i mod shape] per dim.
Napi::Value Tile(const Napi::CallbackInfo& info) {
  const char* fn = "tile";
  const float* x = f32_arg(info, 0, "x");
  auto shape = ints(info, 1, "shape", fn), reps = ints(info, 2, "reps", fn);
  float* out = f32_arg(info, 3, "out");
  const int r = int(shape.size());
  if (int(reps.size()) != r) range_error(info, fn, "ranks differ");
  std::vector<int64_t> os(r);
  for (int d = 0; d < r; d++) {
    if (shape[d] < 0 || reps[d] < 0) range_error(info, fn, "negative size");
    os[d] = shape[d] * reps[d];
  }
  if (int64_t(typed_len(info, 0)) != prod(shape) || int64_t(typed_len(info, 3)) != prod(os))
    range_error(info, fn, "array lengths do not match the shapes");
  const int64_t total = prod(os);
  if (total == 0) return info.Env().Undefined();
  if (r == 0) {
    out[0] = x[0];
    return info.Env().Undefined();
  }
  const int64_t W = os[r - 1], w_in = shape[r - 1], rows = total / W;
  parallel_for(rows, std::max<int64_t>(1, kGrain / W), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; w++) {
      int64_t off = 0, stride = w_in, rem = w;
      for (int d = r - 2; d >= 0; d--) {
        off += ((rem % os[d]) % shape[d]) * stride;
        rem /= os[d];
        stride *= shape[d];
      }
      float* o = out + w * W;
      for (int64_t k = 0; k < reps[r - 1]; k++) std::memcpy(o + k * w_in, x + off, size_t(w_in) * 4);
    }
  });
  return info.Env().Undefined();
}

void InitGather(Napi::Env env, Napi::Object exports) {
  exports.Set("gatherV2", Napi::Function::New(env, GatherV2));
  exports.Set("unsortedSegmentSum", Napi::Function::New(env, UnsortedSegmentSum));
  exports.Set("slice", Napi::Function::New(env, Slice));
  exports.Set("concat", Napi::Function::New(env, Concat));
  exports.Set("pad", Napi::Function::New(env, Pad));
  exports.Set("tile", Napi::Function::New(env, Tile));
}

}  // namespace
BIGS_REGISTER(InitGather);
}  // namespace bigs
