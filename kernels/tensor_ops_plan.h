// aie4ml kernel library: the requantisation steps of the tensor-op kernels (kernels/tensor_ops.h) and
// which of them run as vector code, as constexpr arithmetic without AIE headers, so that the kernels and
// the host (partition, performance model: src/design/tensor_op_layout.h) take the same decision and
// count the same operations (docs/performance-model.md "Tensor-op layers").
//
// A requant_step is requantize() of src/ir/fixed_point.h: optional relu (max(v, 0)), round_shift by
// `shift` (shift <= 0: exact left shift) under `rounding`, then the overflow mode into `width` bits.
//
// Vector path (Add; each input of a channel Concat): 32 lanes at a time, the codes go into an acc32
// accumulator (UPS, shifted left by the step's left shift; Add: both inputs at their alignment shift,
// then one accumulator add), one shift-round-saturate (SRS) per step into the step's 8/16-bit container,
// a relu step first takes max(v, 0) of the vector, and every later step reloads an accumulator (UPS). A
// chain runs as vectors when every step has a hardware equivalent: its rounding mode (all seven ap_fixed
// modes map onto aie::rounding_mode), an overflow mode other than sat_zero (AIE-ML has no such
// saturation), a width of exactly 8 or 16 bits (SRS writes containers, not narrower fields), the last
// step's type being the output container, the Add's cast without relu (it would act on the accumulator),
// and every accumulator value inside 32 bits (acc32 lanes wrap). Otherwise the chain keeps the scalar
// loop (64-bit arithmetic, every mode).
#pragma once

namespace aie4ml {
namespace kernels {

// Rounding and overflow modes, numbered as src/ir/numeric_type.h RoundingMode / OverflowMode.
enum class tensor_rounding : unsigned char { trn, trn_zero, rnd, rnd_zero, rnd_inf, rnd_min_inf, rnd_conv };
enum class tensor_overflow : unsigned char { wrap, sat, sat_sym, sat_zero };

struct requant_step {
  int shift;              // from_frac - to_frac
  unsigned width;         // output bits
  bool is_signed;
  tensor_rounding rounding;
  tensor_overflow overflow;
  bool relu;              // max(v, 0) first
};

constexpr unsigned tensor_vector_lanes = 32;  // lanes per vector step: an acc32 register of 1024 bits

// The codes a container (or a step's output field) of `bits` holds.
struct code_range {
  long long lo, hi;
};
constexpr code_range container_range(unsigned bits, bool is_signed) {
  return is_signed ? code_range{-(1LL << (bits - 1)), (1LL << (bits - 1)) - 1} : code_range{0, (1LL << bits) - 1};
}
constexpr code_range shifted_left(code_range r, int up) { return {r.lo * (1LL << up), r.hi * (1LL << up)}; }
constexpr bool fits_acc32(code_range r) { return r.lo >= -(1LL << 31) && r.hi < (1LL << 31); }

constexpr int up_shift(const requant_step& s) { return s.shift < 0 ? -s.shift : 0; }    // by the UPS
constexpr int down_shift(const requant_step& s) { return s.shift > 0 ? s.shift : 0; }  // by the SRS

// One SRS can do the step's rounding and overflow into a container of exactly its width.
constexpr bool srs_equivalent(const requant_step& s) {
  return (s.width == 8 || s.width == 16) && s.overflow != tensor_overflow::sat_zero && s.shift <= 40 && s.shift >= -31;
}

// The steps after the first, each reading the previous step's container through UPS (relu: max first).
constexpr bool later_steps_vectorisable(const requant_step& first, const requant_step* rest, unsigned n) {
  requant_step prev = first;
  for (unsigned i = 0; i < n; ++i) {
    const requant_step& s = rest[i];
    code_range r = container_range(prev.width, prev.is_signed);
    if (s.relu) r = {r.lo < 0 ? 0 : r.lo, r.hi < 0 ? 0 : r.hi};
    if (!srs_equivalent(s) || !fits_acc32(shifted_left(r, up_shift(s)))) return false;
    prev = s;
  }
  return true;
}

constexpr bool last_step_is(const requant_step& first, const requant_step* rest, unsigned n, unsigned out_bits,
                            bool out_signed) {
  const requant_step& last = n ? rest[n - 1] : first;
  return last.width == out_bits && last.is_signed == out_signed;
}

// Add: inputs of a_bits / b_bits containers aligned by lshift_a / lshift_b, cast, then the epilogue.
constexpr bool add_vectorisable(unsigned a_bits, bool a_signed, int lshift_a, unsigned b_bits, bool b_signed,
                                int lshift_b, const requant_step& cast, const requant_step* epilogue, unsigned n,
                                unsigned out_bits, bool out_signed) {
  const int ua = lshift_a + up_shift(cast), ub = lshift_b + up_shift(cast);
  if (cast.relu || !srs_equivalent(cast) || ua >= 31 || ub >= 31) return false;
  const code_range ra = shifted_left(container_range(a_bits, a_signed), ua);
  const code_range rb = shifted_left(container_range(b_bits, b_signed), ub);
  return fits_acc32({ra.lo + rb.lo, ra.hi + rb.hi}) && later_steps_vectorisable(cast, epilogue, n) &&
         last_step_is(cast, epilogue, n, out_bits, out_signed);
}

// One input of a Concat: its container, its cast (relu allowed: the input is a vector), the epilogue.
constexpr bool concat_part_vectorisable(unsigned in_bits, bool in_signed, const requant_step& cast,
                                        const requant_step* epilogue, unsigned n, unsigned out_bits, bool out_signed) {
  code_range r = container_range(in_bits, in_signed);
  if (cast.relu) r = {r.lo < 0 ? 0 : r.lo, r.hi < 0 ? 0 : r.hi};
  return srs_equivalent(cast) && fits_acc32(shifted_left(r, up_shift(cast))) &&
         later_steps_vectorisable(cast, epilogue, n) && last_step_is(cast, epilogue, n, out_bits, out_signed);
}

// How a vectorised Concat input reaches its output channels: whole vectors when every row segment is
// whole vectors at 32-byte aligned addresses, else 32-bit words extracted from the result (each row
// segment a whole number of words), else the scalar loop.
enum class concat_store : unsigned char { scalar, words, vectors };
constexpr concat_store concat_store_kind(unsigned channels, unsigned offset, unsigned out_channels, unsigned out_bytes) {
  const unsigned l = tensor_vector_lanes;
  if (channels % l == 0 && offset % l == 0 && out_channels % l == 0) return concat_store::vectors;
  if ((channels * out_bytes) % 4 == 0 && (offset * out_bytes) % 4 == 0 && (out_channels * out_bytes) % 4 == 0)
    return concat_store::words;
  return concat_store::scalar;
}

// Operations of one 32-lane vector of a vectorised chain (the counts the emulator's counters see).
struct tensor_vector_ops {
  long long loads = 0, load_bits = 0, stores = 0, store_bits = 0, word_stores = 0;
  long long ups = 0, acc_adds = 0, srs = 0, alu = 0;  // alu: relu max
  // Cycles of one vector in the pipelined loop: 2 x 256-bit loads and one 256-bit (or 32-bit word) store
  // per cycle, one UPS / accumulator add / SRS / vector ALU operation per cycle (aie-ml-facts.md).
  constexpr long long cycles() const {
    const long long load_cycles = (load_bits + 511) / 512, store_cycles = (store_bits + 255) / 256 + word_stores;
    const long long vector_cycles = ups + acc_adds + srs + alu;
    long long c = load_cycles > store_cycles ? load_cycles : store_cycles;
    return c > vector_cycles ? c : vector_cycles;
  }
};

// steps: the cast and the epilogue steps; relu_steps: epilogue steps with relu.
constexpr tensor_vector_ops add_vector_ops(unsigned a_bytes, unsigned b_bytes, unsigned out_bytes, unsigned steps,
                                           unsigned relu_steps) {
  tensor_vector_ops o;
  o.loads = 2, o.load_bits = tensor_vector_lanes * 8LL * (a_bytes + b_bytes);
  o.stores = 1, o.store_bits = tensor_vector_lanes * 8LL * out_bytes;
  o.ups = 2 + (steps - 1), o.acc_adds = 1, o.srs = steps, o.alu = relu_steps;
  return o;
}
constexpr tensor_vector_ops concat_vector_ops(unsigned in_bytes, unsigned out_bytes, concat_store store, unsigned steps,
                                              unsigned relu_steps) {
  tensor_vector_ops o;
  o.loads = 1, o.load_bits = tensor_vector_lanes * 8LL * in_bytes;
  if (store == concat_store::vectors)
    o.stores = 1, o.store_bits = tensor_vector_lanes * 8LL * out_bytes;
  else
    o.word_stores = tensor_vector_lanes * out_bytes / 4;
  o.ups = steps, o.srs = steps, o.alu = relu_steps;
  return o;
}

// Scalar loops: per output element 2 cycles per input code read (load, add) and 4 for the cast and the
// fused epilogue (shift, round, saturate, store).
constexpr long long scalar_cycles_per_element(unsigned reads) { return 2LL * reads + 4; }

}  // namespace kernels
}  // namespace aie4ml
