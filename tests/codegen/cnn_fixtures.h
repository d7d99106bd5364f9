// Shared helper for the conv and tensor-op project tests: the generated CNNs of
// tests/models/make_cnn_models.py, imported and quantised as `aie4ml compile` does.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "frontend/onnx_import.h"
#include "io/config.h"
#include "ir/model.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"

namespace aie4ml::testing {

// The quantised model AIE4ML_TEST_DATA/cnn/<name>.onnx (QDQ types), or nullopt when it was not generated.
inline std::optional<Model> generated_cnn(const std::string& name) {
  const auto p = std::filesystem::path(AIE4ML_TEST_DATA) / "cnn" / (name + ".onnx");
  if (!std::filesystem::exists(p)) return std::nullopt;
  Model m = import_onnx(p);
  canonicalize(m);
  quantize_model(m, Config{});
  return m;
}

}  // namespace aie4ml::testing
