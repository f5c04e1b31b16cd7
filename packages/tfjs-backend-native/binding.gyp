{
  "variables": {
    "bigs_march%": "<!(node -p \"process.env.BIGS_NATIVE_MARCH || 'native'\")"
  },
  "targets": [
    {
      "target_name": "bigs_native",
      "sources": ["<!@(node -p \"require('fs').readdirSync('csrc').filter(f => f.endsWith('.cc')).map(f => 'csrc/' + f).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-ffp-contract=fast", "-march=<(bigs_march)"],
      "libraries": ["-ldl", "-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-march=<(bigs_march)"]
      }
    }
  ]
}
