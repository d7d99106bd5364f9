// ADF tiling-parameter expansion (see tiling.h).
#include "design/tiling.h"

#include <stdexcept>

namespace aie4ml {

namespace {

void validate(const TilingParams& p) {
  const auto rank = p.buffer_dimension.size();
  if (rank == 0 || p.tiling_dimension.size() != rank || p.offset.size() != rank ||
      (!p.boundary_dimension.empty() && p.boundary_dimension.size() != rank))
    throw std::invalid_argument("tiling parameters of different ranks");
  for (auto& s : p.tile_traversal)
    if (s.dimension < 0 || static_cast<size_t>(s.dimension) >= rank || s.wrap < 1)
      throw std::invalid_argument("tile_traversal step with a bad dimension or wrap");
  for (auto t : p.tiling_dimension)
    if (t < 1) throw std::invalid_argument("tiling_dimension entries must be >= 1");
}

// Address of one coordinate, or a marker.
int64_t address(const TilingParams& p, const std::vector<int64_t>& coord) {
  const auto rank = coord.size();
  for (size_t d = 0; d < rank; ++d) {
    const bool outside_boundary =
        coord[d] < 0 || (!p.boundary_dimension.empty() && coord[d] >= p.boundary_dimension[d]);
    if (outside_boundary) return kPaddingAccess;
  }
  int64_t addr = 0, pitch = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (coord[d] >= p.buffer_dimension[d]) return kOutsideBuffer;
    addr += coord[d] * pitch;
    pitch *= p.buffer_dimension[d];
  }
  return addr;
}

// Append the elements of one tile starting at `origin`, dimension 0 fastest.
void expand_tile(const TilingParams& p, const std::vector<int64_t>& origin, std::vector<int64_t>& out) {
  const auto rank = origin.size();
  std::vector<int64_t> idx(rank, 0), coord(rank);
  while (true) {
    for (size_t d = 0; d < rank; ++d) coord[d] = origin[d] + idx[d];
    out.push_back(address(p, coord));
    size_t d = 0;
    while (d < rank && ++idx[d] == p.tiling_dimension[d]) idx[d++] = 0;
    if (d == rank) return;
  }
}

}  // namespace

std::vector<int64_t> expand_access(const TilingParams& p) {
  validate(p);
  const auto steps = p.tile_traversal.size();
  std::vector<int64_t> out, iter(steps, 0);
  while (true) {
    std::vector<int64_t> origin = p.offset;
    for (size_t s = 0; s < steps; ++s) origin[p.tile_traversal[s].dimension] += iter[s] * p.tile_traversal[s].stride;
    expand_tile(p, origin, out);
    size_t s = 0;
    while (s < steps && ++iter[s] == p.tile_traversal[s].wrap) iter[s++] = 0;
    if (s == steps) return out;
  }
}

}  // namespace aie4ml
