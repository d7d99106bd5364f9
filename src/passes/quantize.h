// Quantisation pass: turns a canonicalised Model into the fixed-point Model the reference interpreter,
// the kernels and the later passes execute.
//
// Reads: the Model (types from the model's own quantisers: fixed-point constants and Quantize outputs),
//   the user's Config (Model.Precision default, LayerName.<op>.Precision weight/bias/result/accum) and
//   optionally types chosen by calibration (passes/calibrate.h).
// Writes:
// - every activation tensor gets a FixedType. Precedence: the layer's config entry, then the model's own
//   quantiser type, then calibration, then a rule of the op (value-preserving ops such as Relu, Flatten,
//   Reshape, Transpose, MaxPool keep their input's type; Sigmoid/Softmax get ap_ufixed<W,0>, Tanh
//   ap_fixed<W,1>), then Model.Precision; with none of these an InputError names the layer.
//   A graph input whose only consumer is a power-of-two Quantize op takes that quantiser's type and the
//   op is removed (predict quantises the float input with it, which is what QuantizeLinear computes).
// - constants get integer codes (Tensor::codes) by quantize(value, type) with the type's rounding and
//   overflow; clipped weights are reported as warnings with their count.
// - Dense: bias re-quantised at the accumulator scale frac_x + frac_w, in 32 bits (64 bits for 16x16
//   operands or when the worst-case sum needs it; a configured accum width wins); attrs
//   "accum" (the accumulator type string), "acc_bound_bits" (bits the worst-case |sum| needs).
//   A Quantize op that directly follows a Dense is absorbed into the Dense's output type (the integer
//   result is the same either way: one rounding of the exact sum). Attr "onnx_float32_exact" says whether
//   ONNX's float32 evaluation is exact too (see absorb_quantizers.h); with
//   QuantizeOptions::keep_inexact_quantizers such quantisers stay as ops after a Dense that writes its
//   exact accumulator. A quantiser after a LeakyReLU, or a saturating-free (AP_WRAP) one after a ReLU,
//   always stays (the activation does not commute with the cast).
// - LeakyRelu (fused or standalone): attrs "alpha_code", "alpha_frac" (alpha in 16-bit fixed point).
// - LayerNorm: gamma / beta quantised like elementwise constants; a following power-of-two quantiser is
//   absorbed into its output (one rounding); else a 16-bit type for sqrt(n-1) max|gamma| + max|beta|.
// - BatchNorm left standalone: rewritten to inputs {x, scale, shift} (per channel, axis 1): scale in
//   16-bit fixed point, shift at the product scale; attr "form" = "scale_shift".
// - every op with a fixed-point output: attrs "aie_rounding_mode" / "aie_saturation_mode" (the AIE mode
//   register values, aie-ml-facts.md); a mode without hardware equivalent (AP_SAT_ZERO) is recorded as
//   aie_saturation_mode "emulate" plus "emulate_overflow" = its hls4ml name for later stages.
// Checks: float/bf16 precisions (not an integer type), quantisers whose scale is not a power of two
//   (refused in the integer path, naming the node), configured layers that do not exist (warning).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "io/config.h"
#include "ir/model.h"

namespace aie4ml {

struct QuantizeOptions {
  std::map<std::string, FixedType> calibrated;  // tensor name -> type chosen by calibration
  // Keep a Quantize after a Dense as its own op when ONNX's float32 sum would not be exact (the Dense
  // then writes its exact accumulator). Off by default: the AIE-ML kernels fuse the cast, and the
  // integer result does not change.
  bool keep_inexact_quantizers = false;
};

struct QuantizeReport {
  std::vector<std::string> warnings;  // clipped weights, overflow risks, ignored config entries
  std::vector<std::string> notes;     // quantisers absorbed or kept, with the reason
};

QuantizeReport quantize_model(Model& model, const Config& config, const QuantizeOptions& options = {});

// The smallest signed type of `width` bits (AP_RND_CONV, AP_SAT) whose range holds +-max_abs; the
// integer part gets `margin` extra bits. Shared by calibration and the pass's own constant rules.
FixedType fit_signed_type(double max_abs, int width, int margin = 0);

}  // namespace aie4ml
