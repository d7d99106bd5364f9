// Shared helpers of the frontend tests: where the generated and the real models are, loading them,
// catching InputError messages, reading ONNX initializers independently of the importer, and running
// ONNX Runtime (tests/oracle) as the oracle.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "frontend/ir_eval.h"
#include "ir/model.h"

namespace aie4ml::test {

namespace fs = std::filesystem;

// tests/models/make_frontend_models.py output.
fs::path frontend_model(const std::string& name);
// ../shared/models (AIE4ML_SHARED_MODELS from the environment first, then the build's default).
fs::path shared_models_dir();

Model load(const std::string& name);            // import only
Model load_canonical(const std::string& name);  // import + canonicalize

// The InputError message `f` throws; fails the test if it throws nothing or something else.
std::string input_error(const std::function<void()>& f);

const Op& op_named(const Model& m, const std::string& name);
std::vector<OpKind> kinds(const Model& m);

// An initializer of an ONNX file as doubles, read with the protobuf API only (not the importer).
std::vector<double> onnx_initializer(const fs::path& model, const std::string& name);
// The declared dimensions of the graph output `index` (symbolic dimensions as -1).
std::vector<int64_t> onnx_output_dims(const fs::path& model, int index);
// Number of nodes of each op type.
std::map<std::string, int> onnx_op_counts(const fs::path& model);

// Deterministic input in [lo, hi] (a fixed linear congruential sequence, the same on every platform).
Array test_input(std::vector<int64_t> shape, uint32_t seed, double lo = -1.5, double hi = 1.5);

// Why ONNX Runtime cannot be used here, or nullopt when it can.
std::optional<std::string> oracle_unavailable();
// Prepare `model` for ONNX Runtime (tests/oracle/prepare_for_ort.py) and run it on `inputs`.
std::map<std::string, Array> run_onnx_runtime(const fs::path& model, const std::map<std::string, Array>& inputs,
                                              const std::string& tag);

// |ours - ref| <= abs_tol + rel_tol * |ref| elementwise, shapes equal.
void expect_close(const Array& ours, const Array& ref, double rel_tol, double abs_tol, const std::string& what);

}  // namespace aie4ml::test
