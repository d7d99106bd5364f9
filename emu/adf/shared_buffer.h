// aie4ml host emulation of ADF memory-tile shared buffers (UG1603 "Shared Buffers"):
// `adf::shared_buffer<T>::create({dims}, n_in, n_out)`, its ports `sb.in[i]` / `sb.out[j]`,
// `adf::num_buffers(sb)`, and the port access patterns `adf::write_access(sb.in[i]) = tiling(...)` /
// `adf::read_access(sb.out[j]) = tiling(...)`, recorded as data. What the memory-tile DMA does with
// them at run time is in scheduler.h (shared_buffer_state).
#pragma once
#include <string>
#include <vector>

#include "graph_registry.h"
#include "kernel.h"
#include "tiling.h"

namespace adf {

template <typename T>
class shared_buffer {
 public:
  std::vector<endpoint> in, out;
  aie4ml_emu::rt::node* impl = nullptr;

  static shared_buffer create(const std::vector<unsigned>& dimension, unsigned num_inputs, unsigned num_outputs) {
    using namespace aie4ml_emu::rt;
    node* n = current_registry().add(node_kind::shared_buffer);
    n->dimension = dimension;
    n->elem_type = type_name<T>();
    n->elem_bytes = sizeof(T);
    port_info p;
    p.type = n->elem_type;
    p.elem_bytes = sizeof(T);
    p.kind = port_kind::stream_in;
    n->in.assign(num_inputs, p);
    p.kind = port_kind::stream_out;
    n->out.assign(num_outputs, p);
    shared_buffer sb;
    sb.impl = n;
    sb.in = endpoints(n, false);
    sb.out = endpoints(n, true);
    return sb;
  }
};

template <typename T>
int& num_buffers(shared_buffer<T>& sb) {
  return sb.impl->num_buffers;
}

namespace emu_detail {

struct access_proxy {
  endpoint port;
  bool write;
  void operator=(const access_pattern& a) {
    using aie4ml_emu::rt::node_kind;
    if (port.owner->kind != node_kind::shared_buffer)
      throw aie4ml_emu::emu_error((write ? "write_access: " : "read_access: ") + aie4ml_emu::rt::describe(port) +
                                  " is not a shared-buffer port");
    if (write == port.out)
      throw aie4ml_emu::emu_error(std::string(write ? "write_access takes an input (sb.in[i])"
                                                    : "read_access takes an output (sb.out[j])") +
                                  " port of a shared buffer");
    port.info().access = a.params;
  }
};

}  // namespace emu_detail

inline emu_detail::access_proxy write_access(const endpoint& p) { return {p, true}; }
inline emu_detail::access_proxy read_access(const endpoint& p) { return {p, false}; }

}  // namespace adf
