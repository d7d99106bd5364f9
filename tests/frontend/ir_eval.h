// A small float evaluator of the Model IR, written for the frontend tests only and independent of the
// project's interpreters (src/sim): it lets a test run an imported / canonicalised model on an input and
// compare with ONNX Runtime, which proves that import and folding kept the model's meaning.
// Everything is computed in double precision; Quantize ops apply their FixedType cast (round, then
// saturate) or, when they carry attributes, the QONNX formula in float32 steps.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml::test {

struct Array {
  std::vector<int64_t> shape;
  std::vector<double> data;
};

// Evaluate `m` for the given graph inputs (shapes with a concrete batch). Returns every tensor's value.
std::map<std::string, Array> evaluate(const Model& m, const std::map<std::string, Array>& inputs);

}  // namespace aie4ml::test
