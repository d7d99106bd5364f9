// What each fuzz target feeds its bytes to, shared by the libFuzzer programs (fuzz/fuzz_*.cpp) and the
// replay of the crash regressions (tests/reliability/fuzz_replay_test.cpp), so a regression runs
// exactly the code the fuzzer ran, through the normal libraries.
//
// Contract under test: whatever the bytes, the call either accepts them or throws InputError (the CLI's
// exit code 2 with a message). A crash, a sanitizer report, a hang, any other exception (the CLI's
// "internal error") or a broken invariant checked here (std::logic_error "fuzz invariant") is a bug.
//
// - onnx:   import_onnx_bytes + canonicalize + what `aie4ml inspect` prints (JSON dump, counts).
// - config: JSON text -> Config::load (through a scratch file), Config round trip through to_json, then the config applied to
//           a fixed hand-built float MLP (layers fc1..fc3): quantize_model and plan_design on the device
//           the config names (default ve2802). This reaches the override checks of the mapping passes.
// - npy:    parse_npy, then the conversions predict uses (to_doubles, to_int64) and a write/parse round
//           trip that must reproduce the array.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "io/npy.h"
#include "ir/model.h"
#include "passes/canonicalize.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "support/error.h"

namespace aie4ml::fuzz {

enum class Outcome { Accepted, Refused };

struct Result {
  Outcome outcome = Outcome::Accepted;
  std::string message;  // the InputError's, when refused
};

inline void invariant(bool ok, const std::string& what) {
  if (!ok) throw std::logic_error("fuzz invariant broken: " + what);
}

// Runs `body`; InputError means the input was refused cleanly. Anything else propagates (a bug).
template <class F>
Result guarded(F&& body) {
  try {
    body();
  } catch (const InputError& e) {
    return {Outcome::Refused, e.what()};
  }
  return {};
}

// A file of this process that holds the bytes of the current input (the config target reads its input
// through Config::load, the CLI's path); removed when the process exits normally.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("aie4ml_fuzz_" + std::to_string(::getpid()) + "_" + name)) {}
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& write(std::string_view bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    invariant(static_cast<bool>(out), "cannot write the scratch file " + path_.string());
    return path_;
  }

 private:
  std::filesystem::path path_;
};

inline Result run_onnx(std::string_view bytes) {
  return guarded([&] {
    Model m = import_onnx_bytes(bytes, "fuzz.onnx");
    canonicalize(m);
    (void)m.to_json(false).dump();
    (void)m.parameter_count();
    (void)m.macs_per_sample();
  });
}

// The model the config target maps: x[16] -> fc1 (32, relu) -> fc2 (24, relu) -> fc3 (8), float32
// weights with deterministic values in [-1, 1] (some clip under narrow precisions).
inline Model config_target_model() {
  Model m;
  m.name = "fuzz_mlp";
  const int64_t widths[] = {16, 32, 24, 8};
  auto act = [](int i) { return i == 0 ? std::string("x") : i == 3 ? std::string("y") : "h" + std::to_string(i); };
  for (int i = 0; i <= 3; ++i) {
    Tensor t;
    t.name = act(i);
    t.shape = {kBatch, widths[i]};
    m.add_tensor(t);
  }
  uint32_t state = 12345;
  auto next_value = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(static_cast<float>((state >> 8) * (2.0 / 16777216.0) - 1.0));
  };
  for (int i = 0; i < 3; ++i) {
    const std::string layer = "fc" + std::to_string(i + 1);
    Tensor w, b;
    w.name = layer + ".weight";
    w.shape = {widths[i], widths[i + 1]};
    b.name = layer + ".bias";
    b.shape = {widths[i + 1]};
    for (auto* t : {&w, &b}) {
      t->is_constant = true;
      t->values.resize(static_cast<size_t>(t->elements()));
      for (auto& v : t->values) v = next_value();
      m.add_tensor(*t);
    }
    Op op;
    op.kind = OpKind::Dense;
    op.name = layer;
    op.inputs = {act(i), w.name, b.name};
    op.outputs = {act(i + 1)};
    op.attrs["activation"] = std::string(i < 2 ? "relu" : "linear");
    m.ops.push_back(op);
  }
  m.inputs = {"x"};
  m.outputs = {"y"};
  return m;
}

inline Result run_config(std::string_view bytes) {
  return guarded([&] {
    static const ScratchFile scratch("config.json");
    const Config c = Config::load(scratch.write(bytes));
    const nlohmann::json once = c.to_json();
    invariant(Config::from_json(once, "round trip").to_json() == once, "Config to_json/from_json round trip");
    Model m = config_target_model();
    (void)quantize_model(m, c);
    const Device& device = DeviceCatalog::builtin().get(c.device.value_or("ve2802"));
    (void)plan_design(m, c, device);
  });
}

inline Result run_npy(std::string_view bytes) {
  return guarded([&] {
    const NpyArray a = parse_npy(bytes, "fuzz.npy");
    const auto values = a.to_doubles();
    invariant(static_cast<int64_t>(values.size()) == a.size(), "to_doubles size");
    if (is_integer(a.dtype)) invariant(a.to_int64("fuzz.npy").size() == values.size(), "to_int64 size");
    const NpyArray again = parse_npy(npy_bytes(a), "round trip");
    invariant(again.dtype == a.dtype && again.shape == a.shape && again.data == a.data, "npy write/parse round trip");
  });
}

}  // namespace aie4ml::fuzz
