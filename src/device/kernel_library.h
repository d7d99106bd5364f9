// What the dense kernels of kernels/ implement, as data (kernels/variants.json, owned by the kernel
// library): per type pair the mmul shapes, the default shape, element and bias sizes. The planner only
// chooses what both the device (devices/*.json) and the kernels support.
// Reads: <root>/kernels/variants.json. Writes: nothing. Checks: the keys used here exist with the right
// types (InputError naming the file and key).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "device/device.h"

namespace aie4ml {

struct KernelVariant {
  std::string type_pair;            // "int8xint8", ...
  int a_bytes = 1, b_bytes = 1;     // activation and weight element sizes
  std::vector<int> output_bytes;    // output element sizes the kernel can write
  int bias_bytes = 4;               // per bias element (bias is stored as n_slice x tile_m elements)
  std::vector<MmulShape> mmul_shapes;
  MmulShape default_shape{};
};

class KernelLibrary {
 public:
  static KernelLibrary load(const std::filesystem::path& variants_json);
  static const KernelLibrary& builtin();  // data_root() / "kernels" / "variants.json"

  const KernelVariant* find(const std::string& type_pair) const;
  std::vector<std::string> type_pairs() const;

 private:
  std::vector<KernelVariant> variants_;
};

}  // namespace aie4ml
