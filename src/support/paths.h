// Where aie4ml finds its shipped data (devices/, kernels/, emu/) at run time.
#pragma once
#include <filesystem>

namespace aie4ml {

// The folder that holds devices/, kernels/ and emu/. Order: $AIE4ML_HOME, the folder above the running
// executable's share/aie4ml, then the source tree the binary was built from.
std::filesystem::path data_root();

}  // namespace aie4ml
