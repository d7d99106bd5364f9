// Absorbing the model's own quantisers (Quantize ops) into their neighbours, used by the quantisation
// pass (quantize.h).
//
// Reads: a Model in which the Quantize op's output carries its FixedType. Writes: the rewired Model (the
// producer writes the quantiser's output tensor directly; the Quantize op and the intermediate tensor
// are removed). Checks: the conditions below; when one fails nothing is changed.
//
// The exactness condition for absorbing the Quantize after a Dense (or Conv). ONNX evaluates a QDQ
// model in float32: MatMul/Gemm sums products of dequantised values, then QuantizeLinear rounds. The
// integer Dense instead computes the exact sum acc (in units of 2^-(frac_x + frac_w)) and rounds it once
// into the quantiser's type. The two agree exactly when every float32 partial sum of the ONNX MatMul
// (and the bias add) is exact, i.e. when the worst-case |acc| bound, max_n (max|x_q| * sum_k |w_q[k,n]|
// + |b_q[n]|), is at most 2^24 (float32 has a 24-bit significand) and the scale stays in float32's
// normal range (frac_x + frac_w <= 126). int8 x int8 layers meet it up to K = 1024; 16 x 16-bit layers
// usually do not: the integer result is then the exact one and ONNX Runtime's float32 result may differ
// from it (docs/numerics.md); the quantisation pass records this on the layer and absorbs the cast
// anyway unless asked to keep such quantisers as ops.
// With a relu activation the absorbed cast must saturate (relu(cast(a)) == cast(relu(a)) holds for
// every saturating mode, not for AP_WRAP); a leaky_relu activation is never absorbed (two roundings).
#pragma once
#include <string>

#include "ir/fixed_point.h"
#include "ir/model.h"

namespace aie4ml {

// The Quantize op that is the only reader of `tensor` (which is not a graph output), or nullptr.
Op* sole_quantizer_consumer(Model& model, const std::string& tensor);

// The float32 exactness condition above: |partial sums| <= bound units of 2^-acc_frac.
bool float32_sum_is_exact(int128 bound, int acc_frac);

// Can the cast of `producer`'s output (with its fused activation) move into `quantizer`'s type?
bool activation_commutes_with_cast(const Op& producer, const FixedType& cast);

// Rewire: producer writes quantizer's output; the quantizer and producer's old output disappear.
// The producer records the absorbed op's name in attr "absorbed_quantizer".
void absorb_into_producer(Model& model, Op& producer, const Op& quantizer);

// Graph input x read only by a power-of-two Quantize q: x takes q's type, q's readers read x, q goes.
// Returns false (and changes nothing) when the pattern does not match.
bool absorb_input_quantizer(Model& model, const std::string& input, const FixedType& type);

}  // namespace aie4ml
