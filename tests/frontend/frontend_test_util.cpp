// Helpers of the frontend tests (see frontend_test_util.h).
#include "frontend/frontend_test_util.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"
#include "support/error.h"

namespace aie4ml::test {

fs::path frontend_model(const std::string& name) { return fs::path(AIE4ML_TEST_DATA) / "frontend" / (name + ".onnx"); }

fs::path shared_models_dir() {
  if (const char* env = std::getenv("AIE4ML_SHARED_MODELS"); env && *env) return env;
  return AIE4ML_SHARED_MODELS;
}

Model load(const std::string& name) { return import_onnx(frontend_model(name)); }

Model load_canonical(const std::string& name) {
  Model m = load(name);
  canonicalize(m);
  return m;
}

std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected InputError, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected InputError, nothing was thrown";
  return "";
}

const Op& op_named(const Model& m, const std::string& name) {
  if (const Op* op = m.find_op(name)) return *op;
  throw std::runtime_error("no op named " + name);
}

std::vector<OpKind> kinds(const Model& m) {
  std::vector<OpKind> k;
  for (const auto& op : m.ops) k.push_back(op.kind);
  return k;
}

namespace {

onnx::ModelProto read_proto(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream buf;
  buf << f.rdbuf();
  onnx::ModelProto m;
  if (!m.ParseFromString(buf.str())) throw std::runtime_error("cannot parse " + path.string());
  return m;
}

std::string quote(const fs::path& p) { return fmt::format("'{}'", p.string()); }

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

nlohmann::json arrays_to_json(const std::map<std::string, Array>& arrays) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, a] : arrays) j[name] = {{"dims", a.shape}, {"data", a.data}};
  return j;
}

}  // namespace

std::vector<double> onnx_initializer(const fs::path& model, const std::string& name) {
  const auto m = read_proto(model);
  for (const auto& t : m.graph().initializer()) {
    if (t.name() != name) continue;
    std::vector<double> out;
    const auto& raw = t.raw_data();
    auto from_raw = [&](auto sample) {
      using T = decltype(sample);
      for (size_t i = 0; i + sizeof(T) <= raw.size(); i += sizeof(T)) {
        T v;
        std::memcpy(&v, raw.data() + i, sizeof v);
        out.push_back(static_cast<double>(v));
      }
    };
    switch (t.data_type()) {
      case onnx::TensorProto::FLOAT: raw.empty() ? out.assign(t.float_data().begin(), t.float_data().end()) : from_raw(float{}); break;
      case onnx::TensorProto::INT8: from_raw(int8_t{}); break;
      case onnx::TensorProto::UINT8: from_raw(uint8_t{}); break;
      case onnx::TensorProto::INT16: from_raw(int16_t{}); break;
      case onnx::TensorProto::INT32: from_raw(int32_t{}); break;
      case onnx::TensorProto::INT64: from_raw(int64_t{}); break;
      default: throw std::runtime_error("onnx_initializer: unhandled type");
    }
    return out;
  }
  throw std::runtime_error("no initializer " + name + " in " + model.string());
}

std::vector<int64_t> onnx_output_dims(const fs::path& model, int index) {
  const auto m = read_proto(model);
  std::vector<int64_t> dims;
  for (const auto& d : m.graph().output(index).type().tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return dims;
}

std::map<std::string, int> onnx_op_counts(const fs::path& model) {
  std::map<std::string, int> counts;
  const auto proto = read_proto(model);
  for (const auto& n : proto.graph().node()) ++counts[n.op_type()];
  return counts;
}

Array test_input(std::vector<int64_t> shape, uint32_t seed, double lo, double hi) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  Array a{shape, {}};
  uint32_t state = seed * 2654435761u + 12345u;
  for (int64_t i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    // Inputs on a 2^-10 grid: exactly representable in float32, so both sides see the same numbers.
    const double u = static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
    a.data.push_back(std::round((lo + (hi - lo) * u) * 1024.0) / 1024.0);
  }
  return a;
}

std::optional<std::string> oracle_unavailable() {
  const fs::path oracle = fs::path(AIE4ML_SOURCE_ROOT) / "tests" / "oracle";
  if (!fs::exists(oracle / "node_modules" / "onnxruntime-node"))
    return "ONNX Runtime (npm onnxruntime-node) is not installed in tests/oracle";
  if (run("command -v node >/dev/null 2>&1") != 0) return "node is not installed";
  if (run("/usr/bin/python3 -c 'import onnx, numpy' >/dev/null 2>&1") != 0) return "/usr/bin/python3 lacks onnx/numpy";
  return std::nullopt;
}

std::map<std::string, Array> run_onnx_runtime(const fs::path& model, const std::map<std::string, Array>& inputs,
                                              const std::string& tag) {
  const fs::path oracle = fs::path(AIE4ML_SOURCE_ROOT) / "tests" / "oracle";
  const fs::path dir = fs::path(AIE4ML_BINARY_DIR) / "frontend_oracle" / tag;
  fs::create_directories(dir);
  const auto prepared = dir / "model.onnx", in = dir / "inputs.json", out = dir / "outputs.json", log = dir / "log.txt";
  std::ofstream(in) << arrays_to_json(inputs).dump();
  fs::remove(out);
  const auto prepare = fmt::format("/usr/bin/python3 {} {} {} >{} 2>&1", quote(oracle / "prepare_for_ort.py"),
                                   quote(model), quote(prepared), quote(log));
  const auto ort = fmt::format("node {} {} {} {} >>{} 2>&1", quote(oracle / "run_onnx.js"), quote(prepared), quote(in),
                               quote(out), quote(log));
  if (run(prepare) != 0 || run(ort) != 0) {
    std::ifstream f(log);
    std::stringstream s;
    s << f.rdbuf();
    throw std::runtime_error("ONNX Runtime oracle failed for " + model.string() + ":\n" + s.str());
  }
  std::ifstream f(out);
  const auto j = nlohmann::json::parse(f);
  std::map<std::string, Array> result;
  for (const auto& [name, v] : j.items())
    result[name] = Array{v.at("dims").get<std::vector<int64_t>>(), v.at("data").get<std::vector<double>>()};
  return result;
}

void expect_close(const Array& ours, const Array& ref, double rel_tol, double abs_tol, const std::string& what) {
  ASSERT_EQ(ours.shape, ref.shape) << what;
  ASSERT_EQ(ours.data.size(), ref.data.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < ours.data.size(); ++i) {
    const double tol = abs_tol + rel_tol * std::fabs(ref.data[i]);
    if (std::fabs(ours.data[i] - ref.data[i]) > tol && reported++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << ours.data[i] << ", ONNX Runtime gives " << ref.data[i];
  }
}

}  // namespace aie4ml::test
