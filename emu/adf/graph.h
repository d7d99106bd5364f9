// aie4ml host emulation of the ADF graph class (UG1603 "Graph Programming"): `class top : public
// adf::graph { ... }` builds its kernels, buffers and connections in its constructor (recorded by
// kernel.h, shared_buffer.h and plio.h); `init()` checks the recorded graph and builds the host network
// (scheduler.h), `run(n)` executes n iterations, `wait()` returns at once (runs are synchronous on the
// host), `end()` flushes the PLIO output files and checks that no cascade word was left unread.
// With this header a generated graph.h / graph.cpp builds unchanged with g++ against emu/.
// An error anywhere (a graph the tools would reject, a deadlock, a data file that runs out) ends the
// program with "aie4ml host: error: ..." on stderr and exit status 3.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "graph_registry.h"
#include "kernel.h"
#include "plio.h"
#include "record.h"
#include "scheduler.h"
#include "shared_buffer.h"
#include "tiling.h"

namespace adf {

enum return_code { ok = 0, user_error, aie_driver_error, xrt_error, internal_error };

namespace emu_detail {

[[noreturn]] inline void report_and_exit() {
  try {
    if (auto e = std::current_exception()) std::rethrow_exception(e);
    std::fprintf(stderr, "aie4ml host: error: terminated\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aie4ml host: error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "aie4ml host: error: unknown exception\n");
  }
  std::fflush(stderr);
  std::_Exit(3);
}

struct host_state {
  aie4ml_emu::rt::settings settings;
  std::unique_ptr<aie4ml_emu::rt::network> net;
  long long iterations = 0;
};

inline host_state& state() {
  static host_state s;
  return s;
}

}  // namespace emu_detail

class graph {
 public:
  graph() { std::set_terminate(emu_detail::report_and_exit); }
  virtual ~graph() = default;

  return_code init() {
    auto& st = emu_detail::state();
    if (st.net) return ok;  // one network for every graph object of the program
    st.settings = aie4ml_emu::rt::settings::from_env();
    auto& reg = aie4ml_emu::rt::current_registry();
    if (!st.settings.record_path.empty()) aie4ml_emu::rt::write_graph_record(reg, st.settings.record_path);
    st.net = std::make_unique<aie4ml_emu::rt::network>(reg, st.settings);
    return ok;
  }

  return_code run(int iterations = -1) {
    auto& st = emu_detail::state();
    if (!st.net) init();
    const long long n = st.settings.iterations >= 0 ? st.settings.iterations : iterations;
    if (n < 0) throw aie4ml_emu::emu_error("graph.run(): the host emulation needs a finite iteration count");
    st.net->run(n);
    st.iterations += n;
    return ok;
  }

  return_code wait() { return ok; }
  return_code wait(unsigned long long) { return ok; }

  return_code end() {
    auto& st = emu_detail::state();
    if (!st.net) return ok;
    st.net->finish();
    std::printf("aie4ml host: %lld iterations, %zu kernels (%lld invocations), %zu PLIO outputs in %s\n", st.iterations,
                st.net->kernel_count(), st.net->invocations(), st.net->output_count(), st.settings.output_dir.c_str());
    std::fflush(stdout);
    st.net.reset();
    return ok;
  }

  // Runtime-parameter update before or between runs: the array of every kernel port `p` feeds.
  template <direction D, class T>
  return_code update(const port<D>& p, const T* data, std::size_t n) {
    if (emu_detail::state().net)
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
