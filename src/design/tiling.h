// The meaning of ADF tiling parameters (UG1603 `tiling({...})`), as a function: which buffer elements a
// shared-buffer port touches, in stream order.
// Reads: TilingParams. Writes: nothing. Checks: dimensions agree.
//
// Semantics: tiles are visited by the nested loops of tile_traversal (first entry innermost); tile t
// starts at offset + sum_i(index_i * stride_i) along dimension_i; inside a tile, elements are visited with
// dimension 0 fastest. An element at a coordinate outside boundary_dimension (or below 0) is padding:
// reads produce zero, writes are dropped.
#pragma once
#include <cstdint>
#include <vector>

#include "design/design.h"

namespace aie4ml {

inline constexpr int64_t kPaddingAccess = -1;   // outside boundary_dimension
inline constexpr int64_t kOutsideBuffer = -2;   // inside the boundary (or none given) but outside the buffer

// Linear addresses (dimension 0 fastest, in elements) of every access in stream order; throws
// std::invalid_argument when the parameter vectors disagree in rank or a stride/wrap is invalid.
std::vector<int64_t> expand_access(const TilingParams& p);

}  // namespace aie4ml
