// Whole-array conversions between real values and codes (predict's input quantisation and output
// dequantisation). quantize_values(x, q, n, t)[i] == quantize(x[i], t) and dequantize_codes likewise,
// bit for bit: the fast path works in double where that is exact (|x * 2^frac| < 2^52, no underflow) and
// hands every other element to the scalar primitive.
#pragma once
#include <cstdint>

#include "ir/numeric_type.h"

namespace aie4ml::sim {

void quantize_values(const double* x, int64_t* q, int64_t n, const FixedType& t);
void dequantize_codes(const int64_t* q, double* y, int64_t n, const FixedType& t);

}  // namespace aie4ml::sim
