// aie4ml host emulation: memory access (load_v, store_v), construction (zeros, broadcast, concat) and
// element-wise arithmetic (add, sub, mul, mac, max, min) on aie::vector and aie::accum, with the
// semantics the public AIE API documentation gives them: integer vector arithmetic wraps at the element
// width, multiplications return accumulators (acc32 for operands up to 16 bits, acc64 with a 32-bit
// operand, accfloat for floating point), bfloat16 results round to nearest even.
#pragma once
#include <cstdint>
#include <type_traits>

#include "accum.hpp"
#include "counters.hpp"
#include "vector.hpp"

namespace aie4ml_emu {

// AIE-ML vector memory accesses must be aligned to the access size, up to 32 bytes (a 256-bit port;
// 512- and 1024-bit accesses are split into 256-bit beats). Define AIE4ML_EMU_NO_ALIGNMENT_CHECK to
// disable the check.
inline void check_alignment(const void* p, unsigned bytes, const char* what) {
#ifndef AIE4ML_EMU_NO_ALIGNMENT_CHECK
  const unsigned need = bytes < 32 ? bytes : 32;
  if (reinterpret_cast<std::uintptr_t>(p) % need != 0)
    throw emu_error(std::string(what) + ": address not aligned to " + std::to_string(need) + " bytes");
#endif
}

template <class T1, class T2>
struct default_mul_acc {
  static_assert(is_vector_elem<T1> && is_vector_elem<T2>, "aie::mul: unsupported operand types");
  using type = std::conditional_t<
      is_float_elem<T1> || is_float_elem<T2>, accfloat,
      std::conditional_t<(elem_bits<T1> > 16 || elem_bits<T2> > 16), acc64, acc32>>;
};

// Widened value of an element for exact integer arithmetic.
template <class T>
inline __int128 wide(T v) {
  return static_cast<__int128>(v);
}

template <class T>
inline T wrap_elem(__int128 v) {
  return static_cast<T>(static_cast<std::make_unsigned_t<T>>(static_cast<unsigned __int128>(v)));
}

}  // namespace aie4ml_emu

namespace aie {

// ---- memory ----
template <unsigned Elems, typename T>
vector<std::remove_const_t<T>, Elems> load_v(T* ptr) {
  using E = std::remove_const_t<T>;
  aie4ml_emu::check_alignment(ptr, Elems * sizeof(E), "aie::load_v");
  AIE4ML_EMU_COUNT(vector_loads, 1);
  AIE4ML_EMU_COUNT(load_bits, Elems * aie4ml_emu::elem_bits<E>);
  vector<E, Elems> v;
  for (unsigned i = 0; i < Elems; ++i) v[i] = ptr[i];
  return v;
}

// A vector from an address aligned only to `aligned_elems` elements (AIE API load_unaligned_v). The
// hardware loads are aligned, so it is modelled (and counted) as the two aligned loads of the vector's
// size that cover the address; the select that combines them is not counted.
template <unsigned Elems, typename T>
vector<std::remove_const_t<T>, Elems> load_unaligned_v(T* ptr, unsigned aligned_elems = 1) {
  using E = std::remove_const_t<T>;
  aie4ml_emu::check_alignment(ptr, aligned_elems * sizeof(E), "aie::load_unaligned_v");
  AIE4ML_EMU_COUNT(vector_loads, 2);
  AIE4ML_EMU_COUNT(load_bits, 2 * Elems * aie4ml_emu::elem_bits<E>);
  vector<E, Elems> v;
  for (unsigned i = 0; i < Elems; ++i) v[i] = ptr[i];
  return v;
}

template <typename T, typename T2, unsigned Elems>
  requires std::is_same_v<std::remove_const_t<T>, T2> && (!std::is_const_v<T>)
T* store_v(T* ptr, const vector<T2, Elems>& v) {
  aie4ml_emu::check_alignment(ptr, Elems * sizeof(T2), "aie::store_v");
  AIE4ML_EMU_COUNT(vector_stores, 1);
  AIE4ML_EMU_COUNT(store_bits, Elems * aie4ml_emu::elem_bits<T2>);
  for (unsigned i = 0; i < Elems; ++i) ptr[i] = v[i];
  return ptr;
}

// ---- construction ----
template <typename T, unsigned Elems>
auto zeros() {
  if constexpr (aie4ml_emu::is_acc_tag<T>)
    return accum<T, Elems>{};
  else
    return vector<T, Elems>{};
}

template <typename T, unsigned Elems>
vector<T, Elems> broadcast(T value) {
  vector<T, Elems> v;
  for (unsigned i = 0; i < Elems; ++i) v[i] = value;
  return v;
}

template <typename T, unsigned N1, unsigned N2>
vector<T, N1 + N2> concat(const vector<T, N1>& a, const vector<T, N2>& b) {
  static_assert(N1 == N2, "aie::concat: operands must have the same size");
  vector<T, N1 + N2> r;
  r.insert(0, a);
  r.insert(1, b);
  return r;
}
template <typename Tag, unsigned N1, unsigned N2>
accum<Tag, N1 + N2> concat(const accum<Tag, N1>& a, const accum<Tag, N2>& b) {
  static_assert(N1 == N2, "aie::concat: operands must have the same size");
  accum<Tag, N1 + N2> r;
  r.insert(0, a);
  r.insert(1, b);
  return r;
}

// The even (odd) groups of `step` consecutive elements of `v`, in order: half its elements (AIE API
// aie::filter_even / aie::filter_odd; one permute on the AIE, counted as one shuffle).
namespace detail {
template <typename T, unsigned Elems>
vector<T, Elems / 2> filter_groups(const vector<T, Elems>& v, unsigned step, bool odd, const char* name) {
  if (step == 0 || Elems % (2 * step) != 0)
    throw aie4ml_emu::emu_error(std::string(name) + ": step must divide half the vector");
  AIE4ML_EMU_COUNT(shuffles, 1);
  vector<T, Elems / 2> r;
  for (unsigned i = 0; i < Elems / 2; ++i) r[i] = v[(i / step) * 2 * step + (odd ? step : 0) + i % step];
  return r;
}
}  // namespace detail
template <typename T, unsigned Elems>
vector<T, Elems / 2> filter_even(const vector<T, Elems>& v, unsigned step = 1) {
  return detail::filter_groups(v, step, false, "aie::filter_even");
}
template <typename T, unsigned Elems>
vector<T, Elems / 2> filter_odd(const vector<T, Elems>& v, unsigned step = 1) {
  return detail::filter_groups(v, step, true, "aie::filter_odd");
}

// ---- element-wise vector arithmetic ----
namespace emu_detail {
template <typename T, unsigned N, class Op>
vector<T, N> map2(const vector<T, N>& a, const vector<T, N>& b, Op op) {
  AIE4ML_EMU_COUNT(vector_alu_ops, 1);
  vector<T, N> r;
  for (unsigned i = 0; i < N; ++i) r[i] = op(a[i], b[i]);
  return r;
}
template <typename T>
T add_elem(T a, T b) {
  if constexpr (aie4ml_emu::is_float_elem<T>)
    return T(static_cast<float>(a) + static_cast<float>(b));
  else
    return aie4ml_emu::wrap_elem<T>(aie4ml_emu::wide(a) + aie4ml_emu::wide(b));
}
template <typename T>
T sub_elem(T a, T b) {
  if constexpr (aie4ml_emu::is_float_elem<T>)
    return T(static_cast<float>(a) - static_cast<float>(b));
  else
    return aie4ml_emu::wrap_elem<T>(aie4ml_emu::wide(a) - aie4ml_emu::wide(b));
}
template <typename T>
T max_elem(T a, T b) {
  if constexpr (aie4ml_emu::is_float_elem<T>)
    return static_cast<float>(a) < static_cast<float>(b) ? b : a;
  else
    return a < b ? b : a;
}
template <typename T>
T min_elem(T a, T b) {
  if constexpr (aie4ml_emu::is_float_elem<T>)
    return static_cast<float>(b) < static_cast<float>(a) ? b : a;
  else
    return b < a ? b : a;
}
}  // namespace emu_detail

template <typename T, unsigned N>
vector<T, N> add(const vector<T, N>& a, const vector<T, N>& b) {
  return emu_detail::map2(a, b, emu_detail::add_elem<T>);
}
template <typename T, unsigned N>
vector<T, N> add(const vector<T, N>& a, std::type_identity_t<T> s) {
  return add(a, broadcast<T, N>(s));
}
template <typename T, unsigned N>
vector<T, N> add(std::type_identity_t<T> s, const vector<T, N>& a) {
  return add(broadcast<T, N>(s), a);
}
template <typename T, unsigned N>
vector<T, N> sub(const vector<T, N>& a, const vector<T, N>& b) {
  return emu_detail::map2(a, b, emu_detail::sub_elem<T>);
}
template <typename T, unsigned N>
vector<T, N> sub(const vector<T, N>& a, std::type_identity_t<T> s) {
  return sub(a, broadcast<T, N>(s));
}
template <typename T, unsigned N>
vector<T, N> sub(std::type_identity_t<T> s, const vector<T, N>& a) {
  return sub(broadcast<T, N>(s), a);
}
template <typename T, unsigned N>
vector<T, N> max(const vector<T, N>& a, const vector<T, N>& b) {
  return emu_detail::map2(a, b, emu_detail::max_elem<T>);
}
template <typename T, unsigned N>
vector<T, N> max(const vector<T, N>& a, std::type_identity_t<T> s) {
  return max(a, broadcast<T, N>(s));
}
template <typename T, unsigned N>
vector<T, N> max(std::type_identity_t<T> s, const vector<T, N>& a) {
  return max(broadcast<T, N>(s), a);
}
template <typename T, unsigned N>
vector<T, N> min(const vector<T, N>& a, const vector<T, N>& b) {
  return emu_detail::map2(a, b, emu_detail::min_elem<T>);
}
template <typename T, unsigned N>
vector<T, N> min(const vector<T, N>& a, std::type_identity_t<T> s) {
  return min(a, broadcast<T, N>(s));
}
template <typename T, unsigned N>
vector<T, N> min(std::type_identity_t<T> s, const vector<T, N>& a) {
  return min(broadcast<T, N>(s), a);
}

// ---- accumulator arithmetic ----
namespace emu_detail {
template <typename Tag, unsigned N, class Lane>
accum<Tag, N> acc_map(const accum<Tag, N>& a, Lane lane_b, bool subtract) {
  AIE4ML_EMU_COUNT(acc_adds, 1);
  accum<Tag, N> r;
  for (unsigned i = 0; i < N; ++i) {
    const auto x = aie4ml_emu::lane(a, i);
    const auto y = lane_b(i);
    if constexpr (aie4ml_emu::acc_traits<Tag>::is_float)
      aie4ml_emu::set_lane(r, i, subtract ? x - y : x + y);
    else
      aie4ml_emu::set_lane(r, i, aie4ml_emu::acc_wrap<Tag>(subtract ? __int128(x) - y : __int128(x) + y));
  }
  return r;
}
template <typename Tag, typename T>
auto acc_lane_of(T v) {
  if constexpr (aie4ml_emu::acc_traits<Tag>::is_float) {
    static_assert(aie4ml_emu::is_float_elem<T>, "accfloat combines with float or bfloat16 vectors");
    return static_cast<float>(v);
  } else {
    static_assert(aie4ml_emu::is_int_elem<T>, "integer accumulators combine with integer vectors");
    return static_cast<std::int64_t>(v);
  }
}
}  // namespace emu_detail

template <typename Tag, unsigned N>
accum<Tag, N> add(const accum<Tag, N>& a, const accum<Tag, N>& b) {
  return emu_detail::acc_map(a, [&](unsigned i) { return aie4ml_emu::lane(b, i); }, false);
}
template <typename Tag, unsigned N, typename T>
  requires aie4ml_emu::is_acc_tag<Tag>
accum<Tag, N> add(const accum<Tag, N>& a, const vector<T, N>& v) {
  return emu_detail::acc_map(a, [&](unsigned i) { return emu_detail::acc_lane_of<Tag>(v[i]); }, false);
}
template <typename Tag, unsigned N>
accum<Tag, N> sub(const accum<Tag, N>& a, const accum<Tag, N>& b) {
  return emu_detail::acc_map(a, [&](unsigned i) { return aie4ml_emu::lane(b, i); }, true);
}
template <typename Tag, unsigned N, typename T>
  requires aie4ml_emu::is_acc_tag<Tag>
accum<Tag, N> sub(const accum<Tag, N>& a, const vector<T, N>& v) {
  return emu_detail::acc_map(a, [&](unsigned i) { return emu_detail::acc_lane_of<Tag>(v[i]); }, true);
}

// ---- multiplication into accumulators ----
namespace emu_detail {
template <typename Tag, typename T1, typename T2>
auto product(T1 a, T2 b) {
  if constexpr (aie4ml_emu::acc_traits<Tag>::is_float) {
    return static_cast<float>(a) * static_cast<float>(b);
  } else {
    static_assert(aie4ml_emu::is_int_elem<T1> && aie4ml_emu::is_int_elem<T2>,
                  "integer accumulation needs integer operands");
    return aie4ml_emu::wide(a) * aie4ml_emu::wide(b);
  }
}
template <typename Tag, unsigned N, typename A, typename B>
accum<Tag, N> mul_into(const accum<Tag, N>* init, A a_at, B b_at) {
  accum<Tag, N> r;
  for (unsigned i = 0; i < N; ++i) {
    const auto p = product<Tag>(a_at(i), b_at(i));
    if constexpr (aie4ml_emu::acc_traits<Tag>::is_float)
      aie4ml_emu::set_lane(r, i, (init ? aie4ml_emu::lane(*init, i) : 0.0f) + p);
    else
      aie4ml_emu::set_lane(r, i, aie4ml_emu::acc_wrap<Tag>((init ? aie4ml_emu::lane(*init, i) : 0) + p));
  }
  return r;
}
}  // namespace emu_detail

template <typename AccTag = void, typename T1, typename T2, unsigned N>
auto mul(const vector<T1, N>& a, const vector<T2, N>& b) {
  using Tag = std::conditional_t<std::is_void_v<AccTag>, typename aie4ml_emu::default_mul_acc<T1, T2>::type, AccTag>;
  return emu_detail::mul_into<Tag, N>(nullptr, [&](unsigned i) { return a[i]; }, [&](unsigned i) { return b[i]; });
}
template <typename AccTag = void, typename T1, unsigned N>
auto mul(const vector<T1, N>& a, std::type_identity_t<T1> s) {
  return mul<AccTag>(a, broadcast<T1, N>(s));
}
template <typename AccTag = void, typename T1, unsigned N>
auto mul(std::type_identity_t<T1> s, const vector<T1, N>& a) {
  return mul<AccTag>(broadcast<T1, N>(s), a);
}
template <typename Tag, unsigned N, typename T1, typename T2>
accum<Tag, N> mac(const accum<Tag, N>& acc, const vector<T1, N>& a, const vector<T2, N>& b) {
  return emu_detail::mul_into<Tag, N>(&acc, [&](unsigned i) { return a[i]; }, [&](unsigned i) { return b[i]; });
}
template <typename Tag, unsigned N, typename T1>
accum<Tag, N> mac(const accum<Tag, N>& acc, const vector<T1, N>& a, std::type_identity_t<T1> s) {
  return mac(acc, a, broadcast<T1, N>(s));
}

}  // namespace aie
