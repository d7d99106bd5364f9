// aie4ml host emulation of ADF graphs: the graph as data. Every kernel, shared buffer, PLIO and
// runtime-parameter port a graph constructor creates becomes a `node` here, every `connect` an `edge`,
// and every constraint (location, dimensions, tiling, stack size, ...) a field of the node or port it
// names. The scheduler (scheduler.h) executes this data and record.h writes it out, so what a
// generated graph.h *says* is exactly what runs and what `aie4ml verify` compares with design.json.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "../aie_api/detail/types.hpp"
#include "tiling.h"

namespace adf {

// Placement values (UG1603 "Constraints"): compute tile, data-memory address, bank, shim column.
struct tile {
  int col = 0, row = 0;
  tile(int c, int r) : col(c), row(r) {}
};
struct address {
  int col = 0, row = 0;
  long long offset = 0;
  address(int c, int r, long long off) : col(c), row(r), offset(off) {}
};
struct bank {
  int col = 0, row = 0, id = 0;
  bank(int c, int r, int b) : col(c), row(r), id(b) {}
};
struct shim {
  int col = 0, channel = -1;
  explicit shim(int c, int ch = -1) : col(c), channel(ch) {}
};

enum plio_type { plio_32_bits = 32, plio_64_bits = 64, plio_128_bits = 128 };

}  // namespace adf

namespace aie4ml_emu {
namespace rt {

enum class node_kind { kernel, shared_buffer, input_plio, output_plio, rtp_port };
enum class port_kind {
  buffer_in, buffer_out,    // kernel buffer ports (adf::input_buffer / output_buffer)
  cascade_in, cascade_out,  // kernel cascade ports
  rtp_in,                   // kernel runtime-parameter array
  stream_in, stream_out,    // shared-buffer and PLIO ends (filled / drained by DMA)
  rtp_source                // a graph-level runtime-parameter port
};

inline const char* to_string(port_kind k) {
  switch (k) {
    case port_kind::buffer_in: case port_kind::buffer_out: return "buffer";
    case port_kind::cascade_in: case port_kind::cascade_out: return "cascade";
    case port_kind::rtp_in: return "rtp";
    case port_kind::stream_in: case port_kind::stream_out: return "stream";
    case port_kind::rtp_source: return "rtp_source";
  }
  return "?";
}

struct port_info {
  port_kind kind = port_kind::buffer_in;
  std::string type;             // element type: "int8" ... "float", or the accumulator tag of a cascade
  unsigned elem_bytes = 0;
  long long rtp_elems = 0;      // runtime-parameter arrays: element count from the kernel signature
  std::vector<unsigned> dims;   // adf::dimensions()
  std::vector<adf::address> buffer_location;  // adf::location<adf::buffer>() of this port's buffer(s)
  std::optional<adf::tiling_parameters> access;  // shared-buffer ports: write_access / read_access
  bool async = false;
  bool has_initial = false;
  std::vector<long double> initial;  // adf::initial_value(), converted to `type` when the graph starts
};

struct node;

// One end of a connection: port `index` of `owner`'s inputs (out == false) or outputs.
struct endpoint {
  node* owner = nullptr;
  bool out = false;
  int index = 0;
  port_info& info() const;
};

// What a kernel invocation receives: per port, the memory it works on this time.
struct call_frame {
  std::vector<void*> in, out;             // buffers: frame data; cascades: the link; rtp: the array
  std::vector<std::size_t> in_elems, out_elems;
};

struct node {
  node_kind kind = node_kind::kernel;
  int id = 0;
  std::vector<port_info> in, out;
  // kernels
  std::string source;
  std::optional<double> runtime_ratio;
  std::optional<long long> stack_size, heap_size;
  std::optional<adf::tile> tile;
  std::optional<adf::address> stack_location;
  std::function<void(call_frame&)> invoke;
  std::function<void*(const std::string& tag)> make_cascade_link;  // cascade_out ports: new link
  // shared buffers
  std::vector<unsigned> dimension;
  std::string elem_type;
  unsigned elem_bytes = 0;
  int num_buffers = 1;
  std::vector<adf::address> location;
  // PLIO
  std::string name, file;
  int width_bits = 32;
  double frequency_mhz = 0;
  std::optional<adf::shim> shim;

  std::string describe() const;  // "kernel at tile(3,0)", "shared buffer #4 at memory tile(5,0)", "PLIO 'in_x'"
};

inline port_info& endpoint::info() const { return out ? owner->out.at(index) : owner->in.at(index); }

inline std::string node::describe() const {
  switch (kind) {
    case node_kind::kernel:
      if (tile) return "kernel at tile(" + std::to_string(tile->col) + "," + std::to_string(tile->row) + ")";
      return "kernel #" + std::to_string(id) + (source.empty() ? "" : " (" + source + ")");
    case node_kind::shared_buffer:
      if (!location.empty())
        return "shared buffer at memory tile(" + std::to_string(location[0].col) + "," + std::to_string(location[0].row) +
               ") offset " + std::to_string(location[0].offset);
      return "shared buffer #" + std::to_string(id);
    case node_kind::input_plio: return "input PLIO '" + name + "'";
    case node_kind::output_plio: return "output PLIO '" + name + "'";
    case node_kind::rtp_port: return "runtime-parameter port #" + std::to_string(id);
  }
  return "node";
}

inline std::string describe(const endpoint& e) {
  return e.owner->describe() + (e.out ? " out[" : " in[") + std::to_string(e.index) + "]";
}

enum class edge_kind { data, cascade, parameter };

struct edge {
  edge_kind kind = edge_kind::data;
  endpoint from, to;
};

// Everything the graph constructors created, in creation order.
struct registry {
  std::vector<std::unique_ptr<node>> nodes;
  std::vector<edge> edges;

  node* add(node_kind kind) {
    nodes.push_back(std::make_unique<node>());
    nodes.back()->kind = kind;
    nodes.back()->id = static_cast<int>(nodes.size()) - 1;
    return nodes.back().get();
  }
};

// The registry graph constructors record into: the program's own, or one a registry_scope installs
// (tests build and run several independent graphs in one process).
inline registry*& registry_slot() {
  static registry program;
  static registry* current = &program;
  return current;
}
inline registry& current_registry() { return *registry_slot(); }

struct registry_scope {
  registry mine;
  registry* saved;
  registry_scope() : saved(registry_slot()) { registry_slot() = &mine; }
  ~registry_scope() { registry_slot() = saved; }
  registry_scope(const registry_scope&) = delete;
  registry_scope& operator=(const registry_scope&) = delete;
};

inline std::vector<endpoint> endpoints(node* n, bool out) {
  std::vector<endpoint> v;
  const std::size_t count = out ? n->out.size() : n->in.size();
  for (std::size_t i = 0; i < count; ++i) v.push_back(endpoint{n, out, static_cast<int>(i)});
  return v;
}

// Element type names as the graph and the record spell them.
template <class T>
constexpr const char* type_name() {
  if constexpr (std::is_same_v<T, int8>) return "int8";
  else if constexpr (std::is_same_v<T, uint8>) return "uint8";
  else if constexpr (std::is_same_v<T, int16>) return "int16";
  else if constexpr (std::is_same_v<T, uint16>) return "uint16";
  else if constexpr (std::is_same_v<T, int32>) return "int32";
  else if constexpr (std::is_same_v<T, uint32>) return "uint32";
  else if constexpr (std::is_same_v<T, int64>) return "int64";
  else if constexpr (std::is_same_v<T, uint64>) return "uint64";
  else if constexpr (std::is_same_v<T, float>) return "float";
  else if constexpr (std::is_same_v<T, bfloat16>) return "bfloat16";
  else if constexpr (std::is_same_v<T, acc32>) return "acc32";
  else if constexpr (std::is_same_v<T, acc64>) return "acc64";
  else if constexpr (std::is_same_v<T, accfloat>) return "accfloat";
  else static_assert(sizeof(T) == 0, "aie4ml emu: element type not supported in graph ports");
}

}  // namespace rt
}  // namespace aie4ml_emu
