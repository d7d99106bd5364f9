// Outputs of the performance model: report.json fields, the `aie4ml report` table.
//
// Reads: a PerfResult (perf_model.h) and optionally the mapping search (perf_mapping.h). Writes: the JSON
//   fields DESIGN.md names for report.json (device, tiles_used, tiles_total, layers[] with name, op,
//   in_features, out_features, cas_length, cas_num, tiling, tiles, kernel_cycles, latency_ns,
//   latency_last_ns, interval_ns, throughput_samples_per_s, gops, bottleneck), plus per-layer utilisation
//   and efficiencies and a "performance" object (cycles, critical path, latency breakdown, per-tile
//   utilisation) and "search"; a plain-text table with the same numbers. Checks: report.json, when it
//   exists, is a JSON object (InputError otherwise).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/perf_mapping.h"
#include "sim/perf_model.h"

namespace aie4ml::perf {

nlohmann::json report_json(const PerfResult& r);
// Stages of the critical path summed: cycles per stage ("plio in", "memory tile", "compute", ...).
std::vector<std::pair<std::string, double>> latency_breakdown(const PerfResult& r);
std::string report_table(const PerfResult& r, const nlohmann::json& search = nullptr);
// Merges report_json(r) (and "search", when given) into dir/report.json: keys replaced, layers merged
// by name; written to a temporary file and renamed.
void write_report(const PerfResult& r, const nlohmann::json& search, const std::filesystem::path& dir);

}  // namespace aie4ml::perf
