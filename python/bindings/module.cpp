// The pybind11 module aie4ml._core: numpy <-> C++ conversions around CompiledModel, verify and the
// model inspection behind config_from_onnx. python/aie4ml/__init__.py is the public face (hls4ml
// vocabulary, dict configs, JSON parsing); this file only converts arrays and maps errors:
// InputError -> aie4ml.InputError (a ValueError), CheckFailure -> aie4ml.CheckFailure (a RuntimeError),
// with the CLI's messages.
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "codegen/layer_profile.h"
#include "codegen/verify.h"
#include "compiled_model.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "passes/canonicalize.h"
#include "sim/convert.h"
#include "support/error.h"

namespace py = pybind11;
using aie4ml::FixedType;
using aie4ml::InputError;
using aie4ml::python::CompiledModel;

namespace {

using FloatArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Samples [N, ...] with `per_sample` elements each -> (values, N). Same rule and message as predict.
std::pair<std::vector<double>, int64_t> samples(const FloatArray& x, int64_t per_sample, const char* what) {
  if (x.ndim() == 0 || per_sample <= 0 || x.shape(0) * per_sample != x.size()) {
    std::vector<int64_t> shape(x.shape(), x.shape() + x.ndim());
    throw InputError(fmt::format("{}: shape [{}] is not [N, ...] with {} elements per sample", what,
                                 fmt::join(shape, ","), per_sample));
  }
  return {std::vector<double>(x.data(), x.data() + x.size()), x.shape(0)};
}

std::vector<py::ssize_t> shape_of(const aie4ml::Model& m, const std::string& tensor, int64_t batch) {
  std::vector<py::ssize_t> shape{batch};
  for (auto d : m.tensor(tensor).sample_shape()) shape.push_back(d);
  return shape;
}

template <class T>
py::array typed(const std::vector<py::ssize_t>& shape, const std::vector<int64_t>& codes) {
  py::array_t<T> a(shape);
  T* p = a.mutable_data();
  for (size_t i = 0; i < codes.size(); ++i) p[i] = static_cast<T>(codes[i]);
  return a;
}

// As `predict --raw`: the narrowest signed integer dtype that holds the type.
py::array raw_array(const std::vector<py::ssize_t>& shape, const std::vector<int64_t>& codes, const FixedType& t) {
  const int bits = t.width + (t.is_signed ? 0 : 1);
  if (bits <= 8) return typed<int8_t>(shape, codes);
  if (bits <= 16) return typed<int16_t>(shape, codes);
  if (bits <= 32) return typed<int32_t>(shape, codes);
  return typed<int64_t>(shape, codes);
}

// As `predict`: float32 when every value of the type is exact in it, else float64.
py::array value_array(const std::vector<py::ssize_t>& shape, const std::vector<double>& values, const FixedType& t) {
  if (t.width <= 24) {
    py::array_t<float> a(shape);
    for (size_t i = 0; i < values.size(); ++i) a.mutable_data()[i] = static_cast<float>(values[i]);
    return a;
  }
  py::array_t<double> a(shape);
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

py::array double_array(const std::vector<int64_t>& shape, const std::vector<double>& values) {
  py::array_t<double> a(std::vector<py::ssize_t>(shape.begin(), shape.end()));
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

std::unique_ptr<CompiledModel> convert(const std::string& path, const std::optional<std::string>& config_json,
                                       const std::optional<std::string>& config_path,
                                       const std::optional<std::string>& device, std::optional<int> batch,
                                       const std::optional<FloatArray>& calibration, int width, int margin) {
  aie4ml::Config config;
  if (config_path) config = aie4ml::Config::load(*config_path);
  if (config_json) config = aie4ml::Config::from_json(nlohmann::json::parse(*config_json), "config");
  std::optional<aie4ml::python::Calibration> calib;
  if (calibration) {
    const FloatArray& c = *calibration;
    if (c.ndim() == 0) throw InputError("calibration: expected samples [N, ...]");
    calib = aie4ml::python::Calibration{std::vector<double>(c.data(), c.data() + c.size()), c.shape(0), width, margin};
  }
  return std::make_unique<CompiledModel>(path, std::move(config), device, batch, calib);
}

py::list predict(const CompiledModel& m, const FloatArray& x, bool raw) {
  auto [values, batch] = samples(x, m.input_elements(), "input");
  const auto ys = m.predict_codes(values, batch);
  const aie4ml::Model& q = m.quantised();
  py::list out;
  for (size_t k = 0; k < ys.size(); ++k) {
    const std::string& name = q.outputs[k];
    const FixedType& t = q.tensor(name).type.fixed;
    const auto shape = shape_of(q, name, batch);
    if (raw) {
      out.append(raw_array(shape, ys[k], t));
      continue;
    }
    std::vector<double> v(ys[k].size());
    aie4ml::sim::dequantize_codes(ys[k].data(), v.data(), static_cast<int64_t>(v.size()), t);
    out.append(value_array(shape, v, t));
  }
  return out;
}

py::dict trace(const CompiledModel& m, const FloatArray& x) {
  auto [values, batch] = samples(x, m.input_elements(), "input");
  py::dict out;
  for (auto& t : aie4ml::codegen::trace_layers(m.quantised(), m.float_model(), values, batch)) {
    py::dict entry;
    entry["tensor"] = t.tensor;
    entry["op"] = t.op;
    entry["type"] = t.type.str();
    entry["quantised"] = double_array(t.shape, t.quantised);
    entry["float"] = t.float_values ? py::object(double_array(t.shape, *t.float_values)) : py::none();
    out[py::str(t.layer)] = entry;
  }
  return out;
}

std::vector<std::string> write_project(const CompiledModel& m, const std::string& dir, bool force,
                               const std::optional<FloatArray>& profile) {
  aie4ml::codegen::ProfileInputs p;
  if (profile) {
    auto [values, batch] = samples(*profile, m.input_elements(), "profile inputs");
    p = {std::move(values), batch, "the samples given to write()"};
  }
  return m.write(dir, force, p);
}

py::dict verify(const std::string& dir, std::optional<int64_t> samples_wanted, const std::optional<std::string>& input,
                int jobs, bool verbose) {
  aie4ml::codegen::VerifyOptions o;
  o.project = dir;
  if (input) o.input = *input;
  if (samples_wanted) {
    if (*samples_wanted < 1) throw InputError(fmt::format("samples must be >= 1, got {}", *samples_wanted));
    o.samples = *samples_wanted;
  }
  o.jobs = jobs;
  if (verbose)
    o.progress = [](const std::string& line) {
      fmt::print(stderr, "{}\n", line);
      std::fflush(stderr);
    };
  aie4ml::codegen::VerifyResult r;
  {
    py::gil_scoped_release release;  // minutes of g++ and a run: let other Python threads go on
    r = aie4ml::codegen::verify_project(o);
  }
  py::dict d;
  d["passed"] = r.passed();
  d["samples"] = r.samples;
  d["exact_samples"] = r.exact_samples;
  d["layers_exact"] = r.layers_exact;
  d["graph_matches"] = r.graph_matches();
  d["graph_facts"] = r.graph_facts;
  d["kernels"] = r.kernels;
  d["build_seconds"] = r.build_seconds;
  d["run_seconds"] = r.run_seconds;
  d["first_mismatch"] = r.first_mismatch ? py::object(py::str(r.first_mismatch->message)) : py::none();
  d["graph_only_in_design"] = r.graph_only_in_design;
  d["graph_only_in_graph"] = r.graph_only_in_graph;
  return d;
}

// (name, op, has weights) of every layer, as `aie4ml inspect` lists them (canonicalised model).
std::vector<std::tuple<std::string, std::string, bool>> layers_of(const std::string& path) {
  aie4ml::Model m = aie4ml::import_onnx(path);
  aie4ml::canonicalize(m);
  std::vector<std::tuple<std::string, std::string, bool>> out;
  for (auto& op : m.ops) {
    bool weights = false;
    for (size_t i = 1; i < op.inputs.size(); ++i)
      weights |= !op.inputs[i].empty() && m.tensor(op.inputs[i]).is_constant;
    weights &= op.kind == aie4ml::OpKind::Dense || op.kind == aie4ml::OpKind::Conv;
    out.emplace_back(op.name, std::string(aie4ml::to_string(op.kind)), weights);
  }
  return out;
}

std::string check_config(const std::string& text) {
  return aie4ml::Config::from_json(nlohmann::json::parse(text), "config").to_json().dump();
}

std::vector<std::string> tensor_types(const aie4ml::Model& m, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (auto& n : names) out.push_back(m.tensor(n).type.str());
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, mod) {
  mod.doc() = "aie4ml C++ core (use the aie4ml package)";
  py::register_exception<aie4ml::InputError>(mod, "InputError", PyExc_ValueError);
  py::register_exception<aie4ml::CheckFailure>(mod, "CheckFailure", PyExc_RuntimeError);

  py::class_<CompiledModel>(mod, "CompiledModel")
      .def_property_readonly("device", &CompiledModel::device)
      .def_property_readonly("config_json", [](const CompiledModel& m) { return m.config().to_json().dump(); })
      .def_property_readonly("model_json", [](const CompiledModel& m) { return m.quantised().to_json().dump(); })
      .def_property_readonly("notes", &CompiledModel::notes)
      .def_property_readonly("warnings", &CompiledModel::warnings)
      .def_property_readonly("layers",
                             [](const CompiledModel& m) {
                               std::vector<std::string> names;
                               for (auto& op : m.quantised().ops) names.push_back(op.name);
                               return names;
                             })
      .def_property_readonly("inputs", [](const CompiledModel& m) { return m.quantised().inputs; })
      .def_property_readonly("outputs", [](const CompiledModel& m) { return m.quantised().outputs; })
      .def_property_readonly("input_types",
                             [](const CompiledModel& m) { return tensor_types(m.quantised(), m.quantised().inputs); })
      .def_property_readonly("output_types",
                             [](const CompiledModel& m) { return tensor_types(m.quantised(), m.quantised().outputs); })
      .def("predict", &predict, py::arg("x"), py::arg("raw") = false)
      .def("trace", &trace, py::arg("x"))
      .def("write", &write_project, py::arg("dir"), py::arg("force") = false, py::arg("profile") = py::none());

  mod.def("convert", &convert, py::arg("path"), py::arg("config_json") = py::none(), py::arg("config_path") = py::none(),
          py::arg("device") = py::none(), py::arg("batch") = py::none(), py::arg("calibration") = py::none(),
          py::arg("calibration_width") = 8, py::arg("calibration_margin") = 0);
  mod.def("verify", &verify, py::arg("dir"), py::arg("samples") = py::none(), py::arg("input") = py::none(),
          py::arg("jobs") = 2, py::arg("verbose") = true);
  mod.def("layers_of", &layers_of, py::arg("path"));
  mod.def("check_config", &check_config, py::arg("config_json"));
}
