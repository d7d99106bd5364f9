// aie4ml host emulation: the graph a generated graph.h built, written out as JSON (the "graph record")
// so that `aie4ml verify` can compare it with design.json: the same kernels on the same tiles, the same
// cascade, buffer and shared-buffer connections with the same tiling parameters, the same PLIO ports.
//
// Format (every key always present; ids index `nodes`):
//   {"format": "aie4ml-graph-record", "version": 1,
//    "nodes": [{"id", "kind": "kernel"|"shared_buffer"|"input_plio"|"output_plio"|"rtp_port",
//               kernels:        "tile": [col,row]|null, "source", "runtime_ratio"|null, "stack_size"|null,
//                               "heap_size"|null, "stack_location": [col,row,offset]|null,
//               shared buffers: "type", "dimension", "num_buffers", "location": [[col,row,offset]..],
//               PLIO:           "name", "file", "width_bits", "frequency_mhz", "column"|null,
//               "in": [port], "out": [port]}],
//    "connections": [{"kind": "data"|"cascade"|"parameter", "from": [id, index], "to": [id, index]}]}
//   port = {"kind": "buffer"|"cascade"|"rtp"|"stream"|"rtp_source", "type", "dimensions": [..],
//           "location": [[col,row,offset]..], "access": tiling|null, "async", "initial_values"}
//   tiling = {"buffer_dimension", "tiling_dimension", "offset", "tile_traversal": [{"dimension",
//             "stride", "wrap"}], "repetition", "boundary_dimension"}
#pragma once
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "graph_registry.h"

namespace aie4ml_emu {
namespace rt {

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <class V>
std::string json_list(const std::vector<V>& v) {
  std::ostringstream s;
  s << "[";
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
  s << "]";
  return s.str();
}

inline std::string json_addresses(const std::vector<adf::address>& v) {
  std::ostringstream s;
  s << "[";
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << "[" << v[i].col << ", " << v[i].row << ", " << v[i].offset << "]";
  s << "]";
  return s.str();
}

inline std::string json_tiling(const std::optional<adf::tiling_parameters>& t) {
  if (!t) return "null";
  std::ostringstream s;
  s << "{\"buffer_dimension\": " << json_list(t->buffer_dimension) << ", \"tiling_dimension\": "
    << json_list(t->tiling_dimension) << ", \"offset\": " << json_list(t->offset) << ", \"tile_traversal\": [";
  for (std::size_t i = 0; i < t->tile_traversal.size(); ++i) {
    const auto& step = t->tile_traversal[i];
    s << (i ? ", " : "") << "{\"dimension\": " << step.dimension << ", \"stride\": " << step.stride
      << ", \"wrap\": " << step.wrap << "}";
  }
  s << "], \"repetition\": " << t->repetition << ", \"boundary_dimension\": " << json_list(t->boundary_dimension) << "}";
  return s.str();
}

inline std::string json_port(const port_info& p) {
  std::ostringstream s;
  s << "{\"kind\": " << json_string(to_string(p.kind)) << ", \"type\": " << json_string(p.type)
    << ", \"dimensions\": " << json_list(p.dims) << ", \"location\": " << json_addresses(p.buffer_location)
    << ", \"access\": " << json_tiling(p.access) << ", \"async\": " << (p.async ? "true" : "false")
    << ", \"initial_values\": " << p.initial.size() << "}";
  return s.str();
}

// A double that reads back as the same double.
inline std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline const char* kind_name(node_kind k) {
  switch (k) {
    case node_kind::kernel: return "kernel";
    case node_kind::shared_buffer: return "shared_buffer";
    case node_kind::input_plio: return "input_plio";
    case node_kind::output_plio: return "output_plio";
    case node_kind::rtp_port: return "rtp_port";
  }
  return "?";
}

template <class T>
std::string json_optional(const std::optional<T>& v) {
  if (!v) return "null";
  std::ostringstream s;
  s << *v;
  return s.str();
}

inline std::string graph_record_json(const registry& reg) {
  std::ostringstream s;
  s << "{\"format\": \"aie4ml-graph-record\", \"version\": 1,\n \"nodes\": [\n";
  for (std::size_t i = 0; i < reg.nodes.size(); ++i) {
    const node& n = *reg.nodes[i];
    s << "  {\"id\": " << n.id << ", \"kind\": " << json_string(kind_name(n.kind));
    if (n.kind == node_kind::kernel) {
      s << ", \"tile\": ";
      if (n.tile) s << "[" << n.tile->col << ", " << n.tile->row << "]";
      else s << "null";
      s << ", \"source\": " << json_string(n.source) << ", \"runtime_ratio\": " << json_optional(n.runtime_ratio)
        << ", \"stack_size\": " << json_optional(n.stack_size) << ", \"heap_size\": " << json_optional(n.heap_size)
        << ", \"stack_location\": ";
      if (n.stack_location) s << "[" << n.stack_location->col << ", " << n.stack_location->row << ", " << n.stack_location->offset << "]";
      else s << "null";
    } else if (n.kind == node_kind::shared_buffer) {
      s << ", \"type\": " << json_string(n.elem_type) << ", \"dimension\": " << json_list(n.dimension)
        << ", \"num_buffers\": " << n.num_buffers << ", \"location\": " << json_addresses(n.location);
    } else if (n.kind == node_kind::input_plio || n.kind == node_kind::output_plio) {
      s << ", \"name\": " << json_string(n.name) << ", \"file\": " << json_string(n.file) << ", \"width_bits\": " << n.width_bits
        << ", \"frequency_mhz\": " << number(n.frequency_mhz) << ", \"column\": " << (n.shim ? std::to_string(n.shim->col) : "null");
    }
    s << ",\n   \"in\": [";
    for (std::size_t p = 0; p < n.in.size(); ++p) s << (p ? ", " : "") << json_port(n.in[p]);
    s << "],\n   \"out\": [";
    for (std::size_t p = 0; p < n.out.size(); ++p) s << (p ? ", " : "") << json_port(n.out[p]);
    s << "]}" << (i + 1 < reg.nodes.size() ? "," : "") << "\n";
  }
  s << " ],\n \"connections\": [\n";
  for (std::size_t i = 0; i < reg.edges.size(); ++i) {
    const edge& e = reg.edges[i];
    const char* kind = e.kind == edge_kind::data ? "data" : e.kind == edge_kind::cascade ? "cascade" : "parameter";
    s << "  {\"kind\": \"" << kind << "\", \"from\": [" << e.from.owner->id << ", " << e.from.index << "], \"to\": ["
      << e.to.owner->id << ", " << e.to.index << "]}" << (i + 1 < reg.edges.size() ? "," : "") << "\n";
  }
  s << " ]}\n";
  return s.str();
}

inline void write_graph_record(const registry& reg, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << graph_record_json(reg);
  if (!out) throw emu_error("cannot write the graph record '" + path + "'");
}

}  // namespace rt
}  // namespace aie4ml_emu
