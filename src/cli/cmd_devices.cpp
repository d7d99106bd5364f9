// `aie4ml devices [--json]`: list the device catalog (devices/*.json under the data root).
// Reads: DeviceCatalog::builtin(). Writes: a table (or a JSON array) on stdout. Checks: the catalog loads
//   (a bad device file is an InputError naming the file and key, exit 2).
#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "device/catalog.h"

namespace aie4ml::cli {

namespace {

nlohmann::json device_summary(const Device& d) {
  return {{"name", d.name},
          {"aliases", d.aliases},
          {"part", d.part},
          {"board", d.board},
          {"architecture", d.architecture},
          {"columns", d.columns},
          {"compute_rows", d.compute_rows},
          {"compute_tiles", d.compute_tiles()},
          {"memory_tiles", d.memory_tiles()},
          {"memory_tile_rows", d.memory_tile_rows},
          {"aie_clock_mhz", d.aie_clock_mhz},
          {"data_memory_bytes", d.data_memory_bytes},
          {"memory_tile_bytes", d.memory_tile_bytes},
          {"plio_default_width_bits", d.plio_default_width_bits},
          {"pl_clock_mhz", d.pl_clock_mhz},
          {"macs_per_cycle", d.macs_per_cycle},
          {"peak_int8_tops", d.peak_tops("int8xint8")},
          {"file", d.file.filename().string()}};
}

void print_table(const DeviceCatalog& cat) {
  fmt::print("{:<10} {:<12} {:<10} {:>6} {:>9} {:>10} {:>10}  {}\n", "NAME", "BOARD", "ARRAY", "TILES", "MEMTILES",
             "CLOCK", "INT8 TOPS", "ALIASES");
  for (auto& d : cat.devices())
    fmt::print("{:<10} {:<12} {:<10} {:>6} {:>9} {:>6} MHz {:>10.1f}  {}\n", d.name, d.board,
               fmt::format("{}x{}", d.columns, d.compute_rows), d.compute_tiles(), d.memory_tiles(), d.aie_clock_mhz,
               d.peak_tops("int8xint8"), fmt::join(d.aliases, ", "));
}

}  // namespace

void add_devices_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List the target devices aie4ml knows (devices/*.json)");
  auto as_json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *as_json, "Print the catalog as a JSON array");
  cmd->callback([as_json] {
    const auto& cat = DeviceCatalog::builtin();
    if (*as_json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& d : cat.devices()) out.push_back(device_summary(d));
      fmt::print("{}\n", out.dump(2));
    } else {
      print_table(cat);
    }
  });
}

}  // namespace aie4ml::cli
