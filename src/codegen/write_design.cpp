// Mapping outputs (see write_design.h).
#include "codegen/write_design.h"

#include <fstream>

#include <fmt/format.h>

#include "codegen/placement_svg.h"
#include "support/error.h"

namespace aie4ml {

namespace {

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(fmt::format("cannot write {}", tmp));
    out << text;
    if (!out) throw InputError(fmt::format("cannot write {}", tmp));
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

nlohmann::json mapping_report(const Design& d) {
  nlohmann::json layers = nlohmann::json::array();
  for (auto& l : d.layers)
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"in_features", l.in_features},
                      {"out_features", l.out_features},
                      {"cas_length", l.cas_length},
                      {"cas_num", l.cas_num},
                      {"tiling", {l.tile_m, l.tile_k, l.tile_n}},
                      {"tiles", l.tiles()}});
  return {{"device", d.device},
          {"tiles_used", d.tiles_used()},
          {"tiles_total", d.tiles_total()},
          {"layers", layers},
          {"placement",
           {{"method", d.placement.method},
            {"cost", d.placement.cost},
            {"lower_bound", d.placement.lower_bound},
            {"optimal", d.placement.optimal}}}};
}

void write_mapping_outputs(const Design& d, const std::filesystem::path& dir) {
  write_atomically(dir / "design.json", d.dump());
  write_atomically(dir / "placement.svg", placement_svg(d));
  const auto report_path = dir / "report.json";
  nlohmann::json report = nlohmann::json::object();
  if (std::filesystem::exists(report_path)) {
    std::ifstream in(report_path);
    try {
      report = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(fmt::format("{}: not valid JSON: {}", report_path.string(), e.what()));
    }
  }
  const auto fields = mapping_report(d);
  for (auto& [k, v] : fields.items()) {
    if (k != "layers" || !report.contains("layers") || !report["layers"].is_array()) {
      report[k] = v;
      continue;
    }
    // Merge per layer by name: other stages may have added keys (kernel_cycles) to the same entries.
    auto& existing = report["layers"];
    for (auto& layer : v) {
      bool merged = false;
      for (auto& e : existing)
        if (e.value("name", "") == layer["name"]) {
          e.update(layer);
          merged = true;
        }
      if (!merged) existing.push_back(layer);
    }
  }
  write_atomically(report_path, report.dump(2) + "\n");
}

}  // namespace aie4ml
