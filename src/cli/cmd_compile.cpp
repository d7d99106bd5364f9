// `aie4ml compile MODEL.onnx [-c CONFIG.json] [--device NAME] [--batch N] [-o DIR] [--force]
//                 [--calibrate X.npy [--calibrate-width 8|16] [--calibrate-margin BITS]]`
// Stage 1 of the compiler: import + canonicalise + quantise, then write the project directory:
//   model.json        the quantised Model IR with values and integer codes (what `predict` executes)
//   float_model.json  the canonicalised model before quantisation (the "float model" of accuracy reports)
//   config.json       the effective configuration (file + command-line overrides)
//   report.html       map, layer table, latency breakdown and numerical profiling on the calibration
//                     samples (else random ones): codegen/report_html.h
// Later stages add their files through more entries in project_writers(); the whole directory is
// written atomically (io/project_dir.h). Messages: notes, warnings and progress on stderr, a summary on
// stdout.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "codegen/array_project.h"
#include "codegen/report_html.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "io/npy.h"
#include "io/project_dir.h"
#include "passes/calibrate.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"
#include "passes/to_bf16.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml::cli {

namespace fs = std::filesystem;

namespace {

struct CompileOptions {
  std::string model, config, device, output, calibrate;
  int batch = 0;  // 0: not given
  bool force = false;
  int calibrate_width = 8, calibrate_margin = 0;
};

// Everything the project writers may read.
struct CompileState {
  fs::path model_path;
  Config config;
  Model float_model;
  Model model;
  codegen::ProfileInputs profile;  // report.html's samples: the calibration samples when given
};

using ProjectWriter = std::function<void(const CompileState&, const fs::path& dir)>;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw InputError(fmt::format("failed writing '{}'", path.string()));
}

void write_models(const CompileState& s, const fs::path& dir) {
  write_text(dir / "model.json", s.model.to_json(true).dump(1) + "\n");
  write_text(dir / "float_model.json", s.float_model.to_json(true).dump(1) + "\n");
}

void write_config(const CompileState& s, const fs::path& dir) {
  write_text(dir / "config.json", s.config.to_json().dump(2) + "\n");
}

// One line on stderr about the mapping search whose result report.json records.
void print_search_summary(const fs::path& report_path) {
  std::ifstream in(report_path);
  const auto report = nlohmann::json::parse(in, nullptr, false);
  if (!in || report.is_discarded() || !report.contains("search") || !report["search"].is_object()) return;
  const auto& s = report["search"];
  fmt::print(stderr, "design search ({}): {} candidates timed{}, chose {}\n", s.value("objective", "?"),
             s.value("candidates_tried", 0), s.value("exhaustive", false) ? " (all of them)" : "",
             s.value("chosen", std::string("?")));
}

// design.json, placement.svg, report.json and the Vitis project (aie/, data/, Makefile, ...).
void write_array(const CompileState& s, const fs::path& dir) {
  fmt::print(stderr, "mapping onto {}: timing candidate designs with the performance model...\n",
             s.config.device.value_or(codegen::kDefaultDevice));
  const auto r = codegen::write_array_project(s.model, s.config, dir);
  for (auto& w : r.warnings) fmt::print(stderr, "warning: {}\n", w);
  print_search_summary(dir / "report.json");
  if (!r.summary.empty()) fmt::print("{}\n", r.summary);
}

// report.html: map, layer table, latency breakdown and numerical profiling (after report.json).
void write_report_page(const CompileState& s, const fs::path& dir) {
  fmt::print(stderr, "writing report.html (numerical profiling)...\n");
  codegen::write_report_html(s.model, s.float_model, dir, s.profile);
}

// The files of a project, in order. Mapping and code generation append their writers here.
std::vector<ProjectWriter> project_writers() { return {write_models, write_config, write_array, write_report_page}; }

Config effective_config(const CompileOptions& o) {
  Config c = o.config.empty() ? Config{} : Config::load(o.config);
  if (!o.device.empty()) c.device = o.device;
  if (o.batch != 0) {
    if (o.batch < 1) throw InputError(fmt::format("--batch must be >= 1, got {}", o.batch));
    c.batch_size = o.batch;
  }
  for (auto& w : c.warnings) fmt::print(stderr, "warning: {}\n", w);
  return c;
}

// Ranges of the float model on the calibration samples -> types per tensor (printed).
std::map<std::string, FixedType> calibrate(const Model& float_model, const CompileOptions& o,
                                           codegen::ProfileInputs& profile) {
  const NpyArray x = read_npy(o.calibrate);
  FloatInterpreter interp(float_model);
  if (interp.input_names().size() != 1)
    throw InputError("--calibrate supports models with one input");
  const int64_t per_sample = interp.sample_elements(interp.input_names()[0]);
  if (x.shape.empty() || x.size() % std::max<int64_t>(per_sample, 1) != 0 || x.shape[0] * per_sample != x.size())
    throw InputError(fmt::format("{}: shape does not hold samples of {} elements", o.calibrate, per_sample));
  fmt::print(stderr, "calibrating on {} samples...\n", x.shape[0]);
  profile = {x.to_doubles(), x.shape[0], fmt::format("calibration samples {}", o.calibrate)};
  const auto ranges = interp.observe_ranges({profile.x}, x.shape[0]);
  const auto types = calibrate_types(float_model, ranges, {o.calibrate_width, o.calibrate_margin});
  fmt::print("calibration on {} samples ({}-bit, margin {}):\n", x.shape[0], o.calibrate_width, o.calibrate_margin);
  for (auto& line : describe_calibration(float_model, types, ranges)) fmt::print("  {}\n", line);
  return types;
}

void print_summary(const CompileState& s, const fs::path& out) {
  int layers = 0;
  for (auto& op : s.model.ops) layers += op.kind == OpKind::Dense || op.kind == OpKind::Conv;
  fmt::print("compiled '{}': {} ops ({} weighted layers), {} parameters, {} MACs per sample -> {}\n",
             s.model_path.filename().string(), s.model.ops.size(), layers, s.model.parameter_count(),
             s.model.macs_per_sample(), out.string());
  for (auto& name : s.model.inputs) fmt::print("  input  {}: {}\n", name, s.model.tensor(name).type.str());
  for (auto& name : s.model.outputs) fmt::print("  output {}: {}\n", name, s.model.tensor(name).type.str());
}

void run_compile(const CompileOptions& o) {
  const fs::path out = o.output.empty() ? fs::path(fs::path(o.model).stem().string() + "_aie4ml") : fs::path(o.output);
  check_output_directory(out, o.force);  // fail before the work, not after
  CompileState s;
  s.model_path = o.model;
  s.config = effective_config(o);
  s.model = import_onnx(o.model);
  canonicalize(s.model);
  s.float_model = s.model;
  if (wants_bf16(s.config)) {  // Model.Precision bf16: no quantisation (passes/to_bf16.h)
    if (!o.calibrate.empty()) throw InputError("--calibrate chooses fixed-point types; Model.Precision is bf16");
    for (auto& n : convert_to_bf16(s.model, s.config)) fmt::print(stderr, "note: {}\n", n);
    Bf16Interpreter check(s.model);
  } else {
    QuantizeOptions q;
    if (!o.calibrate.empty()) q.calibrated = calibrate(s.float_model, o, s.profile);
    const QuantizeReport report = quantize_model(s.model, s.config, q);
    for (auto& n : report.notes) fmt::print(stderr, "note: {}\n", n);
    for (auto& w : report.warnings) fmt::print(stderr, "warning: {}\n", w);
    IntegerInterpreter check(s.model);  // refuses what predict could not run, before anything is written
  }
  write_directory_atomically(out, o.force, [&](const fs::path& dir) {
    for (auto& writer : project_writers()) writer(s, dir);
  });
  print_summary(s, out);
}

}  // namespace

void add_compile_command(CLI::App& app) {
  auto o = std::make_shared<CompileOptions>();
  auto* cmd = app.add_subcommand("compile", "Quantise a model and write its project directory (model.json, config.json)");
  cmd->add_option("model", o->model, "ONNX model")->required()->check(CLI::ExistingFile);
  cmd->add_option("-c,--config", o->config, "hls4ml-style JSON configuration")->check(CLI::ExistingFile);
  cmd->add_option("--device", o->device, "target device name (see `aie4ml devices`)");
  cmd->add_option("--batch", o->batch, "samples per batch (overrides Model.BatchSize)");
  cmd->add_option("-o,--output", o->output, "project directory (default: <model name>_aie4ml)");
  cmd->add_flag("--force", o->force, "replace an existing project directory");
  cmd->add_option("--calibrate", o->calibrate, "choose types from the float model's ranges on these samples (.npy)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--calibrate-width", o->calibrate_width, "bits per calibrated type (8 or 16)")
      ->check(CLI::IsMember({8, 16}));
  cmd->add_option("--calibrate-margin", o->calibrate_margin, "extra integer bits of headroom per calibrated type")
      ->check(CLI::Range(0, 15));
  cmd->callback([o] { run_compile(*o); });
}

}  // namespace aie4ml::cli
