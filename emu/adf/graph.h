// aie4ml host emulation of the ADF graph class (UG1603 "Graph Programming"): `class top : public
// adf::graph { ... }` builds its kernels, buffers and connections in its constructor (recorded by
// kernel.h, shared_buffer.h and plio.h); `init()` checks the recorded graph and builds the host network
// (scheduler.h), `run(n)` executes n iterations, `wait()` returns at once (runs are synchronous on the
// host), `end()` flushes the PLIO output files and checks that no cascade word was left unread.
// With this header a generated graph.h / graph.cpp builds unchanged with g++ against emu/.
//
// The member functions are defined in adf/host_runtime.cpp, which a program that runs a graph compiles
// and links once (a generated project's `make host` does); kernels alone need nothing from it.
// An error anywhere (a graph the tools would reject, a deadlock, a data file that runs out) ends the
// program with "aie4ml host: error: ..." on stderr and exit status 3.
#pragma once
#include <cstddef>

#include "graph_registry.h"
#include "kernel.h"
#include "plio.h"
#include "shared_buffer.h"
#include "tiling.h"

namespace adf {

enum return_code { ok = 0, user_error, aie_driver_error, xrt_error, internal_error };

namespace emu_detail {
bool graph_started();  // init() has built the host network
}

class graph {
 public:
  graph();
  virtual ~graph() = default;

  return_code init();
  return_code run(int iterations = -1);
  return_code wait();
  return_code wait(unsigned long long cycles);
  return_code end();

  // Runtime-parameter update before init(): the array of every kernel port `p` feeds.
  template <direction D, class T>
  return_code update(const port<D>& p, const T* data, std::size_t n) {
    if (emu_detail::graph_started())
      throw aie4ml_emu::emu_error("graph.update() after init(): the host emulation takes parameters before init()");
    for (auto& e : aie4ml_emu::rt::current_registry().edges)
      if (e.kind == aie4ml_emu::rt::edge_kind::parameter && e.from.owner == p.impl) {
        auto& info = e.to.info();
        info.initial.assign(data, data + n);
        info.has_initial = true;
      }
    return ok;
  }
};

}  // namespace adf
