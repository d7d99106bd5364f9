// Loading the performance model's timing constants (see perf_params.h).
#include "sim/perf_params.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "support/error.h"
#include "support/paths.h"

namespace aie4ml::perf {

namespace {

double read_number(const nlohmann::json& j, const std::string& key, const std::string& where, double fallback,
                   bool required) {
  if (!j.contains(key)) {
    if (required) throw InputError(fmt::format("{}: key '{}': missing", where, key));
    return fallback;
  }
  const auto& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
    throw InputError(fmt::format("{}: key '{}': expected a finite number >= 0, got {}", where, key, v.dump()));
  return v.get<double>();
}

// Applies the keys present in `j` on top of `p` (all required when `complete`).
void apply(PerfParams& p, const nlohmann::json& j, const std::string& where, bool complete) {
  if (!j.is_object()) throw InputError(fmt::format("{}: expected a JSON object", where));
  auto num = [&](const std::string& key, double current) { return read_number(j, key, where, current, complete); };
  p.kernel_iteration_cycles = num("kernel_iteration_cycles", p.kernel_iteration_cycles);
  p.lock_acquire_cycles = num("lock_acquire_cycles", p.lock_acquire_cycles);
  p.dma_setup_cycles = num("dma_setup_cycles", p.dma_setup_cycles);
  p.dma_run_overhead_cycles = num("dma_run_overhead_cycles", p.dma_run_overhead_cycles);
  p.stream_hop_cycles = num("stream_hop_cycles", p.stream_hop_cycles);
  p.plio_latency_cycles = num("plio_latency_cycles", p.plio_latency_cycles);
  p.cascade_link_cycles = num("cascade_link_cycles", p.cascade_link_cycles);
  p.interval_batches = static_cast<int>(num("interval_batches", p.interval_batches));
  if (p.interval_batches < 4) throw InputError(fmt::format("{}: key 'interval_batches': must be >= 4", where));
  if (j.contains("kernel") || complete) {
    if (!j.contains("kernel") || !j.at("kernel").is_object())
      throw InputError(fmt::format("{}: key 'kernel': expected an object", where));
    const auto& k = j.at("kernel");
    const auto kw = where + ": kernel";
    p.core.call_overhead_cycles =
        static_cast<int>(read_number(k, "call_overhead_cycles", kw, p.core.call_overhead_cycles, complete));
    p.core.loop_setup_cycles =
        static_cast<int>(read_number(k, "loop_setup_cycles", kw, p.core.loop_setup_cycles, complete));
    p.core.block_overlap = read_number(k, "block_overlap", kw, p.core.block_overlap, complete);
    p.core.min_pipelined_iterations =
        static_cast<int>(read_number(k, "min_pipelined_iterations", kw, p.core.min_pipelined_iterations, complete));
    if (p.core.block_overlap > 1) throw InputError(fmt::format("{}: key 'block_overlap': must be in [0, 1]", kw));
  }
  if (j.contains("sources")) {
    if (!j.at("sources").is_object()) throw InputError(fmt::format("{}: key 'sources': expected an object", where));
    for (auto& [key, v] : j.at("sources").items()) p.sources[key] = v;
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read performance constants {}", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

}  // namespace

PerfParams PerfParams::from_json(const nlohmann::json& j, const std::string& where) {
  PerfParams p;
  p.sources = nlohmann::json::object();
  apply(p, j, where, true);
  return p;
}

PerfParams params_for(const Device& device) {
  const auto dir = data_root() / "devices" / "performance";
  auto file = dir / (device.architecture + ".json");
  // An architecture without its own constants borrows AIE-ML's (the only calibrated one); the report
  // says which file was used.
  if (!std::filesystem::exists(file)) file = dir / "aie-ml.json";
  PerfParams p = PerfParams::from_json(read_json_file(file), file.string());
  p.file = file;
  p.architecture = device.architecture;
  // A device file may carry its own "performance" object (e.g. a measured part); its keys win.
  if (!device.file.empty() && std::filesystem::exists(device.file)) {
    const auto j = read_json_file(device.file);
    if (j.is_object() && j.contains("performance"))
      apply(p, j.at("performance"), fmt::format("device file {}: performance", device.file.string()), false);
  }
  return p;
}

}  // namespace aie4ml::perf
