// Numerical profiling of a quantised model against its float model, per layer: what report.html plots
// and what the Python API's trace() returns.
// Reads: the quantised Model (types, weight codes), the float Model (float_model.json: the model before
//   quantisation) and samples for the single graph input (float values, [batch, ...] row-major).
// Computes: each layer's output on the samples twice: bit-exactly (input quantised as `predict` does,
//   integer interpreter, outputs dequantised) and in double precision (float interpreter); per layer
//   the distribution of its weights and of its float activations against the fixed-point type chosen
//   for them (hls4ml's profiling: log2 |x| quartiles, a histogram, counts above the type's range and
//   below its LSB), and the quantised-vs-float error.
// A layer is an op of the quantised model, named as `aie4ml inspect` names it; its tensor is the op's
// first output. Checks: a model with other than one input, or samples of the wrong size: InputError.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml::codegen {

struct LayerTrace {
  std::string layer, op, tensor;
  std::vector<int64_t> shape;         // batch first
  FixedType type;                     // the output's fixed-point type
  std::vector<double> quantised;      // bit-exact output, dequantised
  std::optional<std::vector<double>> float_values;  // the float model's value of the same tensor
};

std::vector<LayerTrace> trace_layers(const Model& quantised, const Model& float_model, const std::vector<double>& x,
                                     int64_t batch);

struct ValueStats {
  int64_t count = 0, zeros = 0;
  double min = 0, max = 0;
  std::vector<double> log2_abs_quartiles;  // min, q1, median, q3, max of log2 |x| over non-zero x; empty if none
  double hist_lo = 0, hist_hi = 0;         // histogram range (covers the data and the type's range)
  std::vector<int64_t> histogram;          // equal-width bins over [hist_lo, hist_hi]
  int64_t above_range = 0;                 // |x| beyond what the type represents (saturate or wrap)
  int64_t below_lsb = 0;                   // 0 < |x| < LSB/2 (rounds to zero)
};

ValueStats value_stats(const std::vector<double>& values, const FixedType& type, int bins = 40);

struct LayerProfile {
  std::string layer, op, tensor;
  FixedType type;                           // output type
  std::optional<FixedType> weight_type;     // Dense/Conv: the weight tensor's type
  std::optional<ValueStats> weights;        // the weights' real values (float model) against weight_type
  ValueStats activations;                   // float activations (quantised ones without a float twin)
  bool has_float = false;
  double max_abs_error = 0, mean_abs_error = 0, rms_error = 0, rms_float = 0;
};

std::vector<LayerProfile> profile_layers(const Model& quantised, const Model& float_model,
                                         const std::vector<double>& x, int64_t batch);

// Samples for profiling when the user gives none: N(0, 1) per element, clipped into the input type's
// range, fixed seed (deterministic report). Needs a model with one input.
std::vector<double> default_profile_inputs(const Model& quantised, int64_t batch, uint64_t seed = 2026);

}  // namespace aie4ml::codegen
