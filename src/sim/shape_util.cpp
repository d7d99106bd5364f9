// Index arithmetic for the interpreters (see shape_util.h).
#include "sim/shape_util.h"

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml::sim {

int64_t product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

namespace {

std::vector<int64_t> strides_of(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

}  // namespace

std::vector<int64_t> broadcast_offsets(const std::vector<int64_t>& out_sample, const std::vector<int64_t>& operand,
                                       bool has_batch, const std::string& op) {
  // Per-sample dims of the operand, right-aligned against out_sample.
  std::vector<int64_t> dims(operand.begin() + (has_batch && !operand.empty() ? 1 : 0), operand.end());
  if (!has_batch && dims.size() == out_sample.size() + 1) {
    if (dims.front() != 1)
      throw InputError(fmt::format("op '{}': constant of shape {} does not broadcast over the batch", op, dims_str(operand)));
    dims.erase(dims.begin());
  }
  if (dims.size() > out_sample.size())
    throw InputError(fmt::format("op '{}': operand shape {} has more dimensions than the result {}", op,
                                 dims_str(operand), dims_str(out_sample)));
  std::vector<int64_t> aligned(out_sample.size() - dims.size(), 1);
  aligned.insert(aligned.end(), dims.begin(), dims.end());
  for (size_t i = 0; i < aligned.size(); ++i)
    if (aligned[i] != 1 && aligned[i] != out_sample[i])
      throw InputError(fmt::format("op '{}': operand shape {} does not broadcast to {}", op, dims_str(operand),
                                   dims_str(out_sample)));
  const auto src_strides = strides_of(aligned);
  const int64_t n = product(out_sample);
  std::vector<int64_t> offsets(static_cast<size_t>(n));
  std::vector<int64_t> idx(out_sample.size(), 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) off += (aligned[d] == 1 ? 0 : idx[d]) * src_strides[d];
    offsets[static_cast<size_t>(e)] = off;
    for (size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < out_sample[d]) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

std::vector<int64_t> slice_offsets(const std::vector<int64_t>& in_sample, const std::vector<int64_t>& out_sample,
                                   const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
                                   const std::string& op) {
  const size_t rank = in_sample.size();
  if (out_sample.size() != rank || starts.size() != rank + 1 || steps.size() != rank + 1)
    throw InputError(fmt::format("Slice '{}': starts/steps must cover every axis of the input", op));
  for (size_t d = 0; d < rank; ++d) {
    const int64_t first = starts[d + 1], last = first + (out_sample[d] - 1) * steps[d + 1];
    if (out_sample[d] < 1 || std::min(first, last) < 0 || std::max(first, last) >= in_sample[d])
      throw InputError(fmt::format("Slice '{}': axis {} reads outside the input (size {})", op, d + 1, in_sample[d]));
  }
  const auto in_strides = strides_of(in_sample);
  const int64_t n = product(out_sample);
  std::vector<int64_t> offsets(static_cast<size_t>(n));
  std::vector<int64_t> idx(rank, 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    for (size_t d = 0; d < rank; ++d) off += (starts[d + 1] + idx[d] * steps[d + 1]) * in_strides[d];
    offsets[static_cast<size_t>(e)] = off;
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out_sample[d]) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

std::vector<int64_t> transpose_offsets(const std::vector<int64_t>& in_sample, const std::vector<int64_t>& perm,
                                       const std::string& op) {
  if (perm.size() != in_sample.size() + 1 || perm[0] != 0)
    throw InputError(fmt::format("Transpose '{}': perm must keep the batch axis first and cover every axis", op));
  std::vector<int64_t> p;  // per-sample permutation
  for (size_t i = 1; i < perm.size(); ++i) {
    if (perm[i] < 1 || perm[i] > static_cast<int64_t>(in_sample.size()))
      throw InputError(fmt::format("Transpose '{}': invalid perm entry {}", op, perm[i]));
    p.push_back(perm[i] - 1);
  }
  const auto in_strides = strides_of(in_sample);
  std::vector<int64_t> out_dims(p.size());
  for (size_t i = 0; i < p.size(); ++i) out_dims[i] = in_sample[static_cast<size_t>(p[i])];
  const int64_t n = product(in_sample);
  std::vector<int64_t> offsets(static_cast<size_t>(n));
  std::vector<int64_t> idx(out_dims.size(), 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * in_strides[static_cast<size_t>(p[d])];
    offsets[static_cast<size_t>(e)] = off;
    for (size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < out_dims[d]) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

int sample_axis(int64_t axis, size_t full_rank, const std::string& op) {
  const int64_t r = static_cast<int64_t>(full_rank);
  if (axis < 0) axis += r;
  if (axis < 1 || axis >= r)
    throw InputError(fmt::format("op '{}': axis {} is invalid or the batch axis (rank {})", op, axis, r));
  return static_cast<int>(axis - 1);
}

WindowGeometry window_geometry(const Op& op, const std::vector<int64_t>& in_sample,
                               const std::vector<int64_t>& out_sample, const std::vector<int64_t>& kernel_shape) {
  WindowGeometry g;
  if (in_sample.size() < 2 || out_sample.size() != in_sample.size())
    throw InputError(fmt::format("op '{}': expected [C, spatial...] shapes", op.name));
  const size_t nd = in_sample.size() - 1;
  g.channels_in = in_sample[0];
  g.channels_out = out_sample[0];
  g.groups = op.get_int("group", 1);
  g.in_spatial.assign(in_sample.begin() + 1, in_sample.end());
  g.out_spatial.assign(out_sample.begin() + 1, out_sample.end());
  g.kernel = kernel_shape;
  g.strides = op.get_ints("strides");
  g.dilations = op.get_ints("dilations");
  auto pads = op.get_ints("pads");
  if (g.strides.empty()) g.strides.assign(nd, 1);
  if (g.dilations.empty()) g.dilations.assign(nd, 1);
  if (pads.empty()) pads.assign(2 * nd, 0);
  if (op.get_string("auto_pad", "NOTSET") != "NOTSET" && op.get_string("auto_pad", "NOTSET") != "VALID")
    throw InputError(fmt::format("op '{}': auto_pad {} is not supported (explicit pads only)", op.name,
                                 op.get_string("auto_pad", "")));
  if (g.kernel.size() != nd || g.strides.size() != nd || g.dilations.size() != nd || pads.size() != 2 * nd)
    throw InputError(fmt::format("op '{}': kernel/strides/dilations/pads do not match {} spatial dims", op.name, nd));
  g.pads_begin.assign(pads.begin(), pads.begin() + static_cast<long>(nd));
  for (size_t d = 0; d < nd; ++d) {
    const int64_t span = g.dilations[d] * (g.kernel[d] - 1) + 1;
    const int64_t expect = (g.in_spatial[d] + pads[d] + pads[d + nd] - span) / g.strides[d] + 1;
    if (expect != g.out_spatial[d])
      throw InputError(fmt::format("op '{}': output size {} along spatial axis {} does not match the geometry ({})",
                                   op.name, g.out_spatial[d], d, expect));
  }
  return g;
}

int64_t window_input_index(const WindowGeometry& g, int64_t out_index, int64_t tap) {
  const size_t nd = g.in_spatial.size();
  int64_t in_index = 0;
  // Decompose out_index and tap from the last spatial axis backwards.
  int64_t stride_in = 1;
  for (size_t d = nd; d-- > 0;) {
    const int64_t o = out_index % g.out_spatial[d];
    out_index /= g.out_spatial[d];
    const int64_t k = tap % g.kernel[d];
    tap /= g.kernel[d];
    const int64_t pos = o * g.strides[d] - g.pads_begin[d] + k * g.dilations[d];
    if (pos < 0 || pos >= g.in_spatial[d]) return -1;
    in_index += pos * stride_in;
    stride_in *= g.in_spatial[d];
  }
  return in_index;
}

}  // namespace aie4ml::sim
