// libFuzzer program for the config parser and the mapping of its overrides (Config::from_json, quantize_model, plan_design); see fuzz_entries.h for what
// is checked. Run it through tools/sanitize_and_fuzz.sh, or by hand:
//   build-fuzz/fuzz/fuzz_config -dict=fuzz/dict/config.dict NEW_DIR fuzz/corpus/config
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  aie4ml::fuzz::run_config({reinterpret_cast<const char*>(data), size});
  return 0;
}
