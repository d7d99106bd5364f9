// The compile pipeline behind aie4ml.convert (see compiled_model.h).
#include "compiled_model.h"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codegen/array_project.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "io/project_dir.h"
#include "passes/calibrate.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"
#include "sim/convert.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml::python {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw InputError(fmt::format("failed writing '{}'", path.string()));
}

std::map<std::string, FixedType> calibrated_types(const Model& float_model, const Calibration& c) {
  FloatInterpreter interp(float_model);
  if (interp.input_names().size() != 1) throw InputError("calibration supports models with one input");
  const int64_t per_sample = interp.sample_elements(interp.input_names()[0]);
  if (c.batch < 1 || static_cast<int64_t>(c.x.size()) != c.batch * per_sample)
    throw InputError(fmt::format("calibration samples: shape does not hold samples of {} elements", per_sample));
  if (c.width != 8 && c.width != 16) throw InputError(fmt::format("calibration width must be 8 or 16, got {}", c.width));
  const auto ranges = interp.observe_ranges({c.x}, c.batch);
  return calibrate_types(float_model, ranges, {c.width, c.margin});
}

}  // namespace

CompiledModel::CompiledModel(const fs::path& onnx, Config config, const std::optional<std::string>& device,
                             std::optional<int> batch, const std::optional<Calibration>& calibration)
    : onnx_(onnx), config_(std::move(config)) {
  if (device) config_.device = *device;
  if (batch) {
    if (*batch < 1) throw InputError(fmt::format("batch must be >= 1, got {}", *batch));
    config_.batch_size = *batch;
  }
  DeviceCatalog::builtin().get(this->device());  // an unknown device fails here, not at write()
  warnings_ = config_.warnings;
  if (!fs::is_regular_file(onnx)) throw InputError(fmt::format("model '{}' does not exist", onnx.string()));
  model_ = import_onnx(onnx);
  canonicalize(model_);
  float_model_ = model_;
  QuantizeOptions q;
  if (calibration) {
    q.calibrated = calibrated_types(float_model_, *calibration);
    calibration_profile_ = {calibration->x, calibration->batch, "calibration samples"};
  }
  const QuantizeReport report = quantize_model(model_, config_, q);
  notes_ = report.notes;
  warnings_.insert(warnings_.end(), report.warnings.begin(), report.warnings.end());
  IntegerInterpreter check(model_);  // refuses what predict could not run, as compile does
}

std::string CompiledModel::device() const { return config_.device.value_or(codegen::kDefaultDevice); }

int64_t CompiledModel::input_elements() const {
  if (model_.inputs.size() != 1)
    throw InputError(fmt::format("the model has {} inputs; predict takes one input", model_.inputs.size()));
  int64_t n = 1;
  for (auto d : model_.tensor(model_.inputs[0]).sample_shape()) n *= d;
  return n;
}

std::vector<std::vector<int64_t>> CompiledModel::predict_codes(const std::vector<double>& x, int64_t batch) const {
  const IntegerInterpreter interp(model_);
  const std::string& in = model_.inputs.at(0);
  std::vector<int64_t> codes(x.size());
  sim::quantize_values(x.data(), codes.data(), static_cast<int64_t>(x.size()), interp.type(in));
  return interp.run({codes}, batch);
}

std::vector<std::string> CompiledModel::write(const fs::path& dir, bool force,
                                              const codegen::ProfileInputs& profile) const {
  check_output_directory(dir, force);
  std::vector<std::string> lines;
  write_directory_atomically(dir, force, [&](const fs::path& tmp) {
    write_text(tmp / "model.json", model_.to_json(true).dump(1) + "\n");
    write_text(tmp / "float_model.json", float_model_.to_json(true).dump(1) + "\n");
    write_text(tmp / "config.json", config_.to_json().dump(2) + "\n");
    const auto r = codegen::write_array_project(model_, config_, tmp);
    lines = r.warnings;
    if (!r.summary.empty()) lines.push_back(r.summary);
    codegen::write_report_html(model_, float_model_, tmp, profile.x.empty() ? calibration_profile_ : profile);
  });
  return lines;
}

}  // namespace aie4ml::python
