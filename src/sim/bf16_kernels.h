// bf16 kernels of the reference interpreter (docs/numerics.md "bf16"): one prepared kernel per op of a
// model typed by passes/to_bf16.h. Values travel as bf16 codes: the 16-bit pattern (the upper half of
// an IEEE binary32) as a signed int16 in an int64, so the integer plumbing (traces, PLIO files, verify)
// carries them unchanged.
// Dense: acc = +0.0f; for k = 0 .. K-1 in increasing order: acc = fl32(acc + x_k * w_k) (the bf16 x bf16
//   product is exact in binary32); then acc = fl32(acc + b); y = bf16(acc) rounded to nearest, ties to
//   even; ReLU: y = (y < 0 ? +0 : y). This is the order kernels/dense.h sums in (emulated: emu/aie_api
//   mmul accfloat), whatever the cascade split, so `verify` compares bit for bit.
// Relu, Flatten, Reshape: the same codes (ReLU as above). Softmax (last axis, the host's op): computed in
//   double from the bf16 inputs, rounded to binary32 then to bf16.
// Anything else: InputError naming the op.
#pragma once
#include <bit>
#include <cstdint>
#include <memory>

#include "ir/model.h"
#include "sim/program.h"

namespace aie4ml::sim {

// bf16 code (sign-extended 16-bit pattern) of a binary32 value: round to nearest, ties to even; NaN
// stays a quiet NaN.
inline int64_t bf16_code(float f) {
  uint32_t u = std::bit_cast<uint32_t>(f);
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0) return static_cast<int16_t>((u >> 16) | 0x0040u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<int16_t>(static_cast<uint16_t>(u >> 16));
}
// A double goes through binary32 first (what a float input or an ONNX float32 initializer holds).
inline int64_t bf16_code_of(double v) { return bf16_code(static_cast<float>(v)); }
// The exact binary32 value of a bf16 code.
inline float bf16_value(int64_t code) {
  return std::bit_cast<float>(static_cast<uint32_t>(static_cast<uint16_t>(code)) << 16);
}

// Throws InputError naming the op when it has no bf16 implementation or its tensors are not bf16.
std::unique_ptr<Kernel<int64_t>> make_bf16_kernel(const Model& model, const Op& op);

}  // namespace aie4ml::sim
