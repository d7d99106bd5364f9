// Kernel library data (see kernel_library.h).
#include "device/kernel_library.h"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/error.h"
#include "support/paths.h"

namespace aie4ml {

namespace {

MmulShape shape_of(const nlohmann::json& j) {
  if (!j.is_array() || j.size() != 3) throw nlohmann::json::type_error::create(302, "expected [M, K, N]", &j);
  return {j[0].get<int>(), j[1].get<int>(), j[2].get<int>()};
}

KernelVariant variant_of(const nlohmann::json& j) {
  KernelVariant v;
  j.at("name").get_to(v.type_pair);
  j.at("a_bytes").get_to(v.a_bytes);
  j.at("b_bytes").get_to(v.b_bytes);
  j.at("output_bytes").get_to(v.output_bytes);
  j.at("bias_bytes").get_to(v.bias_bytes);
  for (auto& s : j.at("mmul_shapes")) v.mmul_shapes.push_back(shape_of(s));
  v.default_shape = shape_of(j.at("default_mmul_shape"));
  return v;
}

}  // namespace

KernelLibrary KernelLibrary::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("kernel library {}: cannot open", path.string()));
  KernelLibrary lib;
  try {
    const auto j = nlohmann::json::parse(in);
    for (auto& t : j.at("type_pairs")) lib.variants_.push_back(variant_of(t));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("kernel library {}: {}", path.string(), e.what()));
  }
  return lib;
}

const KernelLibrary& KernelLibrary::builtin() {
  static const KernelLibrary lib = load(data_root() / "kernels" / "variants.json");
  return lib;
}

const KernelVariant* KernelLibrary::find(const std::string& type_pair) const {
  for (auto& v : variants_)
    if (v.type_pair == type_pair) return &v;
  return nullptr;
}

std::vector<std::string> KernelLibrary::type_pairs() const {
  std::vector<std::string> out;
  for (auto& v : variants_) out.push_back(v.type_pair);
  return out;
}

}  // namespace aie4ml
