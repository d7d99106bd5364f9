// aie4ml kernel library: the loop structure of the dense kernel (dense.h) as constexpr arithmetic.
// The kernel takes its trip counts and pointer strides from here, and the host cost model
// (src/sim/kernel_cost.cpp) counts operations from here, so the two cannot drift apart.
// Plain C++ only (no headers): it compiles for the AIE and for the host alike.
#pragma once

namespace aie4ml {
namespace kernels {

// Position of a kernel in its cascade chain.
enum class cascade_pos : unsigned {
  single = 0,  // whole K in one kernel: bias preloaded, shift-round-saturate, store
  first = 1,   // first of a chain: zero-initialised, writes partial sums to the cascade
  middle = 2,  // reads partial sums, accumulates its K slice, writes to the cascade
  last = 3,    // reads partial sums, adds bias, accumulates, shift-round-saturate, store
};

constexpr bool pos_reads_cascade(cascade_pos p) { return p == cascade_pos::middle || p == cascade_pos::last; }
constexpr bool pos_writes_cascade(cascade_pos p) { return p == cascade_pos::first || p == cascade_pos::middle; }
constexpr bool pos_has_bias(cascade_pos p) { return p == cascade_pos::single || p == cascade_pos::last; }
constexpr bool pos_stores_output(cascade_pos p) { return p == cascade_pos::single || p == cascade_pos::last; }

// One kernel's work: C[m x n] (+)= A[m x k] * B[k x n] with an mmul of tile_m x tile_k x tile_n,
// blocked 2 x 2 (two A tiles x two B tiles -> four accumulators per K step).
//   loop nest:  for column pair j < n_pairs          (bias for two column tiles loaded once)
//                 for row pair i < m_pairs           (4 accumulators initialised)
//                   for t < k_tiles  [pipelined]     (2 A loads, 2 B loads, 4 mmul)
//                   4 tiles out (SRS + store, or cascade write)
struct dense_schedule {
  unsigned tile_m, tile_k, tile_n;  // mmul shape
  unsigned m, k, n;                 // this kernel's slice: padded batch, input and output features

  constexpr unsigned size_a() const { return tile_m * tile_k; }
  constexpr unsigned size_b() const { return tile_k * tile_n; }
  constexpr unsigned size_c() const { return tile_m * tile_n; }
  constexpr unsigned m_tiles() const { return m / tile_m; }
  constexpr unsigned k_tiles() const { return k / tile_k; }
  constexpr unsigned n_tiles() const { return n / tile_n; }
  constexpr unsigned m_pairs() const { return m_tiles() / 2; }
  constexpr unsigned n_pairs() const { return n_tiles() / 2; }

  // Trip counts per invocation.
  constexpr unsigned column_iterations() const { return n_pairs(); }
  constexpr unsigned block_iterations() const { return n_pairs() * m_pairs(); }
  constexpr unsigned k_iterations() const { return block_iterations() * k_tiles(); }
  constexpr unsigned mmul_issues() const { return 4 * k_iterations(); }

  // Pointer strides in elements (the kernel walks pointers; no index arithmetic in the loops).
  constexpr unsigned a_row_tile_stride() const { return k_tiles() * size_a(); }    // A: one row of tiles
  constexpr unsigned b_column_tile_stride() const { return k_tiles() * size_b(); }  // B: one column of tiles
  constexpr unsigned c_row_tile_stride() const { return n_tiles() * size_c(); }    // C: one row of tiles
  constexpr unsigned bias_elems() const { return n * tile_m; }
  constexpr unsigned weight_elems() const { return k * n; }
  constexpr unsigned input_elems() const { return m * k; }
  constexpr unsigned output_elems() const { return m * n; }

  constexpr bool valid() const {
    return tile_m > 0 && tile_k > 0 && tile_n > 0 && m > 0 && k > 0 && n > 0 && m % (2 * tile_m) == 0 &&
           n % (2 * tile_n) == 0 && k % tile_k == 0;
  }
};

}  // namespace kernels
}  // namespace aie4ml
