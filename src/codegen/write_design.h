// Mapping outputs of `aie4ml compile`: design.json, placement.svg and the mapping fields of report.json.
// Reads: a Design. Writes: into an existing directory `dir`: design.json (Design::dump), placement.svg,
//   and report.json with the keys `device`, `tiles_used`, `tiles_total`, `layers[]` (name, op,
//   in_features, out_features, cas_length, cas_num, tiling, tiles) and `placement` merged into what is
//   already there (other stages add their own keys). Checks: nothing (the Design is legal already).
// Each file is written to a temporary name and renamed, so a failure leaves no half-written file.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "design/design.h"

namespace aie4ml {

// The report.json fields the mapping owns.
nlohmann::json mapping_report(const Design& design);

void write_mapping_outputs(const Design& design, const std::filesystem::path& dir);

}  // namespace aie4ml
