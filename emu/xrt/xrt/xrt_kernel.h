// aie4ml host stand-in for <xrt/xrt_kernel.h> (see emu/xrt/README.md): xrt::kernel and xrt::run.
#pragma once
#include <chrono>
#include <string>

#include "xrt_bo.h"
#include "xrt_device.h"

enum ert_cmd_state { ERT_CMD_STATE_NEW = 1, ERT_CMD_STATE_QUEUED = 2, ERT_CMD_STATE_COMPLETED = 4, ERT_CMD_STATE_ERROR = 5 };

namespace xrt {

class kernel {
 public:
  kernel() = default;
  kernel(const device&, const uuid&, const std::string& name) { stand_in::no_device("xrt::kernel(" + name + ")"); }
  int group_id(int) const { return 0; }
};

class run {
 public:
  run() = default;
  explicit run(const kernel&) {}
  template <class T>
  void set_arg(int, T&&) {}
  void start() {}
  ert_cmd_state wait() { return ERT_CMD_STATE_COMPLETED; }
  ert_cmd_state wait(const std::chrono::milliseconds&) { return ERT_CMD_STATE_COMPLETED; }
};

}  // namespace xrt
