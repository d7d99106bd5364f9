// aie4ml host stand-in for <xrt/xrt_graph.h> (older XRT: <experimental/xrt_graph.h>; see
// emu/xrt/README.md): xrt::graph, an AI Engine graph in the loaded xclbin, by instance name.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "xrt_device.h"

namespace xrt {

class graph {
 public:
  graph(const device&, const uuid&, const std::string& name) { stand_in::no_device("xrt::graph(" + name + ")"); }
  void reset() {}
  void run(int) {}
  void wait(std::chrono::milliseconds) {}
  void wait(uint64_t = 0) {}
  void end(uint64_t = 0) {}
};

}  // namespace xrt
