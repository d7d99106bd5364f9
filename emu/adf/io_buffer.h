// aie4ml host emulation of ADF kernel buffer ports: adf::input_buffer<T> / adf::output_buffer<T> as a
// kernel sees them (data(), size(), and aie::begin_vector over them). On the host a buffer port is a
// view of memory owned by whoever runs the kernel (a test, or the graph scheduler that a later stage
// adds under emu/adf/); `adf::emu_bind` makes one.
#pragma once
#include <cstddef>

namespace adf {

struct inherited_extent {};
template <unsigned... Dims>
struct extents {};
template <unsigned Margin>
struct margin {};

namespace emu_dir {
struct in {};
struct out {};
}  // namespace emu_dir

template <typename... Config>
struct emu_config {};

template <typename T, typename Dir, typename Config>
class io_buffer {
 public:
  using value_type = T;
  io_buffer(T* data, std::size_t elems) : data_(data), size_(elems) {}
  T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_;
  std::size_t size_;
};

template <typename T, typename... Config>
using input_buffer = io_buffer<T, emu_dir::in, emu_config<Config...>>;
template <typename T, typename... Config>
using output_buffer = io_buffer<T, emu_dir::out, emu_config<Config...>>;

// Host helper: a buffer port over `elems` elements at `data`.
template <typename Port, typename T>
Port emu_bind(T* data, std::size_t elems) {
  return Port(data, elems);
}

}  // namespace adf
