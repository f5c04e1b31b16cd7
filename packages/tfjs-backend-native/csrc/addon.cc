// Module entry: collects every kernel file's exports (BIGS_REGISTER) and the argument helpers.
#include <vector>

#include "native.h"

namespace bigs {

static std::vector<InitFn>& registry() {
  static std::vector<InitFn> fns;
  return fns;
}

Registrar::Registrar(InitFn fn) { registry().push_back(fn); }

static Napi::TypedArray typed_arg(const Napi::CallbackInfo& info, size_t i, const char* name,
                                  napi_typedarray_type type, const char* type_name) {
  if (i >= info.Length() || !info[i].IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' must be a " + type_name);
  }
  auto arr = info[i].As<Napi::TypedArray>();
  if (arr.TypedArrayType() != type) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' must be a " + type_name);
  }
  return arr;
}

float* f32_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  auto arr = typed_arg(info, i, name, napi_float32_array, "Float32Array");
  return arr.As<Napi::Float32Array>().Data();
}

int32_t* i32_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  auto arr = typed_arg(info, i, name, napi_int32_array, "Int32Array");
  return arr.As<Napi::Int32Array>().Data();
}

size_t typed_len(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::TypedArray>().ElementLength();
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' must be a number");
  }
  return info[i].As<Napi::Number>().Int64Value();
}

double num_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsBoolean()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' must be a boolean");
  }
  return info[i].As<Napi::Boolean>().Value();
}

}  // namespace bigs

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (auto fn : bigs::registry()) fn(env, exports);
  return exports;
}

NODE_API_MODULE(bigs_native, Init)
