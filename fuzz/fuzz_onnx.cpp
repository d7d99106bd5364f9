// libFuzzer program for the ONNX loader (import_onnx_bytes + canonicalize); see fuzz_entries.h for what
// is checked. Run it through tools/sanitize_and_fuzz.sh, or by hand:
//   build-fuzz/fuzz/fuzz_onnx -dict=fuzz/dict/onnx.dict NEW_DIR fuzz/corpus/onnx
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  aie4ml::fuzz::run_onnx({reinterpret_cast<const char*>(data), size});
  return 0;
}
