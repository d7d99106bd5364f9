// Precompiled header for every aie4ml library, the CLI and the Python module (CMake option AIE4ML_PCH).
// Only third-party and standard headers that most files include: parsing nlohmann/json and fmt was
// about 40% of the compile time of a typical file, and the build time bounds the CI suite. Files still
// include what they use; a build with -DAIE4ML_PCH=OFF checks that they do.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
