// aie4ml host emulation: aie::accum<AccTag, Elems>, an accumulator register (acc32, acc64, accfloat)
// of 256 to 2048 bits. Integer lanes wrap at their width as the hardware does.
#pragma once
#include <array>

#include "counters.hpp"
#include "modes.hpp"
#include "types.hpp"
#include "vector.hpp"

namespace aie4ml_emu {
struct accum_access;
}

namespace aie {

template <typename AccTag, unsigned Elems>
class accum {
  static_assert(aie4ml_emu::is_acc_tag<AccTag>,
                "aie::accum: accumulator tag not supported by aie4ml's emulation (acc32, acc64, accfloat)");
  using traits = aie4ml_emu::acc_traits<AccTag>;
  static_assert(Elems * traits::lane_bits >= 256 && Elems * traits::lane_bits <= 2048 &&
                    (Elems & (Elems - 1)) == 0,
                "aie::accum: AIE-ML accumulators are 256 to 2048 bits");

 public:
  using value_type = AccTag;
  using storage_t = typename traits::storage;
  static constexpr unsigned size() { return Elems; }
  static constexpr unsigned bits() { return Elems * traits::lane_bits; }
  static constexpr bool is_floating_point() { return traits::is_float; }

  accum() = default;
  template <typename T>
  explicit accum(const vector<T, Elems>& v, int shift = 0) {
    from_vector(v, shift);
  }

  // Load the lanes from a vector, shifted left by `shift` (integer accumulators only).
  template <typename T>
  void from_vector(const vector<T, Elems>& v, int shift = 0) {
    AIE4ML_EMU_COUNT(ups_ops, 1);
    if constexpr (traits::is_float) {
      static_assert(aie4ml_emu::is_float_elem<T>, "from_vector: accfloat takes float or bfloat16 vectors");
      if (shift != 0) throw aie4ml_emu::emu_error("from_vector: floating-point accumulators take no shift");
      for (unsigned i = 0; i < Elems; ++i) d_[i] = static_cast<float>(v[i]);
    } else {
      static_assert(aie4ml_emu::is_int_elem<T>, "from_vector: integer accumulators take integer vectors");
      if (shift < 0 || shift >= static_cast<int>(traits::lane_bits))
        throw aie4ml_emu::emu_error("from_vector: shift must be in [0, lane bits)");
      for (unsigned i = 0; i < Elems; ++i)
        d_[i] = aie4ml_emu::acc_wrap<AccTag>(static_cast<__int128>(v[i]) * (static_cast<__int128>(1) << shift));
    }
  }

  // Shift-round-saturate into a vector of T using the core's rounding and saturation modes. Float
  // accumulators convert without a shift: to float exactly, to bfloat16 rounding to nearest even.
  template <typename T>
  vector<T, Elems> to_vector(int shift = 0) const {
    AIE4ML_EMU_COUNT(srs_ops, 1);
    vector<T, Elems> r;
    if constexpr (traits::is_float) {
      static_assert(aie4ml_emu::is_float_elem<T>, "to_vector: accfloat converts to float or bfloat16 only");
      if (shift != 0) throw aie4ml_emu::emu_error("to_vector: floating-point accumulators take no shift");
      for (unsigned i = 0; i < Elems; ++i) r[i] = T(d_[i]);
    } else {
      static_assert(aie4ml_emu::is_int_elem<T>, "to_vector: integer accumulators convert to integer vectors");
      for (unsigned i = 0; i < Elems; ++i) r[i] = aie4ml_emu::srs_lane<T>(d_[i], shift);
    }
    return r;
  }

  template <unsigned ElemsOut>
  accum<AccTag, ElemsOut> extract(unsigned idx) const {
    static_assert(Elems % ElemsOut == 0 && ElemsOut < Elems, "extract: output must divide the accumulator");
    if (idx >= Elems / ElemsOut) throw aie4ml_emu::emu_error("accum::extract: part index out of range");
    accum<AccTag, ElemsOut> r;
    for (unsigned i = 0; i < ElemsOut; ++i) r.d_[i] = d_[idx * ElemsOut + i];
    return r;
  }
  template <unsigned ElemsIn>
  accum& insert(unsigned idx, const accum<AccTag, ElemsIn>& a) {
    static_assert(Elems % ElemsIn == 0 && ElemsIn < Elems, "insert: input must divide the accumulator");
    if (idx >= Elems / ElemsIn) throw aie4ml_emu::emu_error("accum::insert: part index out of range");
    for (unsigned i = 0; i < ElemsIn; ++i) d_[idx * ElemsIn + i] = a.d_[i];
    return *this;
  }
  template <unsigned ElemsOut>
  accum<AccTag, ElemsOut> grow() const {
    static_assert(ElemsOut % Elems == 0 && ElemsOut > Elems, "grow: output must be a multiple");
    accum<AccTag, ElemsOut> r;
    for (unsigned i = 0; i < Elems; ++i) r.d_[i] = d_[i];
    return r;
  }

 private:
  template <typename, unsigned>
  friend class accum;
  friend struct aie4ml_emu::accum_access;
  std::array<storage_t, Elems> d_{};
};

}  // namespace aie

namespace aie4ml_emu {

// Host-side lane access for the emulator itself and for tests (the device type has none).
struct accum_access {
  template <class Tag, unsigned N>
  static typename acc_traits<Tag>::storage get(const aie::accum<Tag, N>& a, unsigned i) {
    return a.d_.at(i);
  }
  template <class Tag, unsigned N>
  static void set(aie::accum<Tag, N>& a, unsigned i, typename acc_traits<Tag>::storage v) {
    if constexpr (acc_traits<Tag>::is_float)
      a.d_.at(i) = v;
    else
      a.d_.at(i) = acc_wrap<Tag>(v);
  }
};

template <class Tag, unsigned N>
auto lane(const aie::accum<Tag, N>& a, unsigned i) {
  return accum_access::get(a, i);
}
template <class Tag, unsigned N>
void set_lane(aie::accum<Tag, N>& a, unsigned i, typename acc_traits<Tag>::storage v) {
  accum_access::set(a, i, v);
}

}  // namespace aie4ml_emu
