// aie4ml host emulation of ADF tiling parameters (UG1603 "Tiling Parameters and Buffer Descriptors"):
// the `adf::tiling({...})` access patterns of shared-buffer ports, and what the memory-tile DMA does
// with them, as a function from parameters to the buffer elements a port touches in stream order.
//
// Semantics (written from the public description, independently of aie4ml's compiler):
// - the buffer is `buffer_dimension` elements, dimension 0 fastest (linear address = sum of coordinate
//   x product of the lower dimensions);
// - tiles of `tiling_dimension` are visited by the nested loops of `tile_traversal`, the first entry
//   the innermost; tile number (i_0, i_1, ...) starts at `offset` + sum(i_l * stride_l) along
//   dimension_l; inside a tile, elements go dimension 0 fastest;
// - an element whose coordinate is below zero or at/after `boundary_dimension` (when given) is
//   padding: a read produces zero, a write is dropped. Without a boundary, a coordinate outside the
//   buffer is an error (the DMA would touch memory that is not the buffer's);
// - `repetition` repeats the whole pattern.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../aie_api/detail/types.hpp"

namespace adf {

struct traversing_parameters {
  int dimension = 0;
  int stride = 0;
  int wrap = 0;
};

// Member order follows the public header, so designated initialisers written for AMD's compiler
// compile here unchanged.
struct tiling_parameters {
  std::vector<unsigned> buffer_dimension;
  std::vector<unsigned> tiling_dimension;
  std::vector<int> offset;
  std::vector<traversing_parameters> tile_traversal;
  int packet_port_id = -1;
  int repetition = 1;
  int phase = 0;
  std::vector<unsigned> boundary_dimension;
};

// What `write_access(...) =` / `read_access(...) =` take.
struct access_pattern {
  tiling_parameters params;
};

inline access_pattern tiling(const tiling_parameters& p) { return access_pattern{p}; }

}  // namespace adf

namespace aie4ml_emu {

inline constexpr std::int64_t padding_element = -1;

// The linear element address of every access of the pattern, in stream order (padding_element for
// padding). Throws emu_error naming `where` when the parameters are inconsistent or reach outside the
// buffer without a boundary that makes the access padding.
inline std::vector<std::int64_t> expand_tiling(const adf::tiling_parameters& p, const std::string& where) {
  auto fail = [&](const std::string& what) { throw emu_error(where + ": tiling parameters: " + what); };
  const std::size_t rank = p.buffer_dimension.size();
  if (rank == 0) fail("buffer_dimension is empty");
  if (p.tiling_dimension.size() != rank) fail("tiling_dimension has a different rank than buffer_dimension");
  if (p.offset.size() != rank) fail("offset has a different rank than buffer_dimension");
  if (!p.boundary_dimension.empty() && p.boundary_dimension.size() != rank)
    fail("boundary_dimension has a different rank than buffer_dimension");
  if (p.repetition < 1) fail("repetition must be >= 1");
  for (auto& t : p.tile_traversal) {
    if (t.dimension < 0 || static_cast<std::size_t>(t.dimension) >= rank)
      fail("tile_traversal names a dimension out of range");
    if (t.wrap < 1) fail("tile_traversal wrap must be >= 1");
  }
  std::int64_t tile_elems = 1;
  for (auto d : p.tiling_dimension) {
    if (d == 0) fail("tiling_dimension has a zero extent");
    tile_elems *= d;
  }
  std::int64_t tiles = 1;
  for (auto& t : p.tile_traversal) tiles *= t.wrap;

  std::vector<std::int64_t> pitch(rank, 1);
  for (std::size_t d = 1; d < rank; ++d) pitch[d] = pitch[d - 1] * p.buffer_dimension[d - 1];

  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(tile_elems * tiles * p.repetition));
  std::vector<std::int64_t> start(rank), coord(rank);
  for (int rep = 0; rep < p.repetition; ++rep)
    for (std::int64_t t = 0; t < tiles; ++t) {
      for (std::size_t d = 0; d < rank; ++d) start[d] = p.offset[d];
      std::int64_t rest = t;
      for (auto& step : p.tile_traversal) {  // innermost first
        const std::int64_t i = rest % step.wrap;
        rest /= step.wrap;
        start[step.dimension] += i * step.stride;
      }
      for (std::int64_t e = 0; e < tile_elems; ++e) {
        std::int64_t r = e;
        bool padding = false, outside = false;
        std::int64_t linear = 0;
        for (std::size_t d = 0; d < rank; ++d) {
          coord[d] = start[d] + r % p.tiling_dimension[d];
          r /= p.tiling_dimension[d];
          if (coord[d] < 0) padding = true;
          if (!p.boundary_dimension.empty() && coord[d] >= static_cast<std::int64_t>(p.boundary_dimension[d]))
            padding = true;
          if (coord[d] >= static_cast<std::int64_t>(p.buffer_dimension[d])) outside = true;
          linear += coord[d] * pitch[d];
        }
        if (padding) {
          out.push_back(padding_element);
        } else if (outside) {
          std::string s = "element (";
          for (std::size_t d = 0; d < rank; ++d) {
            if (d) s += ',';
            s += std::to_string(coord[d]);
          }
          fail(s + ") lies outside the buffer and no boundary_dimension makes it padding");
        } else {
          out.push_back(linear);
        }
      }
    }
  return out;
}

}  // namespace aie4ml_emu
