// The bit-exact fixed-point primitives every aie4ml stage shares: rounding of a right shift, overflow
// handling into a FixedType, and quantisation of real numbers. They define what "bit-exact" means;
// tests check them exhaustively against exact rational arithmetic.
#pragma once
#include <cstdint>

#include "ir/numeric_type.h"

namespace aie4ml {

using int128 = __int128;

// round(v / 2^shift) under `mode`. shift <= 0 is an exact left shift by -shift.
int128 round_shift(int128 v, int shift, RoundingMode mode);

// Bring an integer code into `width` bits (signed or not) under `mode`. SatSym clamps to
// [-(2^(w-1)-1), 2^(w-1)-1] (the most negative code included, as the AIE "symmetric" mode does);
// SatZero returns 0 for any value out of range.
int64_t apply_overflow(int128 v, int width, bool is_signed, OverflowMode mode);

// Requantise code `v` that has `from_frac` fractional bits into type `to`:
// apply_overflow(round_shift(v, from_frac - to.frac, to.rounding), to.width, ...).
int64_t requantize(int128 v, int from_frac, const FixedType& to);

// The index type of the Sigmoid / Tanh tables for inputs of type `in` (docs/numerics.md):
// ap_fixed<12, 12 - min(in.frac, 7), AP_RND_CONV, AP_SAT>: exact per code for inputs of at most 12 bits
// with frac <= 7; otherwise resolution 2^-7 over [-16, 16).
FixedType activation_index_type(const FixedType& in);

// Entries of that table the codes of `in` reach (the index codes of in's extremes and all between).
int64_t activation_table_entries(const FixedType& in);

// Quantise a real number into `to` (exact for every finite double). NaN maps to 0; +-Inf saturate to the
// extreme codes whatever the overflow mode, since no wrapped value of infinity exists (under AP_SAT_SYM
// the extremes are +-max_code).
int64_t quantize(double x, const FixedType& to);

// The real value of code q in type t.
double dequantize(int64_t q, const FixedType& t);

}  // namespace aie4ml
