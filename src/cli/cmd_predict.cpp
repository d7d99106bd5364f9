// `aie4ml predict DIR --input X.npy [--output Y.npy] [--raw] [--float] [--float-output F.npy]
//                 [--labels L.npy] [--threads N]`
// Runs the compiled (quantised) model bit-exactly on samples: X (float, shape [N, ...]) is quantised
// into the model's input type exactly as QuantizeLinear / ap_fixed would (quantize(), with the input
// type's rounding and overflow), the integer interpreter computes the output codes, and Y receives the
// dequantised values (float32 when exact, else float64) or, with --raw, the integer codes (the
// narrowest numpy integer dtype that holds the type). A model with several outputs writes Y.npy for the
// first and Y_<k>.npy for output k.
// --float runs the float model (float_model.json) on the same X and reports the largest absolute
// difference and the argmax agreement; --labels L.npy (class indices [N] or one-hot [N, C]) reports
// accuracy; --float-output F.npy writes the float model's first output (float64). --threads N splits the
// batch over N threads (the results do not depend on N).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "io/npy.h"
#include "ir/fixed_point.h"
#include "sim/bf16_kernels.h"
#include "sim/convert.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml::cli {

namespace fs = std::filesystem;

namespace {

struct PredictOptions {
  std::string dir, input, output, labels, float_output;
  bool raw = false, with_float = false;
  int threads = 1;
};

Model load_model(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read '{}' (is this a directory written by `aie4ml compile`?)", path.string()));
  try {
    return Model::from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

// X must be [N, ...] with the model input's per-sample element count.
int64_t batch_of(const NpyArray& x, int64_t per_sample, const std::string& what) {
  if (x.shape.empty() || per_sample <= 0 || x.shape[0] * per_sample != x.size())
    throw InputError(fmt::format("{}: shape [{}] is not [N, ...] with {} elements per sample", what,
                                 fmt::join(x.shape, ","), per_sample));
  return x.shape[0];
}

NpyDtype raw_dtype(const FixedType& t) {
  const int bits = t.width + (t.is_signed ? 0 : 1);  // an unsigned type needs one more bit in a signed dtype
  if (bits <= 8) return NpyDtype::Int8;
  if (bits <= 16) return NpyDtype::Int16;
  if (bits <= 32) return NpyDtype::Int32;
  return NpyDtype::Int64;
}

std::vector<double> dequantized(const std::vector<int64_t>& codes, const FixedType& t) {
  std::vector<double> v(codes.size());
  sim::dequantize_codes(codes.data(), v.data(), static_cast<int64_t>(codes.size()), t);
  return v;
}

fs::path output_path(const fs::path& first, size_t k) {
  if (k == 0) return first;
  return first.parent_path() / fmt::format("{}_{}{}", first.stem().string(), k, first.extension().string());
}

void write_outputs(const PredictOptions& o, const IntegerInterpreter& interp, const std::vector<std::vector<int64_t>>& ys,
                   int64_t batch) {
  for (size_t k = 0; k < ys.size(); ++k) {
    const std::string& name = interp.output_names()[k];
    const FixedType& t = interp.type(name);
    std::vector<int64_t> shape{batch};
    for (auto d : interp.sample_shape(name)) shape.push_back(d);
    const NpyArray a = o.raw ? NpyArray::from_int64(shape, ys[k], raw_dtype(t))
                             : NpyArray::from_doubles(shape, dequantized(ys[k], t),
                                                      t.width <= 24 ? NpyDtype::Float32 : NpyDtype::Float64);
    write_npy(output_path(o.output, k), a);
  }
}

// Class index per sample: argmax over the last `classes` values (ties: the first).
std::vector<int64_t> argmax_rows(const std::vector<double>& v, int64_t classes) {
  std::vector<int64_t> out;
  for (size_t r = 0; r + classes <= v.size(); r += static_cast<size_t>(classes))
    out.push_back(std::max_element(v.begin() + r, v.begin() + r + classes) - (v.begin() + r));
  return out;
}

std::vector<int64_t> load_labels(const std::string& path, int64_t batch) {
  const NpyArray l = read_npy(path);
  if (l.shape.size() == 1 && l.shape[0] == batch) return l.to_int64(path);
  if (l.shape.size() == 2 && l.shape[0] == batch) return argmax_rows(l.to_doubles(), l.shape[1]);
  throw InputError(fmt::format("{}: expected labels of shape [{}] or one-hot [{}, C]", path, batch, batch));
}

double accuracy(const std::vector<int64_t>& predicted, const std::vector<int64_t>& labels) {
  int64_t hits = 0;
  for (size_t i = 0; i < predicted.size(); ++i) hits += predicted[i] == labels[i];
  return predicted.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(predicted.size());
}

// The float model's first output on x (float_model.json, in double precision).
std::vector<double> run_float_model(const PredictOptions& o, const std::vector<double>& x, int64_t batch) {
  const Model float_model = load_model(fs::path(o.dir) / "float_model.json");
  FloatInterpreter f(float_model);
  auto y = f.run({x}, batch, o.threads)[0];
  if (!o.float_output.empty()) {
    std::vector<int64_t> shape{batch};
    for (auto d : f.sample_shape(f.output_names()[0])) shape.push_back(d);
    write_npy(o.float_output, NpyArray::from_doubles(shape, y, NpyDtype::Float64));
  }
  return y;
}

void report_accuracy(const PredictOptions& o, const Interpreter<int64_t>& interp, const std::vector<double>& y_int,
                     const std::vector<double>& x, int64_t batch) {
  const std::string& out = interp.output_names()[0];
  const int64_t classes = interp.sample_elements(out);
  const auto pred_int = argmax_rows(y_int, classes);
  if (o.with_float) {
    const auto y_float = run_float_model(o, x, batch);
    double max_err = 0;
    for (size_t i = 0; i < y_float.size(); ++i) max_err = std::max(max_err, std::abs(y_float[i] - y_int[i]));
    const auto pred_float = argmax_rows(y_float, classes);
    fmt::print("vs float model: max |error| {:.6g}, argmax agreement {:.4f}% ({} samples)\n", max_err,
               100 * accuracy(pred_int, pred_float), batch);
    if (!o.labels.empty())
      fmt::print("float model accuracy vs labels: {:.4f}%\n", 100 * accuracy(pred_float, load_labels(o.labels, batch)));
  }
  if (!o.labels.empty())
    fmt::print("quantised model accuracy vs labels: {:.4f}%\n", 100 * accuracy(pred_int, load_labels(o.labels, batch)));
}

// A bf16 model (Model.Precision bf16, passes/to_bf16.h): inputs rounded to bf16, outputs the bf16
// values as float32 (--raw: the 16-bit patterns as int16), sim/bf16_kernels.h semantics.
void run_predict_bf16(const PredictOptions& o, const Model& model) {
  const Bf16Interpreter interp(model);
  if (interp.input_names().size() != 1)
    throw InputError(fmt::format("the model has {} inputs; predict takes one --input", interp.input_names().size()));
  const std::string& in_name = interp.input_names()[0];
  const NpyArray x_npy = read_npy(o.input);
  const int64_t batch = batch_of(x_npy, interp.sample_elements(in_name), o.input);
  const std::vector<double> x = x_npy.to_doubles();
  std::vector<int64_t> codes(x.size());
  std::transform(x.begin(), x.end(), codes.begin(), sim::bf16_code_of);
  const auto ys = interp.run({codes}, batch, o.threads);
  auto values = [](const std::vector<int64_t>& c) {
    std::vector<double> v(c.size());
    std::transform(c.begin(), c.end(), v.begin(), [](int64_t e) { return static_cast<double>(sim::bf16_value(e)); });
    return v;
  };
  for (size_t k = 0; k < ys.size() && !o.output.empty(); ++k) {
    std::vector<int64_t> shape{batch};
    for (auto d : interp.sample_shape(interp.output_names()[k])) shape.push_back(d);
    write_npy(output_path(o.output, k), o.raw ? NpyArray::from_int64(shape, ys[k], NpyDtype::Int16)
                                              : NpyArray::from_doubles(shape, values(ys[k]), NpyDtype::Float32));
  }
  fmt::print("predicted {} samples: input {} bf16, output {} bf16{}\n", batch, in_name, interp.output_names()[0],
             o.output.empty() ? "" : fmt::format(" -> {}", o.output));
  if (!o.float_output.empty() && !o.with_float) run_float_model(o, x, batch);
  if (o.with_float || !o.labels.empty()) report_accuracy(o, interp, values(ys[0]), x, batch);
}

void run_predict(const PredictOptions& o) {
  const Model model = load_model(fs::path(o.dir) / "model.json");
  if (is_bf16_model(model)) return run_predict_bf16(o, model);
  IntegerInterpreter interp(model);
  if (interp.input_names().size() != 1)
    throw InputError(fmt::format("the model has {} inputs; predict takes one --input", interp.input_names().size()));
  const std::string& in_name = interp.input_names()[0];
  const NpyArray x_npy = read_npy(o.input);
  const int64_t batch = batch_of(x_npy, interp.sample_elements(in_name), o.input);
  const std::vector<double> x = x_npy.to_doubles();
  const FixedType& in_type = interp.type(in_name);
  std::vector<int64_t> codes(x.size());
  sim::quantize_values(x.data(), codes.data(), static_cast<int64_t>(x.size()), in_type);
  const auto ys = interp.run({codes}, batch, o.threads);
  if (!o.output.empty()) write_outputs(o, interp, ys, batch);
  fmt::print("predicted {} samples: input {} {}, output {} {}{}\n", batch, in_name, in_type.str(),
             interp.output_names()[0], interp.type(interp.output_names()[0]).str(),
             o.output.empty() ? "" : fmt::format(" -> {}", o.output));
  if (!o.float_output.empty() && !o.with_float) run_float_model(o, x, batch);
  if (o.with_float || !o.labels.empty())
    report_accuracy(o, interp, dequantized(ys[0], interp.type(interp.output_names()[0])), x, batch);
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  auto* cmd = app.add_subcommand("predict", "Run a compiled model bit-exactly on samples (.npy in, .npy out)");
  cmd->add_option("dir", o->dir, "project directory written by `aie4ml compile`")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--input", o->input, "samples, float .npy of shape [N, ...]")->required()->check(CLI::ExistingFile);
  cmd->add_option("--output", o->output, "where to write the outputs (.npy)");
  cmd->add_flag("--raw", o->raw, "write the integer output codes instead of their values");
  cmd->add_flag("--float", o->with_float, "compare with the float model (max |error|, argmax agreement)");
  cmd->add_option("--float-output", o->float_output, "write the float model's outputs (.npy, float64)");
  cmd->add_option("--labels", o->labels, "class labels (.npy): report accuracy")->check(CLI::ExistingFile);
  cmd->add_option("--threads", o->threads, "worker threads (results do not depend on it)")->check(CLI::Range(1, 256));
  cmd->callback([o] { run_predict(*o); });
}

}  // namespace aie4ml::cli
