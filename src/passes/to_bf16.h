// The bf16 typing pass: what `compile` runs instead of quantisation when the config's Model.Precision
// is "bf16" (or "bfloat16"): a float model executed as bf16 x bf16 with float accumulation
// (docs/numerics.md "bf16").
// Reads: a canonicalised float Model (Dense with linear/ReLU activation, Relu, Flatten, Reshape and a
//   final Softmax) and the Config.
// Writes: every tensor typed bf16; constants rounded to bf16 (float32 first, then nearest-even):
//   Tensor::values hold the rounded values, Tensor::codes the bf16 bit patterns as sign-extended int16
//   (sim/bf16_kernels.h). The model then runs with Bf16Interpreter; a final Softmax stays on the host.
// Checks: ops without a bf16 implementation, quantisers in the model, per-layer precisions other than
//   bf16 (mixed precision is not supported): InputError naming the op or the config key.
#pragma once
#include <string>
#include <vector>

#include "io/config.h"
#include "ir/model.h"

namespace aie4ml {

// True when the config asks for the bf16 path (Model.Precision bf16).
bool wants_bf16(const Config& config);

// Types `model` bf16 in place; returns notes for the user (what is rounded, where the Softmax runs).
std::vector<std::string> convert_to_bf16(Model& model, const Config& config);

}  // namespace aie4ml
