// Legality checker (see check_design.h for the rules). Deliberately shares no code with the planning
// passes: every expectation (slice alignment, buffer sizes, kernel layouts, reachability, channel use) is
// derived here again from the Design's own numbers and the Device, so a planner bug cannot hide itself.
// The only shared piece is the meaning of ADF tiling parameters (design/tiling.h).
#include "passes/check_design.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "design/tiling.h"
#include "device/kernel_library.h"
#include "design/conv_layout.h"
#include "design/tensor_op_layout.h"
#include "support/error.h"

namespace aie4ml {

namespace {

std::string at(TileCoord t) { return fmt::format("({},{})", t.col, t.row); }

// One element of a stream: tensor feature and batch row, or "don't care" padding.
struct Element {
  int64_t feature = -1, row = -1;
  bool real = false;
  bool zero = false;  // not real and must read as zero (a conv's padding tap in a patch stream)
};

// The memory-tile DMA's address loops of a tiling walk (design/conv_memtile.h states the rule): the tile's
// dimensions and the traversal steps, innermost first, in element strides; a loop of extent 1 vanishes, and
// a loop that continues the one inside it (stride = inner stride x inner extent) merges into it unless the
// inner one zero-pads (reaches below 0 or past the boundary in its dimension).
int dma_address_loops(const TilingParams& t) {
  const size_t rank = t.buffer_dimension.size();
  if (t.tiling_dimension.size() != rank || t.offset.size() != rank) return 0;
  std::vector<int64_t> pitch(rank, 1), low(t.offset.begin(), t.offset.end()), high(rank);
  for (size_t d = 1; d < rank; ++d) pitch[d] = pitch[d - 1] * t.buffer_dimension[d - 1];
  for (size_t d = 0; d < rank; ++d) high[d] = t.offset[d] + t.tiling_dimension[d] - 1;
  for (auto& s : t.tile_traversal) {
    if (s.dimension < 0 || static_cast<size_t>(s.dimension) >= rank) return 0;
    high[s.dimension] += (s.wrap - 1) * s.stride;
  }
  const auto& bound = t.boundary_dimension.empty() ? t.buffer_dimension : t.boundary_dimension;
  auto pads = [&](size_t d) { return low[d] < 0 || high[d] >= bound[d]; };
  struct Loop {
    int64_t stride, extent;
    bool pads;
  };
  std::vector<Loop> loops;
  for (size_t d = 0; d < rank; ++d) loops.push_back({pitch[d], t.tiling_dimension[d], pads(d)});
  for (auto& s : t.tile_traversal) loops.push_back({s.stride * pitch[s.dimension], s.wrap, pads(s.dimension)});
  int count = 0;
  std::optional<Loop> inner;
  for (auto& l : loops) {
    if (l.extent <= 1) continue;
    if (inner && !inner->pads && l.stride == inner->stride * inner->extent) {
      inner = Loop{inner->stride, inner->extent * l.extent, l.pads};
      continue;
    }
    ++count;
    inner = l;
  }
  return count;
}

class Checker {
 public:
  Checker(const Design& d, const Device& dev) : d_(d), dev_(dev) {
    for (auto& l : d.layers)
      for (auto& k : l.kernels) {
        kernels_[k.name] = &k;
        layer_of_[k.name] = &l;
      }
  }

  std::vector<Violation> run() {
    check_kernels_on_array();
    for (auto& l : d_.layers) check_layer(l);
    check_memory();
    check_cascades();
    check_tile_dma();
    check_shared_buffers();
    check_memtiles();
    check_plio();
    check_dataflow();
    return std::move(out_);
  }

 private:
  template <typename... Args>
  void fail(const std::string& rule, fmt::format_string<Args...> f, Args&&... args) {
    out_.push_back({rule, fmt::format(f, std::forward<Args>(args)...)});
  }

  // ---- kernels and layers ----

  void check_kernels_on_array() {
    std::map<TileCoord, std::string> owner;
    for (auto& l : d_.layers)
      for (auto& k : l.kernels) {
        if (k.tile.col < 0 || k.tile.col >= dev_.columns || k.tile.row < 0 || k.tile.row >= dev_.compute_rows)
          fail("array-bounds", "kernel {} at {} is outside the {} x {} compute array", k.name, at(k.tile), dev_.columns,
               dev_.compute_rows);
        auto [it, fresh] = owner.emplace(k.tile, k.name);
        if (!fresh) fail("tile-occupancy", "kernels {} and {} both sit on tile {}", it->second, k.name, at(k.tile));
      }
  }

  static int64_t alignment(int tile, int bytes) {
    const int64_t lanes = std::max(1, 16 / bytes), words = std::max(1, 4 / bytes);
    return std::lcm(std::lcm(static_cast<int64_t>(2 * tile), lanes), words);
  }

  // A tensor-op layer (design/tensor_op_layout.h): one "tensor_op" kernel, whole-sample buffers per input.
  void check_tensor_op_layer(const LayerDesign& l) {
    namespace to = tensor_op_layout;
    const auto ins = l.input_tensors();
    const auto& g = l.tensor_op;
    bool ok = l.kernels.size() == 1 && l.cas_length == 1 && l.cas_num == 1 && l.kernels[0].variant == "tensor_op" &&
              l.kernels[0].writes_output && !l.kernels[0].cascade_in && !l.kernels[0].cascade_out;
    if (l.op == "Add") ok = ok && ins.size() == 2 && g.size() == 2 && g[0] * g[1] == l.in_features && g[0] * g[1] == l.out_features;
    else if (to::is_unary(l)) ok = ok && ins.size() == 1 && g.size() == 2 && g[0] * g[1] == l.in_features && g[0] * g[1] == l.out_features;
    else if (l.op == "Concat") {
      int64_t channels = 0;
      for (size_t i = 1; i < g.size(); ++i) channels += g[i];
      ok = ok && g.size() == ins.size() + 1 && g[0] * channels == l.out_features && to::input_elements(l, 0) == l.in_features;
    } else if (to::is_pool(l)) {
      ok = ok && ins.size() == 1 && g.size() == to::kPoolGeometrySize && g[to::C] * g[to::IH] * g[to::IW] == l.in_features &&
           g[to::C] * g[to::OH] * g[to::OW] == l.out_features;
    } else if (l.op == "MatMul") {
      const bool scores = g.size() == 5 && g[to::MM_FORM] == to::kScores;
      ok = ok && ins.size() == 2 && g.size() == 5 && (g[to::MM_FORM] == to::kScores || g[to::MM_FORM] == to::kContext) &&
           l.in_features == (scores ? g[to::MM_T] * g[to::MM_H] * g[to::MM_DH] : g[to::MM_H] * g[to::MM_T] * g[to::MM_T]) &&
           l.out_features == (scores ? g[to::MM_H] * g[to::MM_T] * g[to::MM_T] : g[to::MM_T] * g[to::MM_H] * g[to::MM_DH]);
    } else if (l.op == "Softmax" || l.op == "LayerNorm") {
      ok = ok && ins.size() == 1 && g.size() == 2 && g[0] * g[1] == l.in_features && l.in_features == l.out_features;
    } else {
      ok = false;
    }
    if (const auto& v = l.tensor_vector; !v.empty()) {  // [steps, relu_steps, one flag (Add) or one per input]
      const size_t flags = l.op == "Add" ? 1 : l.op == "Concat" ? ins.size() : 0;
      ok = ok && flags > 0 && v.size() == 2 + flags && v[0] >= 1 && v[1] >= 0 && v[1] <= v[0];
    }
    if (!ok) {
      fail("layer-shape", "layer {}: op {} with {} input(s), geometry [{}] and {} kernel(s) is not a tensor-op layer the "
           "kernels take", l.name, l.op, ins.size(), fmt::join(g, ", "), l.kernels.size());
      return;
    }
    // A head of parallel heads: one head's MatMul or Softmax, writing its part of its own output tensor.
    if (l.head && ((l.op != "MatMul" && l.op != "Softmax") || (l.op == "MatMul" && g[to::MM_H] != 1) ||
                   !l.output_view || l.output_view->tensor != l.output_tensor || l.input_views.size() != ins.size()))
      fail("layer-shape", "layer {}: head {} of {} of op {} is not one head's MatMul or Softmax writing its channels of "
           "'{}' through views", l.name, l.head->index, l.head->count, l.head->op, l.output_tensor);
    const auto& k = l.kernels[0];
    auto need = [&](const std::string& role, int64_t bytes, int copies) {
      auto* b = k.buffer(role);
      if (!b) fail("buffer-size", "kernel {}: no {} buffer", k.name, role);
      else if (b->bytes < bytes || b->copies() != copies)
        fail("buffer-size", "kernel {}: {} buffer of {} bytes x {} copies, needs {} bytes x {}", k.name, role, b->bytes,
             b->copies(), bytes, copies);
    };
    for (size_t i = 0; i < ins.size(); ++i) need(to::input_role(i), to::input_bytes(l, i, d_.batch), 2);
    need("output", to::output_bytes(l, d_.batch), 2);
    need("stack", dev_.stack_bytes, 1);
    need("heap", dev_.heap_bytes, 1);
  }

  void check_layer(const LayerDesign& l) {
    if (l.is_tensor_op()) return check_tensor_op_layer(l);
    if (static_cast<int>(l.kernels.size()) != l.cas_length * l.cas_num)
      fail("layer-shape", "layer {}: {} kernels for {} x {}", l.name, l.kernels.size(), l.cas_length, l.cas_num);
    std::set<std::pair<int, int>> seen;
    for (auto& k : l.kernels)
      if (k.chain < 0 || k.chain >= l.cas_num || k.position < 0 || k.position >= l.cas_length ||
          !seen.insert({k.chain, k.position}).second)
        fail("layer-shape", "layer {}: kernel {} has chain {} position {} (duplicate or out of range)", l.name, k.name,
             k.chain, k.position);
    auto shapes = dev_.mmul_shapes.find(l.type_pair);
    const MmulShape t{l.tile_m, l.tile_k, l.tile_n};
    if (shapes == dev_.mmul_shapes.end() || std::find(shapes->second.begin(), shapes->second.end(), t) == shapes->second.end())
      fail("layer-shape", "layer {}: tiling {}x{}x{} is not an mmul shape for {} on {}", l.name, l.tile_m, l.tile_k,
           l.tile_n, l.type_pair, dev_.name);
    const KernelVariant* kv = KernelLibrary::builtin().find(l.type_pair);
    if (!kv || std::find(kv->mmul_shapes.begin(), kv->mmul_shapes.end(), t) == kv->mmul_shapes.end())
      fail("layer-shape", "layer {}: no dense kernel for {} with tiling {}x{}x{} (kernels/variants.json)", l.name,
           l.type_pair, l.tile_m, l.tile_k, l.tile_n);
    if (kv && kv->bias_bytes != l.bias_bytes)
      fail("layer-shape", "layer {}: bias elements of {} bytes, the kernels take {}", l.name, l.bias_bytes, kv->bias_bytes);
    const int64_t m_unit = 2 * static_cast<int64_t>(l.tile_m);
    const int64_t rows = conv_layout::gemm_rows(l, d_.batch);  // a conv's GEMM rows: batch x positions
    if (l.batch_padded < rows || l.batch_padded % m_unit != 0 || l.batch_padded - rows >= m_unit)
      fail("layer-shape", "layer {}: {} rows padded to {} (expected the next multiple of {})", l.name, rows,
           l.batch_padded, m_unit);
    if (l.is_conv() && (l.conv.size() != conv_layout::kGeometrySize || l.cas_length != 1 || l.cas_num != 1 ||
                        l.in_features != l.conv[conv_layout::CI] * l.conv[conv_layout::IH] * l.conv[conv_layout::IW]))
      fail("layer-shape", "layer {}: conv geometry, cascade length {} or input size {} is not what the conv kernel takes",
           l.name, l.cas_length, l.in_features);
    if (l.conv_chunk != 0 && (!l.is_conv() || l.conv_chunk < 0 || l.conv_chunk >= d_.batch || d_.batch % l.conv_chunk != 0))
      fail("layer-shape", "layer {}: conv_chunk {} is not a divisor of the batch {} below it (conv layers only)", l.name,
           l.conv_chunk, d_.batch);
    check_slices(l, "K", conv_layout::gemm_k(l), l.k_slice, l.cas_length, l.in_padded, alignment(l.tile_k, l.input_bytes));
    check_slices(l, "N", l.out_features, l.n_slice, l.cas_num, l.out_padded, alignment(l.tile_n, l.output_bytes));
    for (auto& k : l.kernels) {
      if (k.k_range != Range{k.position * l.k_slice, (k.position + 1) * l.k_slice} ||
          k.n_range != Range{k.chain * l.n_slice, (k.chain + 1) * l.n_slice})
        fail("slices", "layer {}: kernel {} handles K [{}, {}) and N [{}, {}), not its slices", l.name, k.name,
             k.k_range.begin, k.k_range.end, k.n_range.begin, k.n_range.end);
      if (k.writes_output != (k.position == l.cas_length - 1) || k.cascade_in != (k.position > 0) ||
          k.cascade_out != (k.position < l.cas_length - 1))
        fail("cascade", "layer {}: kernel {} has the wrong cascade role for position {}", l.name, k.name, k.position);
      check_kernel_buffers(l, k);
    }
  }

  void check_slices(const LayerDesign& l, const char* axis, int64_t real, int64_t slice, int parts, int64_t padded,
                    int64_t align) {
    if (slice <= 0 || slice % align != 0)
      fail("slices", "layer {}: {} slice {} is not a positive multiple of {}", l.name, axis, slice, align);
    if (padded != slice * parts || padded < real)
      fail("slices", "layer {}: {} padded to {} with {} slices of {} does not cover {} features", l.name, axis, padded,
           parts, slice, real);
    if ((parts - 1) * slice >= real)
      fail("slices", "layer {}: the last {} slice of {} holds no real feature ({} features)", l.name, axis, slice, real);
  }

  void check_kernel_buffers(const LayerDesign& l, const KernelInstance& k) {
    auto find = [&](const char* role) { return k.buffer(role); };
    const int64_t bank = dev_.bank_bytes();
    const int64_t w_need = l.k_slice * l.n_slice * l.weight_bytes;
    if (auto* w = find("weights")) {
      if (w->bytes < w_need || w->copies() != 1)
        fail("buffer-size", "kernel {}: weights buffer of {} bytes x {} copies, needs {} bytes once", k.name, w->bytes,
             w->copies(), w_need);
      if (w->bytes > bank) fail("weights-bank", "kernel {}: {} bytes of weights exceed one {}-byte bank", k.name, w->bytes, bank);
    } else {
      fail("buffer-size", "kernel {}: no weights buffer", k.name);
    }
    if (w_need > bank) fail("weights-bank", "kernel {}: its {} x {} weight slice needs {} bytes, more than one {}-byte bank",
                            k.name, l.k_slice, l.n_slice, w_need, bank);
    auto need = [&](const char* role, int64_t bytes, int copies) {
      auto* b = find(role);
      if (!b)
        fail("buffer-size", "kernel {}: no {} buffer", k.name, role);
      else if (b->bytes < bytes || b->copies() != copies)
        fail("buffer-size", "kernel {}: {} buffer of {} bytes x {} copies, needs {} bytes x {}", k.name, role, b->bytes,
             b->copies(), bytes, copies);
    };
    need("input", conv_layout::input_buffer_bytes(l, d_.batch), 2);
    if (l.is_conv()) {
      if (!conv_layout::has_tap_k(l)) need("im2col", conv_layout::im2col_bytes(l), 1);  // direct, memtile: none
      need("out_tiles", conv_layout::out_tiles_bytes(l), 1);
    }
    if (k.writes_output) {
      need("output", conv_layout::output_buffer_bytes(l, d_.batch), 2);
      need("bias", l.n_slice * l.tile_m * l.bias_bytes, 1);  // the kernels take one tile_m x tile_n tile per column tile
    }
    need("stack", dev_.stack_bytes, 1);
    need("heap", dev_.heap_bytes, 1);
  }

  // ---- data memory ----

  bool core_reaches(TileCoord core, TileCoord mem) const {
    const auto& a = dev_.memory_access;
    if (mem.row < 0 || mem.row >= dev_.compute_rows || mem.col < 0 || mem.col >= dev_.columns) return false;
    if (mem == core) return a.own;
    if (mem.row == core.row && mem.col == core.col - 1) return a.west;
    if (mem.row == core.row && mem.col == core.col + 1) return a.east;
    if (mem.col == core.col && mem.row == core.row + 1) return a.north;
    if (mem.col == core.col && mem.row == core.row - 1) return a.south;
    return false;
  }

  void check_memory() {
    struct Alloc {
      int64_t begin, end;
      std::string name;
    };
    std::map<TileCoord, std::map<std::string, std::vector<Alloc>>> per_tile;  // tile -> buffer name -> copies
    const int64_t bank = dev_.bank_bytes();
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        for (auto& b : k.buffers) {
          if (!core_reaches(k.tile, b.home))
            fail("neighbour-access", "kernel {} at {} cannot reach buffer {} homed at {}", k.name, at(k.tile), b.name,
                 at(b.home));
          if (b.banks.size() != b.offsets.size())
            fail("bank-bounds", "buffer {}: {} banks for {} copies", b.name, b.banks.size(), b.offsets.size());
          std::vector<Alloc> copies;
          for (size_t i = 0; i < b.offsets.size(); ++i) {
            const int64_t off = b.offsets[i], end = off + b.bytes;
            const int64_t first_bank = off / bank, last_bank = (end - 1) / bank;
            if (off < 0 || end > dev_.data_memory_bytes || first_bank != last_bank ||
                (i < b.banks.size() && b.banks[i] != first_bank))
              fail("bank-bounds", "buffer {} copy {} at [{}, {}) of tile {} is not inside bank {}", b.name, i, off, end,
                   at(b.home), i < b.banks.size() ? b.banks[i] : -1);
            copies.push_back({off, end, fmt::format("{}[{}]", b.name, i)});
          }
          auto& slot = per_tile[b.home][b.name];
          if (slot.empty()) slot = copies;  // the same allocation listed by two kernels counts once
        }
    for (auto& [tile, named] : per_tile) {
      std::vector<Alloc> all;
      for (auto& [n, copies] : named) all.insert(all.end(), copies.begin(), copies.end());
      std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return std::tie(a.begin, a.name) < std::tie(b.begin, b.name); });
      int64_t total = 0;
      for (size_t i = 0; i < all.size(); ++i) {
        total += all[i].end - all[i].begin;
        if (i > 0 && all[i].begin < all[i - 1].end)
          fail("memory-overlap", "tile {}: {} and {} overlap", at(tile), all[i - 1].name, all[i].name);
      }
      if (total > dev_.data_memory_bytes)
        fail("memory-budget", "tile {}: {} bytes of buffers exceed its {}-byte data memory", at(tile), total,
             dev_.data_memory_bytes);
    }
  }

  // ---- cascades ----

  void check_cascades() {
    std::set<std::pair<std::string, std::string>> links;
    for (auto& c : d_.cascades) {
      links.insert({c.from, c.to});
      auto* a = kernel(c.from);
      auto* b = kernel(c.to);
      if (!a || !b) {
        fail("cascade", "cascade {} -> {} names an unknown kernel", c.from, c.to);
        continue;
      }
      if (layer_of_.at(c.from) != layer_of_.at(c.to) || a->chain != b->chain || b->position != a->position + 1)
        fail("cascade", "cascade {} -> {} does not join consecutive kernels of one chain", c.from, c.to);
      if (b->tile.row != a->tile.row || b->tile.col != a->tile.col + 1)
        fail("cascade", "cascade {} at {} -> {} at {} is not west-to-east between neighbouring tiles", c.from,
             at(a->tile), c.to, at(b->tile));
    }
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        if (k.position + 1 < l.cas_length && !links.count({k.name, l.kernel(k.chain, k.position + 1).name}))
          fail("cascade", "layer {}: no cascade from {} to {}", l.name, k.name, l.kernel(k.chain, k.position + 1).name);
  }

  // ---- compute-tile DMA ----

  void use_tile_channel(const std::string& kernel_name, TileCoord tile, int channel, bool s2mm, const std::string& what) {
    auto* k = kernel(kernel_name);
    if (!k) {
      fail("dataflow", "{} names an unknown kernel {}", what, kernel_name);
      return;
    }
    if (tile != k->tile)
      fail("tile-dma", "{}: kernel {} sits at {} but the endpoint uses the DMA of {}", what, kernel_name, at(k->tile),
           at(tile));
    const int limit = s2mm ? dev_.tile_dma.s2mm_channels : dev_.tile_dma.mm2s_channels;
    if (channel < 0 || channel >= limit)
      fail("tile-dma", "{}: {} channel {} of tile {} does not exist ({} channels)", what, s2mm ? "S2MM" : "MM2S",
           channel, at(tile), limit);
    auto [it, fresh] = tile_channels_.emplace(std::make_tuple(tile, s2mm, channel), what);
    if (!fresh)
      fail("tile-dma", "{} channel {} of tile {} is used twice ({} and {})", s2mm ? "S2MM" : "MM2S", channel, at(tile),
           it->second, what);
  }

  void check_tile_dma() {
    for (auto& sb : d_.shared_buffers) {
      for (auto& w : sb.writers)
        if (w.source && !w.source->kernel.empty())
          use_tile_channel(w.source->kernel, w.source->tile, w.source->channel, false,
                           fmt::format("{}.{}", sb.name, w.name));
      for (auto& r : sb.readers)
        for (auto& dst : r.destinations)
          if (!dst.kernel.empty()) {
            use_tile_channel(dst.kernel, dst.tile, dst.channel, true, fmt::format("{}.{} -> {}", sb.name, r.name, dst.kernel));
            if (auto* k = kernel(dst.kernel); k && k->buffer("input") && k->buffer("input")->home != dst.tile)
              fail("tile-dma", "{}.{}: the DMA of {} fills input buffer {} homed at {}", sb.name, r.name, at(dst.tile),
                   k->buffer("input")->name, at(k->buffer("input")->home));
          }
    }
    for (auto& db : d_.direct_buffers) {
      if (db.mode == "dma") {
        if (auto* p = kernel(db.producer)) use_tile_channel(db.producer, p->tile, db.producer_channel, false, db.name);
        if (auto* c = kernel(db.consumer)) use_tile_channel(db.consumer, c->tile, db.consumer_channel, true, db.name);
      }
    }
  }

  // ---- shared buffers and memory tiles ----

  void check_shared_buffers() {
    for (auto& sb : d_.shared_buffers) {
      if (static_cast<int>(sb.writers.size()) > dev_.shared_buffer_max_writers)
        fail("shared-buffer", "{}: {} writer ports, the limit is {}", sb.name, sb.writers.size(),
             dev_.shared_buffer_max_writers);
      if (static_cast<int>(sb.readers.size()) > dev_.shared_buffer_max_readers)
        fail("shared-buffer", "{}: {} reader ports, the limit is {}", sb.name, sb.readers.size(),
             dev_.shared_buffer_max_readers);
      if (sb.num_buffers != 2) fail("shared-buffer", "{}: num_buffers is {}, expected 2 (double buffering)", sb.name, sb.num_buffers);
      if (sb.dimension.size() != 2) fail("shared-buffer", "{}: dimension must be [features, batch]", sb.name);
      if (sb.writers.empty() || sb.readers.empty())
        fail("dataflow", "{}: {} writers and {} readers; data must come from somewhere and go somewhere", sb.name,
             sb.writers.size(), sb.readers.size());
      for (auto* ports : {&sb.writers, &sb.readers})
        for (auto& p : *ports)
          if (p.access.buffer_dimension != sb.dimension && !patch_view(sb, p))
            fail("shared-buffer", "{}.{}: buffer_dimension differs from the buffer's", sb.name, p.name);
    }
  }

  // A reader port of a memory-tile im2col conv may view the buffer as {CI, IW, IH, rows}: the same elements.
  bool patch_view(const SharedBuffer& sb, const SharedBufferPort& p) const {
    const auto& b = p.access.buffer_dimension;
    if (b.size() != 4 || sb.dimension.size() != 2 || b[0] * b[1] * b[2] != sb.dimension[0] || b[3] != sb.dimension[1])
      return false;
    return std::all_of(p.destinations.begin(), p.destinations.end(), [&](const Endpoint& e) {
      auto it = layer_of_.find(e.kernel);
      return it != layer_of_.end() && conv_layout::is_memtile_im2col(*it->second);
    });
  }

  bool memtile_exists(TileCoord t) const {
    return t.col >= 0 && t.col < dev_.columns && t.row >= 0 && t.row < dev_.memory_tile_rows;
  }

  void check_memtiles() {
    std::map<TileCoord, int64_t> bytes;
    std::map<std::tuple<TileCoord, bool, int>, std::string> used;
    for (auto& sb : d_.shared_buffers) {
      if (!memtile_exists(sb.location)) {
        fail("memtile-location", "{}: memory tile {} does not exist ({} x {})", sb.name, at(sb.location), dev_.columns,
             dev_.memory_tile_rows);
        continue;
      }
      bytes[sb.location] += sb.bytes();
      auto use = [&](const SharedBufferPort& p, bool s2mm) {
        const auto what = fmt::format("{}.{}", sb.name, p.name);
        const int limit = s2mm ? dev_.memory_tile_dma.s2mm_channels : dev_.memory_tile_dma.mm2s_channels;
        const bool home = p.dma_tile == sb.location;
        const bool neighbour = p.dma_tile.row == sb.location.row && std::abs(p.dma_tile.col - sb.location.col) == 1;
        if (!memtile_exists(p.dma_tile) || p.dma_channel < 0 || p.dma_channel >= limit)
          fail("memtile-dma", "{}: {} channel {} of memory tile {} does not exist", what, s2mm ? "S2MM" : "MM2S",
               p.dma_channel, at(p.dma_tile));
        else if (!home && !(neighbour && p.dma_channel < dev_.memory_tile_neighbour_channels))
          fail("memtile-dma", "{}: channel {} of memory tile {} cannot reach the buffer in {}", what, p.dma_channel,
               at(p.dma_tile), at(sb.location));
        auto [it, fresh] = used.emplace(std::make_tuple(p.dma_tile, s2mm, p.dma_channel), what);
        if (!fresh)
          fail("memtile-dma", "{} channel {} of memory tile {} is used by {} and {}", s2mm ? "S2MM" : "MM2S",
               p.dma_channel, at(p.dma_tile), it->second, what);
      };
      for (auto& w : sb.writers) use(w, true);
      for (auto& r : sb.readers) use(r, false);
    }
    for (auto& [t, b] : bytes)
      if (b > dev_.memory_tile_bytes)
        fail("memtile-capacity", "memory tile {} holds {} bytes of shared buffers, more than its {}", at(t), b,
             dev_.memory_tile_bytes);
  }

  // ---- PLIO ----

  void check_plio() {
    std::map<int, int> in_ch, out_ch;
    std::set<std::string> names;
    for (auto& p : d_.plio) {
      if (!names.insert(p.name).second) fail("plio", "PLIO name {} is used twice", p.name);
      if (std::find(dev_.plio_widths_bits.begin(), dev_.plio_widths_bits.end(), p.width_bits) == dev_.plio_widths_bits.end())
        fail("plio", "PLIO {}: width {} bits is not supported by {}", p.name, p.width_bits, dev_.name);
      if (p.frequency_mhz <= 0 || p.frequency_mhz > dev_.pl_clock_max_mhz)
        fail("plio", "PLIO {}: {} MHz is outside (0, {}] MHz", p.name, p.frequency_mhz, dev_.pl_clock_max_mhz);
      if (!dev_.has_plio_column(p.column)) fail("plio", "PLIO {}: column {} has no PL interface", p.name, p.column);
      const int need = (p.width_bits + dev_.interface_channel_bits - 1) / dev_.interface_channel_bits;
      if (p.channels != need)
        fail("plio", "PLIO {}: counts {} interface channels, a {}-bit port takes {}", p.name, p.channels, p.width_bits, need);
      if (p.direction != "in" && p.direction != "out") fail("plio", "PLIO {}: direction '{}'", p.name, p.direction);
      (p.direction == "in" ? in_ch : out_ch)[p.column] += std::max(p.channels, need);
      const int64_t word = std::max<int64_t>(1, p.width_bits / p.element_bits);
      if (p.row_elements % word != 0 || p.row_elements < p.feature_range.size())
        fail("plio", "PLIO {}: rows of {} elements are not whole {}-bit words holding features [{}, {})", p.name,
             p.row_elements, p.width_bits, p.feature_range.begin, p.feature_range.end);
      if (p.rows_per_sample < 1 || p.rows != d_.batch * p.rows_per_sample)
        fail("plio", "PLIO {}: streams {} rows per batch; batch {} x {} rows per sample make {}", p.name, p.rows,
             d_.batch, p.rows_per_sample, d_.batch * p.rows_per_sample);
    }
    for (auto& [col, n] : in_ch)
      if (n > dev_.pl_to_aie_channels_per_column)
        fail("plio", "column {}: PL->AIE PLIO ports take {} interface channels, the column has {}", col, n,
             dev_.pl_to_aie_channels_per_column);
    for (auto& [col, n] : out_ch)
      if (n > dev_.aie_to_pl_channels_per_column)
        fail("plio", "column {}: AIE->PL PLIO ports take {} interface channels, the column has {}", col, n,
             dev_.aie_to_pl_channels_per_column);
  }

  // ---- dataflow and layouts ----

  // The element order of a kernel's input (K slice part [range)) or output (N slice part) buffer:
  // blocks of block_rows x width, block row outer, block column inner, each block row-major.
  static std::vector<Element> kernel_stream(Range range, int64_t width, int64_t block_rows, int64_t rows,
                                            int64_t real_features, int64_t real_rows) {
    std::vector<Element> s;
    for (int64_t mb = 0; mb < rows; mb += block_rows)
      for (int64_t f0 = range.begin; f0 < range.end; f0 += width)
        for (int64_t r = mb; r < mb + block_rows; ++r)
          for (int64_t f = f0; f < f0 + width; ++f) s.push_back({f, r, f < real_features && r < real_rows});
    return s;
  }

  // A PLIO stream: whole sample rows of features [range) padded to `row_elements`.
  static std::vector<Element> plio_stream(const PlioPort& p) {
    std::vector<Element> s;
    for (int64_t r = 0; r < p.rows; ++r)
      for (int64_t j = 0; j < p.row_elements; ++j) {
        const int64_t f = p.feature_range.begin + j;
        s.push_back({f, r, f < p.feature_range.end});
      }
    return s;
  }

  const PlioPort* plio(const std::string& name) const {
    for (auto& p : d_.plio)
      if (p.name == name) return &p;
    return nullptr;
  }

  int64_t tensor_features(const std::string& tensor) const {
    for (auto& l : d_.layers) {
      if (l.output_tensor == tensor) return l.is_tensor_op() ? tensor_op_layout::row_elements(l, l.out_features) : l.out_features;
      if (l.reads(tensor)) return read_elements(l, tensor);
    }
    return 0;
  }

  // The stream a writer port receives from its source, or nullopt (reported) when it cannot be derived.
  std::optional<std::vector<Element>> writer_stream(const SharedBuffer& sb, const SharedBufferPort& w) {
    if (!w.source) {
      fail("dataflow", "{}.{}: writer without a source", sb.name, w.name);
      return std::nullopt;
    }
    if (!w.source->plio.empty()) {
      auto* p = plio(w.source->plio);
      if (!p || p->direction != "in" || p->tensor != sb.tensor) {
        fail("dataflow", "{}.{}: source PLIO {} is not an input PLIO of tensor {}", sb.name, w.name, w.source->plio, sb.tensor);
        return std::nullopt;
      }
      return plio_stream(*p);
    }
    auto* k = kernel(w.source->kernel);
    if (!k) return std::nullopt;  // reported by check_tile_dma
    auto* l = layer_of_.at(k->name);
    if (l->written_tensor() != sb.tensor || !k->writes_output) {
      fail("dataflow", "{}.{}: kernel {} does not produce tensor {}", sb.name, w.name, k->name, sb.tensor);
      return std::nullopt;
    }
    if (l->output_view || w.row_channels > 0)  // its channels of every row of a Concat's output
      return view_stream(sb, w, l->output_view ? &*l->output_view : nullptr,
                         l->is_tensor_op() ? tensor_op_layout::row_elements(*l, l->out_features) : conv_layout::output_elements(*l),
                         d_.batch * l->rows_per_sample, k->name);
    if (l->is_conv() || l->is_tensor_op()) return conv_output_stream(w.feature_range, *l);
    if (w.feature_range.begin < k->n_range.begin || w.feature_range.end > k->n_range.end ||
        (w.feature_range.begin - k->n_range.begin) % l->tile_n != 0 || w.feature_range.size() % l->tile_n != 0) {
      fail("data-layout", "{}.{}: features [{}, {}) are not whole output blocks of kernel {}", sb.name, w.name,
           w.feature_range.begin, w.feature_range.end, k->name);
      return std::nullopt;
    }
    return kernel_stream(w.feature_range, l->tile_n, l->tile_m, l->batch_padded, l->out_features,
                         conv_layout::gemm_rows(*l, d_.batch));
  }

  // Elements per row of `tensor` as layer l reads it (a tensor-op layer's inputs differ in size; on token
  // tensors it reads rows_per_sample rows per sample).
  static int64_t read_elements(const LayerDesign& l, const std::string& tensor) {
    if (!l.is_tensor_op()) return l.in_features;
    const auto ins = l.input_tensors();
    return tensor_op_layout::row_elements(
        l, tensor_op_layout::input_elements(l, static_cast<size_t>(std::find(ins.begin(), ins.end(), tensor) - ins.begin())));
  }

  // A channel view (design.h "input_views" / "output_view"): a kernel's `rows` rows (whole channels-last
  // samples, or token rows of a head layer) of `per_sample` elements, positions x the view's channels, as
  // the features of the rows of row_channels channels they occupy in the buffer. The port must say the
  // same channels; nullopt (reported) otherwise.
  std::optional<std::vector<Element>> view_stream(const SharedBuffer& sb, const SharedBufferPort& port,
                                                  const ChannelView* v, int64_t per_sample, int64_t rows,
                                                  const std::string& kernel) {
    if (!v || port.row_channels != v->row_channels || port.feature_range != v->channels ||
        v->channels.size() < 1 || per_sample % v->channels.size() != 0) {
      fail("data-layout", "{}.{}: carries channels [{}, {}) of rows of {} but kernel {} {}", sb.name, port.name,
           port.feature_range.begin, port.feature_range.end, port.row_channels, kernel,
           v ? fmt::format("has the view [{}, {}) of rows of {}", v->channels.begin, v->channels.end, v->row_channels)
             : std::string("has no channel view of the tensor"));
      return std::nullopt;
    }
    const int64_t width = v->channels.size(), positions = per_sample / width;
    std::vector<Element> s;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t p = 0; p < positions; ++p)
        for (int64_t c = 0; c < width; ++c) s.push_back({p * v->row_channels + v->channels.begin + c, r, true});
    return s;
  }

  // What a memory-tile im2col conv kernel reads (kernels/conv_memtile.h): per sample and output position
  // (oh, ow) its window, taps (kh, kw) x channels padded to tile_k, the input feature (ih * IW + iw) * CI + ci
  // of the sample, or zero for taps outside the input and channels past CI. The port's walk must also fit
  // the memory-tile DMA: dilation 1, channels of whole 32-bit words, zero padding in dimensions 0-2 only and
  // at most kMemtileDmaLoops address loops (design/conv_memtile.h).
  static constexpr int kMemtileDmaLoops = 5;
  std::optional<std::vector<Element>> patch_stream(const SharedBuffer& sb, const SharedBufferPort& r, const LayerDesign& l) {
    using namespace conv_layout;
    const auto& g = l.conv;
    if (g[DH] != 1 || g[DW] != 1 || g[CI] * l.input_bytes % 4 != 0) {
      fail("conv-memtile", "layer {}: the memory tile cannot make its patches: dilation {} x {}, {} channels of {} bytes "
           "(needs dilation 1 and channels of whole 32-bit words)", l.name, g[DH], g[DW], g[CI], l.input_bytes);
      return std::nullopt;
    }
    const int loops = dma_address_loops(r.access);
    if (loops > kMemtileDmaLoops) {
      fail("dma-dimensions", "{}.{}: layer {}'s patch walk needs {} DMA address loops after merging contiguous ones; a "
           "memory-tile buffer descriptor has {} (4-D addressing + iteration)", sb.name, r.name, l.name, loops,
           kMemtileDmaLoops);
      return std::nullopt;
    }
    const auto& a = r.access;
    if (a.offset.size() == 4 && a.offset[3] != 0) {
      fail("dma-dimensions", "{}.{}: layer {}'s patch walk pads dimension 3; the DMA pads dimensions 0-2 only", sb.name,
           r.name, l.name);
      return std::nullopt;
    }
    const int64_t cp = (g[CI] + l.tile_k - 1) / l.tile_k * l.tile_k;
    std::vector<Element> s;
    for (int64_t b = 0; b < d_.batch; ++b)
      for (int64_t oh = 0; oh < g[OH]; ++oh)
        for (int64_t ow = 0; ow < g[OW]; ++ow)
          for (int64_t kh = 0; kh < g[KH]; ++kh)
            for (int64_t kw = 0; kw < g[KW]; ++kw)
              for (int64_t ci = 0; ci < cp; ++ci) {
                const int64_t ih = oh * g[SH] + kh - g[PH], iw = ow * g[SW] + kw - g[PW];
                if (ci < g[CI] && ih >= 0 && ih < g[IH] && iw >= 0 && iw < g[IW])
                  s.push_back({(ih * g[IW] + iw) * g[CI] + ci, b, true, false});
                else
                  s.push_back({-1, -1, false, true});
              }
    return s;
  }

  // A conv kernel's output: plain channels-last samples (conv_layout.h), all of them real.
  std::vector<Element> conv_output_stream(Range range, const LayerDesign& l) {
    if (l.is_tensor_op()) {  // rows of a tensor op's output: whole samples, or token rows
      const int64_t e = tensor_op_layout::row_elements(l, l.out_features), rows = d_.batch * l.rows_per_sample;
      if (range != Range{0, e}) fail("data-layout", "tensor-op layer {}: its writer carries [{}, {}), not whole rows [0, {})",
                                     l.name, range.begin, range.end, e);
      return kernel_stream({0, e}, e, 1, rows, e, rows);
    }
    const int64_t e = conv_layout::output_elements(l);
    if (range != Range{0, e}) fail("data-layout", "conv layer {}: its writer carries [{}, {}), not whole samples [0, {})",
                                   l.name, range.begin, range.end, e);
    return kernel_stream({0, e}, e, 1, d_.batch, e, d_.batch);
  }

  // The features of its input tensor a kernel reads: its K slice, or whole samples for a conv kernel.
  static Range input_range(const LayerDesign& l, const KernelInstance& k) {
    return l.is_conv() ? Range{0, l.in_features} : k.k_range;
  }

  // What a reader port's destination expects to receive.
  std::optional<std::vector<Element>> reader_expectation(const SharedBuffer& sb, const SharedBufferPort& r,
                                                          const Endpoint& dst) {
    if (!dst.plio.empty()) {
      auto* p = plio(dst.plio);
      if (!p || p->direction != "out" || p->tensor != sb.tensor) {
        fail("dataflow", "{}.{}: destination PLIO {} is not an output PLIO of tensor {}", sb.name, r.name, dst.plio, sb.tensor);
        return std::nullopt;
      }
      return plio_stream(*p);
    }
    auto* k = kernel(dst.kernel);
    if (!k) return std::nullopt;
    auto* l = layer_of_.at(k->name);
    if (!l->reads(sb.tensor)) {
      fail("dataflow", "{}.{}: kernel {} does not read tensor {}", sb.name, r.name, k->name, sb.tensor);
      return std::nullopt;
    }
    if ((l->is_conv() || l->is_tensor_op()) && (l->input_view(sb.tensor) || r.row_channels > 0))  // a Slice view
      return view_stream(sb, r, l->input_view(sb.tensor), read_elements(*l, sb.tensor), d_.batch * l->rows_per_sample, k->name);
    if (l->is_tensor_op()) {  // whole samples of each input (design/tensor_op_layout.h)
      const int64_t f = read_elements(*l, sb.tensor);
      if (r.feature_range != Range{0, f}) {
        fail("data-layout", "{}.{}: tensor-op kernel {} reads whole samples of {}, not features [{}, {})", sb.name,
             r.name, k->name, sb.tensor, r.feature_range.begin, r.feature_range.end);
        return std::nullopt;
      }
      const int64_t rows = d_.batch * l->rows_per_sample;
      return kernel_stream(r.feature_range, f, 1, rows, f, rows);
    }
    if (conv_layout::is_memtile_im2col(*l)) return patch_stream(sb, r, *l);
    if (l->is_conv()) {
      if (r.feature_range != input_range(*l, *k)) {
        fail("data-layout", "{}.{}: conv kernel {} reads whole samples, not features [{}, {})", sb.name, r.name,
             k->name, r.feature_range.begin, r.feature_range.end);
        return std::nullopt;
      }
      return kernel_stream(r.feature_range, l->in_features, 1, d_.batch, l->in_features, d_.batch);
    }
    if (r.feature_range.begin < k->k_range.begin || r.feature_range.end > k->k_range.end ||
        (r.feature_range.begin - k->k_range.begin) % l->tile_k != 0 || r.feature_range.size() % l->tile_k != 0) {
      fail("data-layout", "{}.{}: features [{}, {}) are not whole input blocks of kernel {}", sb.name, r.name,
           r.feature_range.begin, r.feature_range.end, k->name);
      return std::nullopt;
    }
    return kernel_stream(r.feature_range, l->tile_k, l->tile_m, l->batch_padded, l->in_features,
                         conv_layout::gemm_rows(*l, d_.batch));
  }

  static std::vector<int64_t> safe_expand(const TilingParams& t, bool& ok) {
    try {
      ok = true;
      return expand_access(t);
    } catch (const std::invalid_argument&) {
      ok = false;
      return {};
    }
  }

  // What a shared buffer holds after its writers ran: per address the element written (or none), and
  // which port wrote it.
  struct BufferImage {
    std::vector<Element> content;
    std::vector<std::string> writer_of;
  };

  void write_port(const SharedBuffer& sb, const SharedBufferPort& w, BufferImage& img) {
    auto stream = writer_stream(sb, w);
    if (!stream) return;
    bool ok = false;
    const auto addrs = safe_expand(w.access, ok);
    if (!ok) return fail("shared-buffer", "{}.{}: inconsistent tiling parameters", sb.name, w.name);
    if (addrs.size() != stream->size())
      return fail("data-layout", "{}.{}: its tiling moves {} elements, the source streams {}", sb.name, w.name,
                  addrs.size(), stream->size());
    for (size_t i = 0; i < addrs.size(); ++i) {
      const auto& e = (*stream)[i];
      if (addrs[i] == kOutsideBuffer) return fail("data-layout", "{}.{}: element {} lands outside the buffer", sb.name, w.name, i);
      if (addrs[i] < 0) {
        if (e.real)
          return fail("data-layout", "{}.{}: real element (feature {}, row {}) is dropped by the boundary", sb.name,
                      w.name, e.feature, e.row);
        continue;
      }
      if (!img.writer_of[addrs[i]].empty())
        return fail("data-layout", "{}.{}: overwrites an element written by {}", sb.name, w.name, img.writer_of[addrs[i]]);
      img.writer_of[addrs[i]] = w.name;
      img.content[addrs[i]] = e;
    }
  }

  void read_port(const SharedBuffer& sb, const SharedBufferPort& r, const BufferImage& img) {
    bool ok = false;
    const auto addrs = safe_expand(r.access, ok);
    if (!ok) return fail("shared-buffer", "{}.{}: inconsistent tiling parameters", sb.name, r.name);
    for (auto& dst : r.destinations) {
      auto expect = reader_expectation(sb, r, dst);
      if (!expect) continue;
      const auto who = dst.kernel.empty() ? dst.plio : dst.kernel;
      if (addrs.size() != expect->size()) {
        fail("data-layout", "{}.{}: its tiling reads {} elements, {} expects {}", sb.name, r.name, addrs.size(), who,
             expect->size());
        continue;
      }
      for (size_t i = 0; i < addrs.size(); ++i) {
        const auto& want = (*expect)[i];
        if (addrs[i] == kOutsideBuffer) {
          fail("data-layout", "{}.{}: element {} reads outside the buffer", sb.name, r.name, i);
          break;
        }
        if (!want.real) {  // padding: multiplied by zero weights or dropped later, or a conv tap that must be zero
          if (want.zero && addrs[i] != kPaddingAccess) {
            fail("data-layout", "{}.{}: {} expects a zero (padding) at position {} but reads an element of the buffer",
                 sb.name, r.name, who, i);
            break;
          }
          continue;
        }
        const Element* got = addrs[i] >= 0 ? &img.content[addrs[i]] : nullptr;
        if (!got || !got->real || got->feature != want.feature || got->row != want.row) {
          fail("data-layout", "{}.{}: {} expects feature {} of sample {} at position {} but reads {}", sb.name, r.name,
               who, want.feature, want.row, i,
               !got         ? std::string("padding")
               : got->real ? fmt::format("feature {} of sample {}", got->feature, got->row)
                           : std::string("an element nobody wrote"));
          break;
        }
      }
    }
  }

  // Run the buffer's writers, then check that every reader gets what its destinations expect.
  void simulate(const SharedBuffer& sb) {
    if (sb.dimension.size() != 2) return;
    const auto size = static_cast<size_t>(sb.dimension[0] * sb.dimension[1]);
    BufferImage img{std::vector<Element>(size), std::vector<std::string>(size)};
    for (auto& w : sb.writers) write_port(sb, w, img);
    for (auto& r : sb.readers) read_port(sb, r, img);
  }

  void check_direct(const DirectBuffer& db) {
    auto* p = kernel(db.producer);
    auto* c = kernel(db.consumer);
    if (!p || !c) {
      fail("dataflow", "{}: unknown kernel {}", db.name, p ? db.consumer : db.producer);
      return;
    }
    auto* lp = layer_of_.at(p->name);
    auto* lc = layer_of_.at(c->name);
    if (lp->output_tensor != db.tensor || lc->input_tensor != db.tensor || !p->writes_output)
      fail("dataflow", "{}: {} -> {} does not carry tensor {}", db.name, db.producer, db.consumer, db.tensor);
    if (lp->cas_num != 1 || lc->cas_length != 1 || lc->cas_num != 1)
      fail("dataflow", "{}: a direct buffer needs one producer chain and a 1 x 1 consumer", db.name);
    const auto produced = kernel_stream(p->n_range, lp->tile_n, lp->tile_m, lp->batch_padded, lp->out_features,
                                        conv_layout::gemm_rows(*lp, d_.batch));
    const auto expected = kernel_stream(c->k_range, lc->tile_k, lc->tile_m, lc->batch_padded, lc->in_features,
                                        conv_layout::gemm_rows(*lc, d_.batch));
    bool same = produced.size() == expected.size();
    for (size_t i = 0; same && i < expected.size(); ++i)
      if (expected[i].real && (produced[i].feature != expected[i].feature || produced[i].row != expected[i].row))
        same = false;
    if (!same) fail("data-layout", "{}: the output layout of {} is not the input layout of {}", db.name, db.producer, db.consumer);
    if (db.mode == "shared_memory") {
      if (!core_reaches(p->tile, db.home) || !core_reaches(c->tile, db.home))
        fail("neighbour-access", "{}: home {} is not reachable by both {} at {} and {} at {}", db.name, at(db.home),
             db.producer, at(p->tile), db.consumer, at(c->tile));
    } else if (db.mode != "dma") {
      fail("dataflow", "{}: mode '{}' is neither shared_memory nor dma", db.name, db.mode);
    }
  }

  // The input features a reader port delivers to a kernel: its feature range, or for a channel-view port
  // that matches the kernel's view all of the kernel's input (checked element by element in read_port).
  Range delivered_range(const SharedBuffer& sb, const SharedBufferPort& r, const Endpoint& dst) const {
    auto* k = kernel(dst.kernel);
    if (r.row_channels == 0 || !k) return r.feature_range;
    const auto* l = layer_of_.at(k->name);
    const auto* v = l->input_view(sb.tensor);
    if (!v || v->channels != r.feature_range || v->row_channels != r.row_channels) return r.feature_range;
    return {0, read_elements(*l, sb.tensor)};
  }

  void check_dataflow() {
    // Which feature ranges reach each kernel input, and each graph output.
    // Keyed by (kernel, tensor): a tensor-op kernel reads several tensors, each whole.
    std::map<std::pair<std::string, std::string>, std::vector<Range>> delivered;
    for (auto& sb : d_.shared_buffers) {
      simulate(sb);
      for (auto& r : sb.readers)
        for (auto& dst : r.destinations)
          if (!dst.kernel.empty()) delivered[{dst.kernel, sb.tensor}].push_back(delivered_range(sb, r, dst));
    }
    for (auto& db : d_.direct_buffers) {
      check_direct(db);
      if (auto* c = kernel(db.consumer)) delivered[{db.consumer, db.tensor}].push_back(c->k_range);
    }
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        for (auto& tensor : l.input_tensors()) {
        auto ranges = delivered[{k.name, tensor}];
        std::sort(ranges.begin(), ranges.end());
        const Range want = l.is_tensor_op() ? Range{0, read_elements(l, tensor)} : input_range(l, k);
        int64_t next = want.begin;
        bool exact = true;
        for (auto& r : ranges) {
          if (r.begin != next) exact = false;
          next = r.end;
        }
        if (!exact || next != want.end)
          fail("dataflow", "kernel {}: its input features [{}, {}) are not delivered exactly once", k.name, want.begin,
               want.end);
      }
    check_outputs_consumed();
  }

  void check_outputs_consumed() {
    std::set<std::string> sources;
    for (auto& sb : d_.shared_buffers)
      for (auto& w : sb.writers)
        if (w.source && !w.source->kernel.empty()) sources.insert(w.source->kernel);
    for (auto& db : d_.direct_buffers) sources.insert(db.producer);
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        if (k.writes_output && !sources.count(k.name))
          fail("dataflow", "kernel {}: its output goes nowhere", k.name);
    std::set<std::string> read_plio;
    for (auto& sb : d_.shared_buffers)
      for (auto& r : sb.readers)
        for (auto& dst : r.destinations)
          if (!dst.plio.empty()) read_plio.insert(dst.plio);
    for (auto& p : d_.plio)
      if (p.direction == "out" && !read_plio.count(p.name)) fail("dataflow", "output PLIO {} is fed by no buffer", p.name);
  }

  const KernelInstance* kernel(const std::string& name) const {
    auto it = kernels_.find(name);
    return it == kernels_.end() ? nullptr : it->second;
  }

  const Design& d_;
  const Device& dev_;
  std::map<std::string, const KernelInstance*> kernels_;
  std::map<std::string, const LayerDesign*> layer_of_;
  std::map<std::tuple<TileCoord, bool, int>, std::string> tile_channels_;
  std::vector<Violation> out_;
};

}  // namespace

std::vector<Violation> check_design(const Design& design, const Device& device) {
  return Checker(design, device).run();
}

void require_legal(const Design& design, const Device& device, size_t max_listed) {
  const auto v = check_design(design, device);
  if (v.empty()) return;
  std::string msg = fmt::format("design of model '{}' breaks {} rule(s) of {}:", design.model, v.size(), device.name);
  for (size_t i = 0; i < v.size() && i < max_listed; ++i) msg += fmt::format("\n  [{}] {}", v[i].rule, v[i].message);
  if (v.size() > max_listed) msg += fmt::format("\n  ... and {} more", v.size() - max_listed);
  throw CheckFailure(msg);
}

}  // namespace aie4ml
