// Post-training calibration: choose a fixed-point type per tensor from the ranges the float model
// produced on sample inputs (`aie4ml compile --calibrate X.npy`).
//
// Reads: the float Model (before quantisation), observed [min, max] per activation tensor (measured by
//   sim/float_interpreter.h on the user's samples) and the constants' own values. Writes: a map tensor
//   name -> FixedType for quantize_model (QuantizeOptions::calibrated), which uses it where neither the
//   config nor the model's own quantisers give a type. Checks: width is 8 or 16, margin >= 0.
// Rule: signed, `width` bits, AP_RND_CONV, AP_SAT, with the fewest integer bits I whose range
//   [-2^(I-1), 2^(I-1)) holds max(|min|, |max|), plus `margin` bits of headroom; frac = width - I.
//   Biases are not calibrated: they live at the accumulator scale; nor are the outputs of ops whose type
//   a rule fixes first (Relu, Flatten, ... keep their input's type; Sigmoid/Softmax/Tanh their range).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml {

struct TensorRange {
  double min = 0, max = 0;
  double max_abs() const;
};

struct CalibrationOptions {
  int width = 8;
  int margin = 0;
};

std::map<std::string, FixedType> calibrate_types(const Model& float_model,
                                                 const std::map<std::string, TensorRange>& observed,
                                                 const CalibrationOptions& options);

// One line per chosen type ("tensor: type (observed [min, max])"), in the model's op order.
std::vector<std::string> describe_calibration(const Model& float_model, const std::map<std::string, FixedType>& types,
                                              const std::map<std::string, TensorRange>& observed);

}  // namespace aie4ml
