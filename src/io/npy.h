// NumPy .npy files (format versions 1.0, 2.0 and 3.0; C order; little- or big-endian float32, float64,
// int8, int16, int32, int64), the exchange format of `aie4ml predict`.
// xtensor's xnpy was considered and not used: it depends on the header's key order, does not check for
// truncated data, sign-extends header-length bytes and only loads a dtype fixed at compile time, while
// predict must accept whatever dtype the user saved. This module is small and tested on its own.
// Reads/writes: files or byte strings. Checks: magic, version, header syntax (a Python dict literal with
// exactly descr / fortran_order / shape), supported dtype, C order, data length; each failure throws
// InputError naming the file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace aie4ml {

enum class NpyDtype : uint8_t { Float32, Float64, Int8, Int16, Int32, Int64 };

std::string_view to_string(NpyDtype d);  // numpy's name: "float32", ...
int itemsize(NpyDtype d);
bool is_integer(NpyDtype d);

struct NpyArray {
  NpyDtype dtype = NpyDtype::Float64;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;  // little-endian, C order

  int64_t size() const;  // number of elements

  std::vector<double> to_doubles() const;  // any dtype (int64 beyond 2^53 rounds)
  // Integer dtypes only (throws InputError naming `what` for float data that is not integral).
  std::vector<int64_t> to_int64(const std::string& what = "array") const;

  // Build an array; values must fit the dtype (throws InputError otherwise). Float32 rounds to nearest.
  static NpyArray from_doubles(std::vector<int64_t> shape, const std::vector<double>& values, NpyDtype dtype);
  static NpyArray from_int64(std::vector<int64_t> shape, const std::vector<int64_t>& values, NpyDtype dtype);
};

NpyArray parse_npy(std::string_view bytes, const std::string& name);
NpyArray read_npy(const std::filesystem::path& path);
std::string npy_bytes(const NpyArray& a);
void write_npy(const std::filesystem::path& path, const NpyArray& a);

}  // namespace aie4ml
