// aie4ml kernel library: the integer Softmax over the last axis of a mid-graph tensor (attention
// weights), for AIE-ML; on the host it compiles against aie4ml's emu/.
//
// Semantics: the reference interpreter's softmax_codes (src/sim/reference_ops.h, docs/numerics.md
// "Softmax"), bit for bit, per row of Cols codes. The math is kernels/softmax.h's
// (softmax_rows_inplace), unchanged and shared: this entry point only views a plain row-major
// [Rows][Cols] buffer as that kernel's tile layout with 1 x Cols tiles (offset(b, j) = b * Cols + j) and
// no padding columns. softmax_row_config forwards every parameter after the shape (the index shift, the
// table shape, the output type) to softmax_config as they are, and the table argument is softmax.h's
// (codegen::softmax_kernel_table): a change of the table's resolution or shape in softmax.h and the
// reference applies here without an edit.
//
// Layout: `in` Rows x Cols codes of TX, plain row-major (attention scores [Batch][Heads][Tokens][Tokens]:
// Rows = Batch x Heads x Tokens, Cols = Tokens), `out` the same shape in TY (same element size: the
// softmax runs in place on the output buffer after a vector copy of the input).
#pragma once

// Include it after softmax.h (which comes after dense.h), whose softmax_config and softmax_rows_inplace
// it uses; the tests do.
#include <adf.h>
#include <aie_api/aie.hpp>

namespace aie4ml {
namespace kernels {

// softmax_config<TX, TY, TM = 1, TN = Cols, M = Rows, N = Cols, Features = Cols, Rest...>; Rest: the
// parameters of softmax_config that follow Features (IndexShift, the table shape, OutFrac, OutWidth,
// OutSigned, Rounding, Overflow).
template <typename TX, typename TY, unsigned Rows, unsigned Cols, auto... Rest>
using softmax_row_config = softmax_config<TX, TY, 1, Cols, Rows, Cols, Cols, Rest...>;

template <class Cfg, class Table>
void softmax_rows(adf::input_buffer<typename Cfg::x_type>& __restrict in,
                  adf::output_buffer<typename Cfg::y_type>& __restrict out, const Table& table) {
  static_assert(Cfg::tm == 1 && Cfg::tn == Cfg::n && Cfg::features == Cfg::n,
                "softmax_rows: use softmax_row_config (plain rows, no padding columns)");
  using TX = typename Cfg::x_type;
  constexpr unsigned elems = Cfg::m * Cfg::n;
  constexpr unsigned L = 32 / sizeof(TX);  // 256-bit vectors
  const TX* __restrict x = in.data();
  TX* __restrict y = reinterpret_cast<TX*>(out.data());
  constexpr unsigned vectors = elems / L;
  if constexpr (vectors > 0)
    for (unsigned v = 0; v < vectors; ++v) chess_loop_range(vectors, vectors)
      aie::store_v(y + v * L, aie::load_v<L>(x + v * L));
  for (unsigned i = vectors * L; i < elems; ++i) y[i] = x[i];
  softmax_rows_inplace<Cfg>(out.data(), table);
}

}  // namespace kernels
}  // namespace aie4ml
