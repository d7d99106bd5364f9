// Shared helpers for the mapping tests: hand-built quantised MLPs, configs with per-layer overrides, and
// the shipped devices.
#pragma once
#include <filesystem>
#include <functional>
#include <fstream>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "design/design.h"
#include "device/catalog.h"
#include "io/config.h"
#include "ir/model.h"
#include "support/error.h"

namespace aie4ml {

// Readable GoogleTest output for coordinates.
inline void PrintTo(const TileCoord& t, std::ostream* os) { *os << "(" << t.col << "," << t.row << ")"; }

}  // namespace aie4ml

namespace aie4ml::testing {

inline NumericType fixed(int width, int frac, bool is_signed = true) {
  FixedType t;
  t.width = width;
  t.frac = frac;
  t.is_signed = is_signed;
  return NumericType::of(t);
}

struct MlpSpec {
  std::vector<int64_t> widths;       // features: input, then each layer's output
  std::vector<std::string> names;    // layer names (default fc1, fc2, ...)
  int activation_bits = 8, weight_bits = 8;
  bool bias = true;
  bool relu = true;
};

// A chain of Dense layers x -> fc1 -> h1 -> ... -> y with fixed-point types; weight codes are left empty
// (mapping never reads them).
inline Model mlp(const std::string& name, const MlpSpec& s) {
  Model m;
  m.name = name;
  const int n = static_cast<int>(s.widths.size()) - 1;
  auto act = [&](int i) { return i == 0 ? std::string("x") : i == n ? std::string("y") : fmt::format("h{}", i); };
  for (int i = 0; i <= n; ++i) {
    Tensor t;
    t.name = act(i);
    t.shape = {kBatch, s.widths[i]};
    t.type = fixed(s.activation_bits, s.activation_bits / 2, i == 0 || !s.relu);
    m.add_tensor(t);
  }
  for (int i = 0; i < n; ++i) {
    const std::string layer = i < static_cast<int>(s.names.size()) ? s.names[i] : fmt::format("fc{}", i + 1);
    Tensor w;
    w.name = layer + ".weight";
    w.shape = {s.widths[i], s.widths[i + 1]};
    w.type = fixed(s.weight_bits, s.weight_bits - 2);
    w.is_constant = true;
    m.add_tensor(w);
    Op op;
    op.kind = OpKind::Dense;
    op.name = layer;
    op.inputs = {act(i), w.name};
    if (s.bias) {
      Tensor b;
      b.name = layer + ".bias";
      b.shape = {s.widths[i + 1]};
      b.type = fixed(32, s.activation_bits / 2 + s.weight_bits - 2);
      b.is_constant = true;
      m.add_tensor(b);
      op.inputs.push_back(b.name);
    }
    op.outputs = {act(i + 1)};
    op.attrs["activation"] = std::string(s.relu ? "relu" : "linear");
    m.ops.push_back(op);
  }
  m.inputs = {"x"};
  m.outputs = {"y"};
  return m;
}

inline Model mlp(const std::string& name, std::vector<int64_t> widths) {
  MlpSpec s;
  s.widths = std::move(widths);
  return mlp(name, s);
}

// Per-layer (cas_length, cas_num) overrides, in layer order fc1, fc2, ...
inline Config config_with(const std::vector<std::pair<int, int>>& shapes, int batch = 8) {
  Config c;
  c.batch_size = batch;
  for (size_t i = 0; i < shapes.size(); ++i) {
    LayerConfig lc;
    lc.cascade_length = shapes[i].first;
    lc.cascade_num = shapes[i].second;
    c.layers[fmt::format("fc{}", i + 1)] = lc;
  }
  return c;
}

inline const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

inline std::filesystem::path source_root() { return AIE4ML_SOURCE_ROOT; }

inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// A fresh, empty temporary directory for one test.
inline std::filesystem::path temp_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("aie4ml_mapping_{}_{}", tag, ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

// The message of the InputError f throws, or "(no InputError)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace aie4ml::testing

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)
