// aie4ml host stand-in for <xrt/xrt_device.h> (see emu/xrt/README.md): xrt::uuid and xrt::device.
// Declarations follow the public XRT native API documentation; nothing here talks to a device.
#pragma once
#include <stdexcept>
#include <string>

enum xclBOSyncDirection { XCL_BO_SYNC_BO_TO_DEVICE = 0, XCL_BO_SYNC_BO_FROM_DEVICE = 1 };

namespace xrt {

namespace stand_in {
[[noreturn]] inline void no_device(const std::string& what) {
  throw std::runtime_error(what + ": this program was built against aie4ml's XRT stand-in (emu/xrt), which has no "
                                  "device; build it with the board's XRT (make host_xrt) to run it");
}
}  // namespace stand_in

class uuid {
 public:
  uuid() = default;
  std::string to_string() const { return "00000000-0000-0000-0000-000000000000"; }
};

class device {
 public:
  device() = default;
  explicit device(unsigned int index) { stand_in::no_device("xrt::device(" + std::to_string(index) + ")"); }
  uuid load_xclbin(const std::string& path) { stand_in::no_device("xrt::device::load_xclbin(" + path + ")"); }
};

using memory_group = unsigned int;

}  // namespace xrt
