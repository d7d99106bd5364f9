// Device file parsing and validation.
// Reads: one devices/*.json document. Writes: a Device. Checks: every key the compiler relies on is
// present with the right JSON type and a sensible value (positive counts, banks dividing the memory,
// default widths among the allowed ones, ...); each error names the file and the dotted key.
#include "device/device.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

using nlohmann::json;

// Walks a device document with the dotted path of every value at hand, for error messages.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(fmt::format("device file {}: key '{}': {}", file_, key, what));
  }

  const json& at(const json& obj, const std::string& parent, const std::string& key) const {
    const auto path = join(parent, key);
    if (!obj.is_object()) fail(parent, "expected an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(path, "missing");
    return *it;
  }

  const json& object(const json& obj, const std::string& parent, const std::string& key) const {
    const auto& v = at(obj, parent, key);
    if (!v.is_object()) fail(join(parent, key), fmt::format("expected an object, got {}", v.type_name()));
    return v;
  }

  std::string string(const json& obj, const std::string& parent, const std::string& key) const {
    const auto& v = at(obj, parent, key);
    if (!v.is_string() || v.get<std::string>().empty())
      fail(join(parent, key), fmt::format("expected a non-empty string, got {}", v.dump()));
    return v.get<std::string>();
  }

  int64_t integer(const json& obj, const std::string& parent, const std::string& key, int64_t min) const {
    const auto& v = at(obj, parent, key);
    if (!v.is_number_integer()) fail(join(parent, key), fmt::format("expected an integer, got {}", v.dump()));
    const auto x = v.get<int64_t>();
    if (x < min) fail(join(parent, key), fmt::format("must be >= {}, got {}", min, x));
    return x;
  }

  int small_int(const json& obj, const std::string& parent, const std::string& key, int min) const {
    const auto x = integer(obj, parent, key, min);
    if (x > 1'000'000) fail(join(parent, key), fmt::format("implausibly large: {}", x));
    return static_cast<int>(x);
  }

  double number(const json& obj, const std::string& parent, const std::string& key) const {
    const auto& v = at(obj, parent, key);
    if (!v.is_number() || !(v.get<double>() > 0))
      fail(join(parent, key), fmt::format("expected a positive number, got {}", v.dump()));
    return v.get<double>();
  }

  bool boolean(const json& obj, const std::string& parent, const std::string& key) const {
    const auto& v = at(obj, parent, key);
    if (!v.is_boolean()) fail(join(parent, key), fmt::format("expected true or false, got {}", v.dump()));
    return v.get<bool>();
  }

  std::vector<int> int_list(const json& v, const std::string& path, int min) const {
    if (!v.is_array()) fail(path, fmt::format("expected an array of integers, got {}", v.dump()));
    std::vector<int> out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number_integer() || v[i].get<int64_t>() < min || v[i].get<int64_t>() > 1'000'000)
        fail(fmt::format("{}[{}]", path, i), fmt::format("expected an integer >= {}, got {}", min, v[i].dump()));
      out.push_back(v[i].get<int>());
    }
    return out;
  }

  MmulShape shape(const json& v, const std::string& path) const {
    auto xs = int_list(v, path, 1);
    if (xs.size() != 3) fail(path, fmt::format("expected [M, K, N], got {}", v.dump()));
    return {xs[0], xs[1], xs[2]};
  }

  DmaSpec dma(const json& obj, const std::string& parent) const {
    const auto& d = object(obj, parent, "dma");
    const auto p = join(parent, "dma");
    return {small_int(d, p, "s2mm_channels", 1), small_int(d, p, "mm2s_channels", 1),
            small_int(d, p, "buffer_descriptors", 1), number(d, p, "bytes_per_cycle")};
  }

  static std::string join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }

 private:
  std::string file_;
};

void read_array(const Reader& r, const json& j, Device& d) {
  const auto& a = r.object(j, "", "array");
  d.columns = r.small_int(a, "array", "columns", 1);
  d.compute_rows = r.small_int(a, "array", "compute_rows", 1);
  d.memory_tile_rows = r.small_int(a, "array", "memory_tile_rows", 0);
  d.shim_rows = r.small_int(a, "array", "shim_rows", 1);
  if (d.columns > 64) r.fail("array.columns", fmt::format("at most 64 columns are supported, got {}", d.columns));
  d.aie_clock_mhz = r.number(r.object(j, "", "clock"), "clock", "aie_mhz");
}

void read_compute_tile(const Reader& r, const json& j, Device& d) {
  const std::string p = "compute_tile";
  const auto& t = r.object(j, "", p);
  d.data_memory_bytes = r.integer(t, p, "data_memory_bytes", 1);
  d.data_memory_banks = r.small_int(t, p, "data_memory_banks", 1);
  if (d.data_memory_bytes % d.data_memory_banks != 0)
    r.fail(p + ".data_memory_banks", fmt::format("{} banks do not divide {} bytes evenly", d.data_memory_banks,
                                                 d.data_memory_bytes));
  d.program_memory_bytes = r.integer(t, p, "program_memory_bytes", 1);
  d.stack_bytes = r.integer(t, p, "stack_bytes", 0);
  d.heap_bytes = r.integer(t, p, "heap_bytes", 0);
  d.buffer_alignment_bytes = r.integer(t, p, "buffer_alignment_bytes", 1);
  d.vector_load_bits = r.small_int(t, p, "vector_load_bits", 8);
  d.vector_loads_per_cycle = r.small_int(t, p, "vector_loads_per_cycle", 1);
  d.vector_store_bits = r.small_int(t, p, "vector_store_bits", 8);
  d.vector_stores_per_cycle = r.small_int(t, p, "vector_stores_per_cycle", 1);
  d.core_stream_bytes_per_cycle = r.number(t, p, "stream_bytes_per_cycle");
  d.cascade_bits = r.small_int(t, p, "cascade_bits", 0);
  d.tile_locks = r.small_int(t, p, "locks", 1);
  d.tile_dma = r.dma(t, p);
  const auto& m = r.object(t, p, "memory_access");
  const auto mp = p + ".memory_access";
  d.memory_access = {r.boolean(m, mp, "own"),  r.boolean(m, mp, "north"), r.boolean(m, mp, "south"),
                     r.boolean(m, mp, "west"), r.boolean(m, mp, "east"),
                     r.boolean(m, mp, "south_into_memory_tile")};
  if (!d.memory_access.own) r.fail(mp + ".own", "a core must reach its own data memory");
}

void read_compute_rates(const Reader& r, const json& j, Device& d) {
  for (auto& [pair, v] : r.object(j, "", "macs_per_cycle").items()) {
    if (!v.is_number_integer() || v.get<int64_t>() < 1)
      r.fail("macs_per_cycle." + pair, fmt::format("expected a positive integer, got {}", v.dump()));
    d.macs_per_cycle[pair] = v.get<int>();
  }
  if (d.macs_per_cycle.empty()) r.fail("macs_per_cycle", "no type pairs");
  for (auto& [pair, v] : r.object(j, "", "mmul_shapes").items()) {
    const auto path = "mmul_shapes." + pair;
    if (!v.is_array() || v.empty()) r.fail(path, "expected a non-empty array of [M, K, N]");
    for (size_t i = 0; i < v.size(); ++i) d.mmul_shapes[pair].push_back(r.shape(v[i], fmt::format("{}[{}]", path, i)));
  }
  for (auto& [pair, v] : r.object(j, "", "default_tiling").items()) {
    const auto path = "default_tiling." + pair;
    d.default_tiling[pair] = r.shape(v, path);
    auto shapes = d.mmul_shapes.find(pair);
    if (shapes == d.mmul_shapes.end()) r.fail(path, fmt::format("no mmul_shapes listed for '{}'", pair));
    if (std::find(shapes->second.begin(), shapes->second.end(), d.default_tiling[pair]) == shapes->second.end())
      r.fail(path, fmt::format("{} is not among mmul_shapes.{}", v.dump(), pair));
    if (!d.macs_per_cycle.count(pair)) r.fail(path, fmt::format("no macs_per_cycle given for '{}'", pair));
  }
}

void read_memory_tile(const Reader& r, const json& j, Device& d) {
  const std::string p = "memory_tile";
  const auto& t = r.object(j, "", p);
  d.memory_tile_bytes = r.integer(t, p, "bytes", 1);
  d.memory_tile_banks = r.small_int(t, p, "banks", 1);
  d.memory_tile_locks = r.small_int(t, p, "locks", 1);
  d.memory_tile_dma = r.dma(t, p);
  d.memory_tile_neighbour_channels = r.small_int(t, p, "neighbour_channels", 0);
  d.shared_buffer_max_writers = r.small_int(t, p, "shared_buffer_max_writers", 1);
  d.shared_buffer_max_readers = r.small_int(t, p, "shared_buffer_max_readers", 1);
  if (d.memory_tile_neighbour_channels > std::min(d.memory_tile_dma.s2mm_channels, d.memory_tile_dma.mm2s_channels))
    r.fail(p + ".neighbour_channels", "more than the DMA has channels");
}

void read_shim(const Reader& r, const json& j, Device& d) {
  const std::string p = "shim";
  const auto& s = r.object(j, "", p);
  d.shim_dma = r.dma(s, p);
  d.noc_columns = r.int_list(r.at(s, p, "noc_columns"), p + ".noc_columns", 0);
  const std::string pp = "shim.plio";
  const auto& plio = r.object(s, p, "plio");
  const auto& cols = r.at(plio, pp, "columns");
  if (cols.is_string() && cols.get<std::string>() == "all") {
    for (int c = 0; c < d.columns; ++c) d.plio_columns.push_back(c);
  } else {
    d.plio_columns = r.int_list(cols, pp + ".columns", 0);
  }
  for (int c : d.plio_columns)
    if (c >= d.columns) r.fail(pp + ".columns", fmt::format("column {} is outside the {} columns", c, d.columns));
  for (int c : d.noc_columns)
    if (c >= d.columns) r.fail(p + ".noc_columns", fmt::format("column {} is outside the {} columns", c, d.columns));
  d.plio_widths_bits = r.int_list(r.at(plio, pp, "widths_bits"), pp + ".widths_bits", 8);
  d.plio_default_width_bits = r.small_int(plio, pp, "default_width_bits", 8);
  if (std::find(d.plio_widths_bits.begin(), d.plio_widths_bits.end(), d.plio_default_width_bits) ==
      d.plio_widths_bits.end())
    r.fail(pp + ".default_width_bits", "not among widths_bits");
  d.pl_clock_mhz = r.number(plio, pp, "pl_clock_mhz");
  d.pl_clock_max_mhz = r.number(plio, pp, "pl_clock_max_mhz");
  if (d.pl_clock_mhz > d.pl_clock_max_mhz) r.fail(pp + ".pl_clock_mhz", "exceeds pl_clock_max_mhz");
  d.pl_to_aie_channels_per_column = r.small_int(plio, pp, "pl_to_aie_channels_per_column", 0);
  d.aie_to_pl_channels_per_column = r.small_int(plio, pp, "aie_to_pl_channels_per_column", 0);
  d.interface_channel_bits = r.small_int(plio, pp, "channel_bits", 8);
}

void read_partition(const Reader& r, const json& j, Device& d) {
  const auto& p = r.object(j, "", "partition");
  d.max_cascade_length = r.small_int(p, "partition", "max_cascade_length", 1);
  d.max_cascade_num = r.small_int(p, "partition", "max_cascade_num", 1);
}

void read_identity(const Reader& r, const json& j, Device& d) {
  d.name = r.string(j, "", "name");
  d.part = r.string(j, "", "part");
  d.board = r.string(j, "", "board");
  d.architecture = r.string(j, "", "architecture");
  if (j.contains("aliases")) {
    const auto& a = j["aliases"];
    if (!a.is_array()) r.fail("aliases", "expected an array of strings");
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string() || a[i].get<std::string>().empty())
        r.fail(fmt::format("aliases[{}]", i), fmt::format("expected a non-empty string, got {}", a[i].dump()));
      d.aliases.push_back(a[i].get<std::string>());
    }
  }
  const auto& s = r.object(j, "", "sources");
  for (auto& [key, v] : s.items())
    if (!v.is_string()) r.fail("sources." + key, "expected a string naming the source");
  d.sources = s;
}

}  // namespace

double Device::peak_tops(const std::string& type_pair) const {
  auto it = macs_per_cycle.find(type_pair);
  if (it == macs_per_cycle.end()) return 0;
  return compute_tiles() * static_cast<double>(it->second) * 2.0 * aie_clock_mhz * 1e6 / 1e12;
}

bool Device::has_plio_column(int col) const {
  return std::find(plio_columns.begin(), plio_columns.end(), col) != plio_columns.end();
}

int Device::plio_channels(int width_bits) const {
  return (width_bits + interface_channel_bits - 1) / interface_channel_bits;
}

Device Device::from_json(const nlohmann::json& j, const std::filesystem::path& file) {
  Reader r(file.string());
  if (!j.is_object()) r.fail("(top level)", "expected a JSON object");
  Device d;
  d.file = file;
  read_identity(r, j, d);
  read_array(r, j, d);
  read_compute_tile(r, j, d);
  read_compute_rates(r, j, d);
  read_memory_tile(r, j, d);
  read_shim(r, j, d);
  read_partition(r, j, d);
  return d;
}

Device Device::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("device file {}: cannot open", file.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers such as 1e999
    throw InputError(fmt::format("device file {}: not valid JSON: {}", file.string(), e.what()));
  }
  return from_json(j, file);
}

}  // namespace aie4ml
