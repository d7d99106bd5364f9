// Performance model outputs (see perf_report.h).
#include "sim/perf_report.h"

#include <fmt/format.h>

#include <fstream>
#include <map>

#include "support/error.h"

namespace aie4ml::perf {

namespace {

double round_to(double x, double step) { return std::round(x / step) * step; }

nlohmann::json layer_json(const LayerPerf& l) {
  return {{"name", l.name},
          {"op", l.op},
          {"kernel", l.kernel},
          {"in_features", l.in_features},
          {"out_features", l.out_features},
          {"cas_length", l.cas_length},
          {"cas_num", l.cas_num},
          {"tiling", {l.tiling[0], l.tiling[1], l.tiling[2]}},
          {"tiles", l.tiles},
          {"kernel_cycles", l.kernel_cycles},
          {"utilisation", round_to(l.utilisation, 1e-4)},
          {"efficiency_vs_peak", round_to(l.efficiency_vs_peak, 1e-4)},
          {"efficiency_vs_single_kernel", round_to(l.efficiency_vs_single_kernel, 1e-4)}};
}

std::string bottleneck_text(const PerfResult& r) {
  const auto& b = r.bottleneck;
  return fmt::format("{} {}{}: busy {:.0f} of the {:.0f} cycles between batches", b.kind, b.name,
                     b.layer.empty() ? "" : fmt::format(" (layer {})", b.layer), b.busy_cycles, r.interval_cycles);
}

}  // namespace

std::vector<std::pair<std::string, double>> latency_breakdown(const PerfResult& r) {
  std::vector<std::pair<std::string, double>> out;
  for (auto& s : r.critical_path) {
    auto it = std::find_if(out.begin(), out.end(), [&](auto& p) { return p.first == s.stage; });
    if (it == out.end())
      out.emplace_back(s.stage, s.end - s.start);
    else
      it->second += s.end - s.start;
  }
  return out;
}

nlohmann::json report_json(const PerfResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (auto& l : r.layers) layers.push_back(layer_json(l));
  nlohmann::json path = nlohmann::json::array();
  for (auto& s : r.critical_path)
    path.push_back(
        {{"what", s.what}, {"stage", s.stage}, {"layer", s.layer}, {"start_cycles", s.start}, {"end_cycles", s.end}});
  nlohmann::json breakdown = nlohmann::json::object();
  for (auto& [stage, cycles] : latency_breakdown(r)) breakdown[stage] = cycles;
  nlohmann::json tiles = nlohmann::json::array();
  for (auto& k : r.kernels)
    tiles.push_back({{"kernel", k.name},
                     {"layer", k.layer},
                     {"variant", k.variant},
                     {"tile", {k.tile.col, k.tile.row}},
                     {"kernel_cycles", k.kernel_cycles},
                     {"busy_cycles", round_to(k.busy_cycles, 0.01)},
                     {"utilisation", round_to(k.utilisation, 1e-4)}});
  return {{"device", r.device},
          {"tiles_used", r.tiles_used},
          {"tiles_total", r.tiles_total},
          {"layers", layers},
          {"latency_ns", round_to(r.latency_ns, 0.01)},
          {"latency_last_ns", round_to(r.latency_last_ns, 0.01)},
          {"interval_ns", round_to(r.interval_ns, 0.01)},
          {"throughput_samples_per_s", std::round(r.throughput_samples_per_s)},
          {"gops", round_to(r.gops, 0.001)},
          {"bottleneck",
           {{"kind", r.bottleneck.kind},
            {"name", r.bottleneck.name},
            {"layer", r.bottleneck.layer},
            {"busy_cycles", round_to(r.bottleneck.busy_cycles, 0.01)},
            {"summary", bottleneck_text(r)}}},
          {"performance",
           {{"model", "aie4ml cycle-approximate event-driven model (docs/performance-model.md)"},
            {"constants", r.params_file},
            {"clock_mhz", r.clock_mhz},
            {"batch", r.batch},
            {"latency_cycles", r.latency_cycles},
            {"latency_last_cycles", r.latency_last_cycles},
            {"interval_cycles", round_to(r.interval_cycles, 0.01)},
            {"macs_per_sample", r.macs_per_sample},
            {"efficiency_vs_peak", round_to(r.efficiency_vs_peak, 1e-4)},
            {"efficiency_vs_single_kernel", round_to(r.efficiency_vs_single_kernel, 1e-4)},
            {"latency_breakdown_cycles", breakdown},
            {"critical_path", path},
            {"tiles", tiles}}}};
}

std::string report_table(const PerfResult& r, const nlohmann::json& search) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("{} at {} MHz, batch {}: {} of {} tiles", r.device, r.clock_mhz, r.batch, r.tiles_used,
                   r.tiles_total));
  line("");
  size_t w = 5, ow = 6;  // name and op columns as wide as their longest entry (GlobalAveragePool)
  for (auto& l : r.layers) w = std::max(w, l.name.size()), ow = std::max(ow, l.op.size());
  line(fmt::format("{:<{}} {:<{}} {:>11} {:>7} {:>6} {:>8} {:>7} {:>9} {:>12}  {}", "layer", w, "op", ow, "in->out", "LxN",
                   "tiles", "kernel", "util", "eff/peak", "eff/single", "kernel"));
  line(fmt::format("{:<{}} {:<{}} {:>11} {:>7} {:>6} {:>8} {:>7} {:>9} {:>12}", "", w, "", ow, "", "", "", "cycles", "",
                   "", "kernel"));
  for (auto& l : r.layers)
    line(fmt::format("{:<{}} {:<{}} {:>11} {:>7} {:>6} {:>8} {:>6.1f}% {:>8.1f}% {:>11.1f}%  {}", l.name, w, l.op, ow,
                     fmt::format("{}->{}", l.in_features, l.out_features),
                     fmt::format("{}x{}", l.cas_length, l.cas_num), l.tiles, l.kernel_cycles, 100 * l.utilisation,
                     100 * l.efficiency_vs_peak, 100 * l.efficiency_vs_single_kernel, l.kernel));
  line("");
  line(fmt::format(
      "latency      {:.1f} ns to the first output word ({:.0f} cycles), {:.1f} ns to the last ({:.0f} cycles)",
      r.latency_ns, r.latency_cycles, r.latency_last_ns, r.latency_last_cycles));
  line(fmt::format("interval     {:.1f} ns between batches ({:.0f} cycles): {:.4g} samples/s, {:.4g} GOP/s",
                   r.interval_ns, r.interval_cycles, r.throughput_samples_per_s, r.gops));
  line(fmt::format("efficiency   {:.1f}% of peak MACs on the tiles used, {:.1f}% of the single-kernel baseline",
                   100 * r.efficiency_vs_peak, 100 * r.efficiency_vs_single_kernel));
  line(fmt::format("bottleneck   {}", bottleneck_text(r)));
  line("");
  line("where the first batch's latency goes (critical path, cycles):");
  for (auto& [stage, cycles] : latency_breakdown(r))
    line(fmt::format("  {:<12} {:>7.0f}  {:>5.1f}%", stage, cycles,
                     r.latency_cycles > 0 ? 100 * cycles / r.latency_cycles : 0));
  for (auto& s : r.critical_path) line(fmt::format("    {:>7.0f} {:>7.0f}  {}", s.start, s.end, s.what));
  if (search.is_object() && search.contains("candidates")) {
    line("");
    line(fmt::format("mapping search (objective {}): {} candidate designs timed{}{}", search.value("objective", ""),
                     search.value("candidates_tried", search["candidates"].size()),
                     search.value("exhaustive", false) ? " (every legal combination)" : "",
                     search["candidates"].size() < search.value("candidates_tried", size_t{0})
                         ? fmt::format("; the best {}:", search["candidates"].size())
                         : ":"));
    for (auto& c : search["candidates"])
      line(fmt::format("  {} {:>9.1f} ns latency {:>9.1f} ns interval {:>4} tiles  {}  ({})",
                       c.value("label", "") == search.value("chosen", "") ? "*" : " ", c.value("latency_ns", 0.0),
                       c.value("interval_ns", 0.0), c.value("tiles", 0), c.value("label", ""), c.value("origin", "")));
    if (search.contains("next_best") && !search["next_best"].is_null())
      line(fmt::format("  chosen design is {:.1f}% better than the next best", 100 * search.value("margin", 0.0)));
    if (search.contains("note")) line(fmt::format("  {}", search.value("note", "")));
  }
  return out;
}

void write_report(const PerfResult& r, const nlohmann::json& search, const std::filesystem::path& dir) {
  const auto path = dir / "report.json";
  nlohmann::json report = nlohmann::json::object();
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    try {
      report = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
    }
    if (!report.is_object()) throw InputError(fmt::format("{}: expected a JSON object", path.string()));
  }
  auto fields = report_json(r);
  if (!search.is_null()) fields["search"] = search;
  for (auto& [key, value] : fields.items()) {
    if (key != "layers" || !report.contains("layers") || !report["layers"].is_array()) {
      report[key] = value;
      continue;
    }
    for (auto& layer : value) {  // merge by name: other stages own other keys of the same entries
      auto it = std::find_if(report["layers"].begin(), report["layers"].end(),
                             [&](auto& e) { return e.value("name", "") == layer["name"]; });
      if (it != report["layers"].end())
        it->update(layer);
      else
        report["layers"].push_back(layer);
    }
  }
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << report.dump(2) << "\n";
    if (!out) throw InputError(fmt::format("cannot write {}", tmp));
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace aie4ml::perf
