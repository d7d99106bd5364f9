// aie4ml host emulation of ADF PLIO ports (UG1603 "PLIO"): `adf::input_plio::create(name, width, file,
// MHz)` and `adf::output_plio::create(...)`, recorded as data. Their data files are read and written by
// the runtime (plio_files.h).
#pragma once
#include <string>
#include <vector>

#include "graph_registry.h"
#include "kernel.h"

namespace adf {

namespace emu_detail {

inline aie4ml_emu::rt::node* make_plio(aie4ml_emu::rt::node_kind kind, const std::string& name, plio_type width,
                                       const std::string& file, double mhz) {
  using namespace aie4ml_emu::rt;
  node* n = current_registry().add(kind);
  n->name = name;
  n->width_bits = static_cast<int>(width);
  n->file = file;
  n->frequency_mhz = mhz;
  port_info p;
  p.kind = kind == node_kind::input_plio ? port_kind::stream_out : port_kind::stream_in;
  (kind == node_kind::input_plio ? n->out : n->in).push_back(p);
  return n;
}

}  // namespace emu_detail

class input_plio {
 public:
  std::vector<endpoint> out;
  aie4ml_emu::rt::node* impl = nullptr;
  static input_plio create(const std::string& name, plio_type width, const std::string& file, double mhz = 0) {
    input_plio p;
    p.impl = emu_detail::make_plio(aie4ml_emu::rt::node_kind::input_plio, name, width, file, mhz);
    p.out = aie4ml_emu::rt::endpoints(p.impl, true);
    return p;
  }
  static input_plio create(plio_type width, const std::string& file) { return create("", width, file); }
};

class output_plio {
 public:
  std::vector<endpoint> in;
  aie4ml_emu::rt::node* impl = nullptr;
  static output_plio create(const std::string& name, plio_type width, const std::string& file, double mhz = 0) {
    output_plio p;
    p.impl = emu_detail::make_plio(aie4ml_emu::rt::node_kind::output_plio, name, width, file, mhz);
    p.in = aie4ml_emu::rt::endpoints(p.impl, false);
    return p;
  }
  static output_plio create(plio_type width, const std::string& file) { return create("", width, file); }
};

}  // namespace adf
