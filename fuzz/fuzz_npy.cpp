// libFuzzer program for the .npy reader (parse_npy and the conversions predict uses); see fuzz_entries.h for what
// is checked. Run it through tools/sanitize_and_fuzz.sh, or by hand:
//   build-fuzz/fuzz/fuzz_npy -dict=fuzz/dict/npy.dict NEW_DIR fuzz/corpus/npy
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  aie4ml::fuzz::run_npy({reinterpret_cast<const char*>(data), size});
  return 0;
}
