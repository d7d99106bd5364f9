// `aie4ml report DIR [--json]`
// Times a compiled design with the performance model (src/sim/perf_model.h) and prints per layer its
// parallelism, tiles, kernel cycles, utilisation and efficiencies, then latency (first and last output
// word), interval, throughput, the bottleneck and where the first batch's latency goes; with the mapping
// search of `compile` when report.json holds it. --json prints the same numbers as JSON, with the keys
// report.json carries (DESIGN.md). Reads DIR/design.json (and DIR/report.json for the search); the
// device comes from the design. Bad or missing files: InputError (exit 2).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "design/design.h"
#include "device/catalog.h"
#include "sim/perf_model.h"
#include "sim/perf_report.h"
#include "support/error.h"

namespace aie4ml::cli {

namespace fs = std::filesystem;

namespace {

struct ReportOptions {
  std::string dir;
  bool json = false;
};

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError(fmt::format("cannot read '{}' (is this a directory written by `aie4ml compile`?)", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

void run_report(const ReportOptions& o) {
  const fs::path dir(o.dir);
  const Design design = Design::from_json(read_json(dir / "design.json"));
  const Device& device = DeviceCatalog::builtin().get(design.device);
  const auto result = perf::simulate(design, device);
  nlohmann::json search = nullptr;
  if (fs::exists(dir / "report.json")) {
    const auto report = read_json(dir / "report.json");
    if (report.is_object() && report.contains("search")) search = report["search"];
  }
  if (o.json) {
    auto j = perf::report_json(result);
    if (!search.is_null()) j["search"] = search;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("{}: {}", dir.string(), perf::report_table(result, search));
  fmt::print("summary: {:.1f} ns latency, {:.1f} ns interval, {:.4g} samples/s on {} of {} tiles{}\n", result.latency_ns,
             result.interval_ns, result.throughput_samples_per_s, result.tiles_used, result.tiles_total,
             fs::exists(dir / "report.html") ? fmt::format("; pictures in {}", (dir / "report.html").string()) : "");
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd =
      app.add_subcommand("report", "Predict latency, interval, throughput and utilisation of a compiled design");
  cmd->add_option("dir", o->dir, "project directory written by `aie4ml compile`")->required();
  cmd->add_flag("--json", o->json, "print the figures as JSON (the keys of report.json)");
  cmd->callback([o] { run_report(*o); });
}

}  // namespace aie4ml::cli
