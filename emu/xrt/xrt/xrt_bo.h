// aie4ml host stand-in for <xrt/xrt_bo.h> (see emu/xrt/README.md): xrt::bo, a buffer object in device
// memory. The stand-in keeps the bytes in host memory, so write/read round-trip.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "xrt_device.h"

namespace xrt {

class bo {
 public:
  enum class flags : unsigned int { normal = 0, cacheable = 1, device_only = 2, host_only = 3 };
  bo() = default;
  bo(const device&, std::size_t size, flags, memory_group) : bytes_(std::make_shared<std::vector<unsigned char>>(size)) {}
  std::size_t size() const { return bytes_ ? bytes_->size() : 0; }
  void write(const void* src, std::size_t size, std::size_t seek) { std::memcpy(bytes_->data() + seek, src, size); }
  void write(const void* src) { std::memcpy(bytes_->data(), src, size()); }
  void read(void* dst, std::size_t size, std::size_t skip) { std::memcpy(dst, bytes_->data() + skip, size); }
  void read(void* dst) { std::memcpy(dst, bytes_->data(), size()); }
  void sync(xclBOSyncDirection) {}
  void sync(xclBOSyncDirection, std::size_t, std::size_t) {}

 private:
  std::shared_ptr<std::vector<unsigned char>> bytes_;
};

}  // namespace xrt
