// A target device (an AIE-ML array) as data: geometry, memories, DMA, PLIO and compute rates.
//
// Devices live as JSON files under devices/ (see devices/ve2802.json for the schema by example; every
// number carries its public source in the file's "sources" object). Adding a device never needs a code
// change: Device::from_json reads and validates one file, DeviceCatalog (catalog.h) loads them all.
//
// Coordinates used everywhere in aie4ml: compute tile (col, row) with row 0 the lowest *compute* row, as
// ADF's tile(col,row) counts them (UG1603); memory tile (col, row) with row 0 the memory-tile row nearest
// the shim; shim/PLIO by column.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aie4ml {

struct DmaSpec {
  int s2mm_channels = 0;      // stream -> memory
  int mm2s_channels = 0;      // memory -> stream
  int buffer_descriptors = 0;
  double bytes_per_cycle = 4; // per channel, at the AIE clock
};

// Which data memories a core may read and write, relative to its own tile.
struct MemoryAccess {
  bool own = true, north = true, south = true, west = true, east = false;
  bool south_into_memory_tile = false;  // may the lowest compute row reach the memory tile below?
};

using MmulShape = std::array<int, 3>;  // M x K x N

struct Device {
  // identity
  std::string name;                  // catalog key, e.g. "ve2802"
  std::vector<std::string> aliases;  // e.g. "xcve2802", "vek280"
  std::string part, board, architecture;
  std::filesystem::path file;        // where it was read from (messages)

  // geometry
  int columns = 0, compute_rows = 0, memory_tile_rows = 0, shim_rows = 1;

  double aie_clock_mhz = 0;

  // compute tile
  int64_t data_memory_bytes = 0;
  int data_memory_banks = 0;
  int64_t program_memory_bytes = 0;
  int64_t stack_bytes = 0, heap_bytes = 0;
  int64_t buffer_alignment_bytes = 16;
  int vector_load_bits = 0, vector_loads_per_cycle = 0, vector_store_bits = 0, vector_stores_per_cycle = 0;
  double core_stream_bytes_per_cycle = 4;
  int cascade_bits = 0;
  int tile_locks = 0;
  DmaSpec tile_dma;
  MemoryAccess memory_access;

  // compute rates and kernel shapes per "<activation>x<weight>" type pair, e.g. "int8xint8"
  std::map<std::string, int> macs_per_cycle;
  std::map<std::string, std::vector<MmulShape>> mmul_shapes;
  std::map<std::string, MmulShape> default_tiling;

  // memory tile
  int64_t memory_tile_bytes = 0;
  int memory_tile_banks = 0;
  int memory_tile_locks = 0;
  DmaSpec memory_tile_dma;
  int memory_tile_neighbour_channels = 0;  // channels 0..n-1 reach the east/west neighbour memory tile
  int shared_buffer_max_writers = 0, shared_buffer_max_readers = 0;

  // shim and PLIO
  DmaSpec shim_dma;
  std::vector<int> noc_columns;
  std::vector<int> plio_columns;           // columns with a PL interface
  std::vector<int> plio_widths_bits;
  int plio_default_width_bits = 0;
  double pl_clock_mhz = 0, pl_clock_max_mhz = 0;
  int pl_to_aie_channels_per_column = 0, aie_to_pl_channels_per_column = 0;
  int interface_channel_bits = 0;

  // partition limits for the automatic choice (overrides may exceed them up to the geometry)
  int max_cascade_length = 8, max_cascade_num = 8;

  nlohmann::json sources;  // dotted key -> where the number comes from

  int compute_tiles() const { return columns * compute_rows; }
  int memory_tiles() const { return columns * memory_tile_rows; }
  int64_t bank_bytes() const { return data_memory_bytes / data_memory_banks; }
  // Peak tera-operations per second (2 per MAC) for a type pair over the whole array; 0 if unknown.
  double peak_tops(const std::string& type_pair) const;
  bool has_plio_column(int col) const;
  // PL-interface channels a PLIO port of `width_bits` occupies in its column.
  int plio_channels(int width_bits) const;

  // Parse and validate; errors are InputErrors naming `file` and the key.
  static Device from_json(const nlohmann::json& j, const std::filesystem::path& file);
  static Device load(const std::filesystem::path& file);
};

}  // namespace aie4ml
