// aie4ml host emulation: the run-time half of adf::graph (graph.h), compiled once per program that
// runs a graph: builds the network from the recorded graph (scheduler.h), runs it, writes the graph
// record (record.h) and reports errors. Settings come from the environment (scheduler.h).
#include "../adf.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "record.h"
#include "scheduler.h"

namespace adf {

namespace {

[[noreturn]] void report_and_exit() {
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

host_state& state() {
  static host_state s;
  return s;
}

}  // namespace

bool emu_detail::graph_started() { return state().net != nullptr; }

graph::graph() { std::set_terminate(report_and_exit); }

return_code graph::init() {
  auto& st = state();
  if (st.net) return ok;  // one network for every graph object of the program
  st.settings = aie4ml_emu::rt::settings::from_env();
  auto& reg = aie4ml_emu::rt::current_registry();
  if (!st.settings.record_path.empty()) aie4ml_emu::rt::write_graph_record(reg, st.settings.record_path);
  st.net = std::make_unique<aie4ml_emu::rt::network>(reg, st.settings);
  return ok;
}

return_code graph::run(int iterations) {
  auto& st = state();
  if (!st.net) init();
  const long long n = st.settings.iterations >= 0 ? st.settings.iterations : iterations;
  if (n < 0) throw aie4ml_emu::emu_error("graph.run(): the host emulation needs a finite iteration count");
  st.net->run(n);
  st.iterations += n;
  return ok;
}

return_code graph::wait() { return ok; }
return_code graph::wait(unsigned long long) { return ok; }

return_code graph::end() {
  auto& st = state();
  if (!st.net) return ok;
  st.net->finish();
  std::printf("aie4ml host: %lld iterations, %zu kernels (%lld invocations), %zu PLIO outputs in %s\n", st.iterations,
              st.net->kernel_count(), st.net->invocations(), st.net->output_count(), st.settings.output_dir.c_str());
  std::fflush(stdout);
  st.net.reset();
  return ok;
}

}  // namespace adf
