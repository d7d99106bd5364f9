// report.html: one self-contained page per project (inline CSS and SVG, no scripts, no network) for
// people who would rather look than read JSON.
// Reads: the quantised and float Models, report.json (mapping and performance fields; may lack them when
//   the model was not mapped), the placement.svg text (may be empty) and the samples used for profiling.
// Writes: HTML text with
//   - a summary (device, tiles, latency, interval, throughput, GOP/s, bottleneck),
//   - the array map (placement.svg inline),
//   - a per-layer table (parallelism cas_length x cas_num, tiling, tiles, kernel cycles, utilisation),
//   - the first batch's latency broken down by stage of the critical path, and the interval,
//   - numerical profiling (layer_profile.h): log2 |x| box plots of weights and activations over the
//     ranges of their fixed-point types, a histogram per layer, and the quantised-vs-float error table.
// Deterministic: the same inputs give the same bytes. Checks: nothing beyond layer_profile.h's.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/model.h"

namespace aie4ml::codegen {

struct ProfileInputs {
  std::vector<double> x;   // [batch, ...] float samples for the single graph input; empty: defaults
  int64_t batch = 0;
  std::string source;      // said on the page, e.g. "calibration samples calib.npy"
};

std::string report_html(const Model& quantised, const Model& float_model, const nlohmann::json& report,
                        const std::string& placement_svg, const ProfileInputs& inputs);

// Reads dir/report.json and dir/placement.svg when present, writes dir/report.html (temporary name,
// then rename). Without samples, profiles on default_profile_inputs() (256 samples).
void write_report_html(const Model& quantised, const Model& float_model, const std::filesystem::path& dir,
                       ProfileInputs inputs = {});

}  // namespace aie4ml::codegen
