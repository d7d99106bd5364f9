// The C++ side of the Python API (`aie4ml.convert(...)` returns a wrapper around one of these).
// Reads: an ONNX model, a Config (already parsed), a device name, an optional batch and optional
//   calibration samples. Does what `aie4ml compile` does, with the same library calls, in the same
//   order (import, canonicalise, [calibrate], quantise, check that the integer interpreter runs the
//   result); write() then writes the same project files (model.json, float_model.json, config.json,
//   design.json, placement.svg, report.json, report.html, the Vitis project) atomically.
// Checks: every bad input throws InputError with the CLI's message (the module turns it into
//   aie4ml.InputError).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "codegen/report_html.h"
#include "io/config.h"
#include "ir/model.h"

namespace aie4ml::python {

struct Calibration {
  std::vector<double> x;  // [batch, ...]
  int64_t batch = 0;
  int width = 8, margin = 0;
};

class CompiledModel {
 public:
  CompiledModel(const std::filesystem::path& onnx, Config config, const std::optional<std::string>& device,
                std::optional<int> batch, const std::optional<Calibration>& calibration);

  const Model& quantised() const { return model_; }
  const Model& float_model() const { return float_model_; }
  const Config& config() const { return config_; }
  const std::vector<std::string>& notes() const { return notes_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::string device() const;

  // Per-sample elements of the single input; InputError for a model with several inputs.
  int64_t input_elements() const;
  // Bit-exact outputs (one vector of codes per graph output) for float samples [batch, ...], the input
  // quantised as `aie4ml predict` does.
  std::vector<std::vector<int64_t>> predict_codes(const std::vector<double>& x, int64_t batch) const;

  // Writes the project; returns the one-line summaries `compile` prints (array project, if any).
  std::vector<std::string> write(const std::filesystem::path& dir, bool force,
                                 const codegen::ProfileInputs& profile) const;

 private:
  std::filesystem::path onnx_;
  Config config_;
  Model float_model_, model_;
  codegen::ProfileInputs calibration_profile_;
  std::vector<std::string> notes_, warnings_;
};

}  // namespace aie4ml::python
