// Transport planning pass (see plan_transport.h for the rules and layouts).
#include "passes/plan_transport.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "design/conv_layout.h"
#include "design/conv_memtile.h"
#include "design/tensor_op_layout.h"
#include "passes/channel_views.h"
#include "passes/partition_conv.h"
#include "passes/partition_tensor_ops.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// ---- tensor edges ----

struct TensorEdge {
  std::string tensor;
  int producer = -1;           // layer index; -1: graph input
  std::vector<int> writers;    // every layer writing it: the producer, or a Concat view's input producers
  std::vector<int> consumers;  // layer indices
  bool graph_output = false;
  int64_t features = 0;        // real width
  int element_bytes = 1;
  int64_t rows_per_sample = 1; // rows of one sample: T for a token sequence [batch, T, features]
};

void order_add(std::vector<std::string>& order, const std::string& t) {
  if (std::find(order.begin(), order.end(), t) == order.end()) order.push_back(t);
}

// Elements per row of `t` as layer `l` reads it: a dense layer's input features; a tensor-op layer's
// per-sample elements of that input over its rows per sample (token rows, else 1).
int64_t read_features(const LayerDesign& l, const std::string& t) {
  if (!l.is_tensor_op()) return l.in_features;
  const auto ins = l.input_tensors();
  return tensor_op_layout::row_elements(
      l, tensor_op_layout::input_elements(l, static_cast<size_t>(std::find(ins.begin(), ins.end(), t) - ins.begin())));
}

// The rows per sample of an edge: every layer on it agrees (conv layers keep whole samples per row;
// tensor-op layers on token tensors take the token rows).
int64_t edge_rows_per_sample(const TensorEdge& e, const Design& d) {
  std::vector<int> layers = e.consumers;
  if (e.producer >= 0) layers.insert(layers.begin(), e.producer);
  const LayerDesign& first = d.layers[layers.front()];
  const bool tokens = std::any_of(layers.begin(), layers.end(), [&](int i) { return d.layers[i].rows_per_sample > 1; });
  for (int i : layers) {
    const LayerDesign& l = d.layers[i];
    if (l.rows_per_sample == first.rows_per_sample && !(tokens && l.is_conv())) continue;
    throw InputError(fmt::format("tensor '{}': layer '{}' reads or writes it as {} rows per sample but layer '{}' as {}{}; "
                                 "a tensor between layers keeps its row layout",
                                 e.tensor, first.name, first.rows_per_sample, l.name, l.rows_per_sample,
                                 l.is_conv() ? " (conv layers take whole samples)" : ""));
  }
  return first.rows_per_sample;
}

std::vector<TensorEdge> tensor_edges(const Design& d, const Model& m) {
  std::vector<std::string> order;
  for (auto& l : d.layers) {
    for (auto& t : l.input_tensors()) order_add(order, t);
    order_add(order, l.written_tensor());
  }
  std::vector<TensorEdge> edges;
  const auto views = array_views(m);  // layout ops the array realises (conv outputs read through them)
  const auto tensor_ops = tensor_op_region(m);  // tensor-op layers and the unary ops fused into them
  const auto channel = channel_views(m);        // Slice / Concat views (read and written by layers)
  for (auto& t : order) {
    TensorEdge e;
    e.tensor = t;
    // Leaves the array: a model output, or read by an op the host runs after the layers.
    e.graph_output = std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end() ||
                     std::any_of(m.ops.begin(), m.ops.end(), [&](const Op& op) {
                       return op.kind != OpKind::Dense && op.kind != OpKind::Conv && !views.count(op.name) &&
                              !tensor_ops.layers.count(op.name) && !tensor_ops.fused.count(op.name) &&
                              !channel.ops.count(op.name) &&
                              std::find(op.inputs.begin(), op.inputs.end(), t) != op.inputs.end();
                     });
    for (int i = 0; i < static_cast<int>(d.layers.size()); ++i) {
      const auto& l = d.layers[i];
      if (l.written_tensor() == t) {
        if (e.producer < 0) e.producer = i;
        e.writers.push_back(i);
        // a conv writes positions x channels per sample, a tensor op its rows
        e.features = l.is_tensor_op() ? tensor_op_layout::row_elements(l, l.out_features) : conv_layout::output_elements(l);
        if (l.output_view)  // whole rows of the Concat's output: positions x its channels
          e.features = e.features / l.output_view->channels.size() * l.output_view->row_channels;
        if (l.output_bytes != d.layers[e.producer].output_bytes)
          throw InputError(fmt::format("tensor '{}': layers '{}' and '{}' write it with different element sizes", t,
                                       d.layers[e.producer].name, l.name));
        e.element_bytes = l.output_bytes;
      }
      if (l.reads(t)) e.consumers.push_back(i);
    }
    if (e.producer < 0) {  // enters the array: a graph input, or made by a host op before the layers
      const auto& first = d.layers[e.consumers.front()];
      e.features = read_features(first, t);
      e.element_bytes = first.input_bytes;
    }
    for (int c : e.consumers)
      if (d.layers[c].input_bytes != e.element_bytes)
        throw InputError(fmt::format("tensor '{}': layer '{}' reads it as {}-byte elements but it holds {}-byte ones", t,
                                     d.layers[c].name, d.layers[c].input_bytes, e.element_bytes));
    if (e.consumers.empty() && !e.graph_output)
      throw InputError(fmt::format("layer '{}': its output '{}' is neither used by another layer nor a graph output",
                                   d.layers[e.producer].name, t));
    e.rows_per_sample = edge_rows_per_sample(e, d);
    edges.push_back(std::move(e));
  }
  return edges;
}

// ---- resources ----

struct MemTileState {
  int64_t used_bytes = 0;
  std::vector<bool> s2mm, mm2s;  // channel taken
};

class Resources {
 public:
  Resources(const Device& d) : d_(d) {
    for (int r = 0; r < d.memory_tile_rows; ++r)
      for (int c = 0; c < d.columns; ++c)
        mem_[{c, r}] = {0, std::vector<bool>(d.memory_tile_dma.s2mm_channels),
                        std::vector<bool>(d.memory_tile_dma.mm2s_channels)};
    plio_in_.assign(d.columns, 0);
    plio_out_.assign(d.columns, 0);
  }

  // Memory tiles in order of preference for a buffer whose kernels centre on `col`.
  std::vector<TileCoord> memtiles_near(int col) const {
    std::vector<TileCoord> out;
    for (auto& [t, s] : mem_) out.push_back(t);
    std::sort(out.begin(), out.end(), [&](TileCoord a, TileCoord b) {
      return std::make_tuple(std::abs(a.col - col), -a.row, a.col) < std::make_tuple(std::abs(b.col - col), -b.row, b.col);
    });
    return out;
  }

  // Reserve `writers` S2MM and `readers` MM2S channels for a buffer homed at `home`; the channels
  // (tile, index) in port order, or nullopt (nothing reserved) when they are not available.
  std::optional<std::pair<std::vector<std::pair<TileCoord, int>>, std::vector<std::pair<TileCoord, int>>>> reserve(
      TileCoord home, int64_t bytes, int writers, int readers) {
    if (mem_.at(home).used_bytes + bytes > d_.memory_tile_bytes) return std::nullopt;
    auto saved = mem_;
    auto w = take(home, writers, true);
    auto r = take(home, readers, false);
    if (!w || !r) {
      mem_ = saved;
      return std::nullopt;
    }
    mem_.at(home).used_bytes += bytes;
    return std::make_pair(*w, *r);
  }

  // A PLIO column near `col` with `channels` free interface channels in the given direction.
  std::optional<int> plio_column(int col, int channels, bool to_aie) {
    std::vector<int> cols = d_.plio_columns;
    std::sort(cols.begin(), cols.end(), [&](int a, int b) {
      return std::make_pair(std::abs(a - col), a) < std::make_pair(std::abs(b - col), b);
    });
    auto& used = to_aie ? plio_in_ : plio_out_;
    const int limit = to_aie ? d_.pl_to_aie_channels_per_column : d_.aie_to_pl_channels_per_column;
    for (int c : cols)
      if (used[c] + channels <= limit) {
        used[c] += channels;
        return c;
      }
    return std::nullopt;
  }

  int next_tile_channel(TileCoord t, bool s2mm) { return (s2mm ? tile_s2mm_ : tile_mm2s_)[t]++; }

 private:
  // Channels for `n` ports: the home tile's own channels, those that cannot reach neighbours first,
  // then the neighbours' neighbour-capable channels (west, then east).
  std::optional<std::vector<std::pair<TileCoord, int>>> take(TileCoord home, int n, bool s2mm) {
    std::vector<std::pair<TileCoord, int>> order;
    auto& own = s2mm ? mem_.at(home).s2mm : mem_.at(home).mm2s;
    for (int ch = static_cast<int>(own.size()) - 1; ch >= 0; --ch) order.emplace_back(home, ch);
    for (int dc : {-1, +1}) {
      const TileCoord nb{home.col + dc, home.row};
      if (!mem_.count(nb)) continue;
      for (int ch = d_.memory_tile_neighbour_channels - 1; ch >= 0; --ch) order.emplace_back(nb, ch);
    }
    std::vector<std::pair<TileCoord, int>> got;
    for (auto& [t, ch] : order) {
      if (static_cast<int>(got.size()) == n) break;
      auto& flags = s2mm ? mem_.at(t).s2mm : mem_.at(t).mm2s;
      if (flags[ch]) continue;
      flags[ch] = true;
      got.emplace_back(t, ch);
    }
    if (static_cast<int>(got.size()) < n) return std::nullopt;
    return got;
  }

  const Device& d_;
  std::map<TileCoord, MemTileState> mem_;
  std::vector<int> plio_in_, plio_out_;
  std::map<TileCoord, int> tile_s2mm_, tile_mm2s_;
};

// ---- ports before sharding ----

enum class PortKind { LayerWriter, LayerReader, PlioWriter, PlioReader };

struct PortPlan {
  PortKind kind;
  int layer = -1, index = 0;  // layer and chain (writers) or position (readers)
  Range range;                // absolute features
  int64_t tile_width = 1, tile_rows = 1, rows = 1;  // block shape and rows streamed
  std::optional<ChannelView> window;          // a channel-view port: these channels of every row
};

struct EdgePorts {
  std::vector<PortPlan> writers, readers;
  int64_t buffer_features = 0, buffer_rows = 0;
  int64_t word_elements = 1;  // PLIO word in elements
};

EdgePorts edge_ports(const TensorEdge& e, const Design& d, int64_t batch, int64_t word_elements) {
  EdgePorts p;
  p.word_elements = word_elements;
  const int64_t io_rows = batch * e.rows_per_sample;  // rows a PLIO streams per batch
  const int64_t io_row = round_up(e.features, word_elements);
  if (e.producer >= 0) {
    const auto& l = d.layers[e.producer];
    if (l.is_conv() || l.is_tensor_op()) {  // one kernel writes whole samples (conv_layout.h, tensor_op_layout.h)
      for (int w : e.writers) {  // several: the inputs of a Concat view, each its channels of every row
        const auto& lw = d.layers[w];
        // a conv: one position per block; a tensor op: its rows; a Concat view's writer: its channels
        const int64_t width = lw.is_tensor_op() && !lw.output_view ? e.features : lw.out_features;
        p.writers.push_back({PortKind::LayerWriter, w, 0, {0, e.features}, width, 1, batch * e.rows_per_sample, lw.output_view});
      }
      p.buffer_features = e.features;
      p.buffer_rows = batch * e.rows_per_sample;
    } else {
      for (int c = 0; c < l.cas_num; ++c)
        p.writers.push_back({PortKind::LayerWriter, e.producer, c, {c * l.n_slice, (c + 1) * l.n_slice}, l.tile_n,
                             l.tile_m, l.batch_padded, std::nullopt});
      p.buffer_features = l.out_padded;
      p.buffer_rows = l.batch_padded;
    }
  } else {
    p.writers.push_back({PortKind::PlioWriter, -1, 0, {0, io_row}, word_elements, 1, io_rows, std::nullopt});
    p.buffer_features = io_row;
    p.buffer_rows = io_rows;
  }
  for (int q : e.consumers) {
    const auto& l = d.layers[q];
    if (l.is_conv() || l.is_tensor_op()) {  // every conv / tensor-op kernel reads whole samples (of token rows)
      const int64_t f = read_features(l, e.tensor), rows = batch * e.rows_per_sample;
      std::optional<ChannelView> window;  // a Slice view: its channels of every row of the whole tensor
      if (auto* v = l.input_view(e.tensor)) window = *v;
      for (int pos = 0; pos < l.cas_length; ++pos)
        p.readers.push_back({PortKind::LayerReader, q, pos, {0, window ? e.features : f}, f, 1, rows, window});
      p.buffer_features = std::max(p.buffer_features, f);
      p.buffer_rows = std::max(p.buffer_rows, rows);
      continue;
    }
    for (int pos = 0; pos < l.cas_length; ++pos)
      p.readers.push_back({PortKind::LayerReader, q, pos, {pos * l.k_slice, (pos + 1) * l.k_slice}, l.tile_k, l.tile_m,
                           l.batch_padded, std::nullopt});
    p.buffer_features = std::max(p.buffer_features, l.in_padded);
    p.buffer_rows = std::max(p.buffer_rows, l.batch_padded);
  }

  if (e.graph_output) {
    p.readers.push_back({PortKind::PlioReader, -1, 0, {0, io_row}, word_elements, 1, io_rows, std::nullopt});
    p.buffer_features = std::max(p.buffer_features, io_row);
  }
  return p;
}

// Cut the feature axis into shards with at most max_w writers and max_r readers each. Cuts fall on port
// boundaries that are multiples of every tile width involved, so each port's part is whole blocks.
std::vector<Range> shard_ranges(const EdgePorts& p, const TensorEdge& e, const Device& d) {
  const int max_w = d.shared_buffer_max_writers, max_r = d.shared_buffer_max_readers;
  if (static_cast<int>(p.writers.size()) <= max_w && static_cast<int>(p.readers.size()) <= max_r)
    return {{0, p.buffer_features}};
  int64_t g = 1;
  for (auto* list : {&p.writers, &p.readers})
    for (auto& port : *list) g = std::lcm(g, port.tile_width);
  std::set<int64_t> cuts{0, p.buffer_features};
  for (auto* list : {&p.writers, &p.readers})
    for (auto& port : *list)
      for (auto x : {port.range.begin, port.range.end})
        if (x % g == 0 && x < p.buffer_features) cuts.insert(x);
  auto count = [](const std::vector<PortPlan>& ports, Range r) {
    return static_cast<int>(std::count_if(ports.begin(), ports.end(), [&](const PortPlan& q) {
      return q.range.begin < r.end && r.begin < q.range.end;
    }));
  };
  std::vector<int64_t> xs(cuts.begin(), cuts.end());
  std::vector<Range> shards;
  Range cur{xs[0], xs[0]};
  for (size_t i = 1; i < xs.size(); ++i) {
    const Range piece{xs[i - 1], xs[i]};
    if (count(p.writers, piece) > max_w || count(p.readers, piece) > max_r)
      throw InputError(fmt::format(
          "tensor '{}': features [{}, {}) are written by {} ports and read by {}; a memory-tile shared buffer on {} "
          "takes at most {} writers and {} readers and cannot be cut finer there (tile widths align to {})",
          e.tensor, piece.begin, piece.end, count(p.writers, piece), count(p.readers, piece), d.name, max_w, max_r, g));
    const Range grown{cur.begin, piece.end};
    if (cur.size() > 0 && (count(p.writers, grown) > max_w || count(p.readers, grown) > max_r)) {
      shards.push_back(cur);
      cur = piece;
    } else {
      cur = grown;
    }
  }
  shards.push_back(cur);
  return shards;
}

// ---- tiling parameters ----

// Walk [range) of a [features, rows] buffer in blocks of width x block_rows, block column fastest.
TilingParams block_walk(const std::vector<int64_t>& dim, Range local, int64_t width, int64_t block_rows, int64_t rows,
                        std::vector<int64_t> boundary) {
  TilingParams t;
  t.buffer_dimension = dim;
  t.tiling_dimension = {width, block_rows};
  t.offset = {local.begin, 0};
  t.tile_traversal = {{0, width, local.size() / width}, {1, block_rows, rows / block_rows}};
  t.boundary_dimension = std::move(boundary);
  return t;
}

// Channels [v.channels) of every row of `v.row_channels` channels (positions rows per sample, `rows` samples):
// one tile of the window's width per row, rows of the buffer's feature axis one after the other.
TilingParams channel_walk(const std::vector<int64_t>& dim, const ChannelView& v, int64_t positions, int64_t rows,
                          std::vector<int64_t> boundary) {
  TilingParams t;
  t.buffer_dimension = dim;
  t.tiling_dimension = {v.channels.size(), 1};
  t.offset = {v.channels.begin, 0};
  t.tile_traversal = {{0, v.row_channels, positions}, {1, 1, rows}};
  t.boundary_dimension = std::move(boundary);
  return t;
}

// ---- building shared buffers ----

struct Planner {
  Design& d;
  const Model& m;
  const Device& dev;
  Resources res;
  int plio_width;
  double plio_mhz;
  std::set<std::string> names{};  // buffer and PLIO names taken so far

  // `base`, or base_2, base_3, ... when two tensors sanitise to the same identifier.
  std::string unique(const std::string& base) {
    std::string n = base;
    for (int i = 2; !names.insert(n).second; ++i) n = fmt::format("{}_{}", base, i);
    return n;
  }

  std::string plio_name(const std::string& dir, const TensorEdge& e, size_t shard, size_t shards) const {
    return fmt::format("{}_{}{}", dir, sanitize(e.tensor), shards > 1 ? fmt::format("_s{}", shard) : "");
  }

  void add_cascades() {
    for (auto& l : d.layers)
      for (int c = 0; c < l.cas_num; ++c)
        for (int p = 0; p + 1 < l.cas_length; ++p) d.cascades.push_back({l.kernel(c, p).name, l.kernel(c, p + 1).name});
  }

  bool direct_possible(const TensorEdge& e) const {
    if (e.producer < 0 || e.graph_output || e.consumers.size() != 1) return false;
    const auto& p = d.layers[e.producer];
    const auto& q = d.layers[e.consumers[0]];
    if (p.is_conv() || q.is_conv() || p.is_tensor_op() || q.is_tensor_op()) return false;  // via a memory tile
    return p.cas_num == 1 && q.cas_length == 1 && q.cas_num == 1 && p.out_padded == q.in_padded &&
           p.tile_n == q.tile_k && p.tile_m == q.tile_m && p.batch_padded == q.batch_padded &&
           p.output_bytes == q.input_bytes;
  }

  // Can the core at `reader` reach the data memory of `home`?
  bool reaches(TileCoord reader, TileCoord home) const {
    const auto& a = dev.memory_access;
    if (home == reader) return a.own;
    if (home.row == reader.row && home.col == reader.col - 1) return a.west;
    if (home.row == reader.row && home.col == reader.col + 1) return a.east;
    if (home.col == reader.col && home.row == reader.row + 1) return a.north;
    if (home.col == reader.col && home.row == reader.row - 1) return a.south;
    return false;
  }

  void add_direct(const TensorEdge& e) {
    const auto& p = d.layers[e.producer];
    const auto& q = d.layers[e.consumers[0]];
    const auto& pk = p.kernel(0, p.cas_length - 1);
    const auto& qk = q.kernel(0, 0);
    DirectBuffer b;
    b.name = unique("db_" + sanitize(e.tensor));
    b.tensor = e.tensor;
    b.producer = pk.name;
    b.consumer = qk.name;
    b.bytes = p.batch_padded * p.n_slice * p.output_bytes;
    b.home = pk.tile;
    if (reaches(qk.tile, pk.tile)) {
      b.mode = "shared_memory";
    } else {
      b.mode = "dma";
      b.producer_channel = res.next_tile_channel(pk.tile, false);
      b.consumer_channel = res.next_tile_channel(qk.tile, true);
    }
    d.direct_buffers.push_back(std::move(b));
  }

  int ideal_column(const std::vector<PortPlan>& ports) const {
    std::vector<int> cols;
    for (auto& p : ports) {
      if (p.layer < 0) continue;
      const auto& l = d.layers[p.layer];
      cols.push_back(p.kind == PortKind::LayerWriter ? l.origin.col + l.cas_length - 1 : l.origin.col + p.index);
    }
    if (cols.empty()) return 0;
    std::sort(cols.begin(), cols.end());
    return cols[(cols.size() - 1) / 2];
  }

  void add_shared(const TensorEdge& e) {
    const int64_t word = std::max<int64_t>(1, plio_width / 8 / e.element_bytes);
    const auto ports = edge_ports(e, d, d.batch, word);
    const auto shards = shard_ranges(ports, e, dev);
    const auto has_window = [](const std::vector<PortPlan>& list) {
      return std::any_of(list.begin(), list.end(), [](const PortPlan& q) { return q.window.has_value(); });
    };
    if (shards.size() > 1 && (has_window(ports.writers) || has_window(ports.readers)))
      throw InputError(fmt::format("tensor '{}': its channel views need more memory-tile ports than one shared buffer has "
                                   "({} writers, {} readers)", e.tensor, ports.writers.size(), ports.readers.size()));
    if (shards.size() > 1 && e.producer >= 0 && (d.layers[e.producer].is_conv() || d.layers[e.producer].is_tensor_op()))
      throw InputError(fmt::format("tensor '{}': the output of conv '{}' needs more memory-tile ports than one shared "
                                   "buffer has ({} writers, {} readers); conv outputs are not sharded yet",
                                   e.tensor, d.layers[e.producer].name, ports.writers.size(), ports.readers.size()));
    for (size_t s = 0; s < shards.size(); ++s) add_shard(e, ports, shards[s], s, shards.size());
  }

  static Range clip(Range r, Range to) { return {std::max(r.begin, to.begin), std::min(r.end, to.end)}; }

  // What one shard needs to build its ports.
  struct ShardContext {
    const TensorEdge& e;
    Range shard;
    Range io_range;           // real features of the shard (what PLIO parts carry)
    int64_t io_row = 0;       // io_range padded to whole PLIO words
    std::string plio_in, plio_out;
    int64_t rows = 0;         // real rows per batch: batch x rows per sample
  };

  void add_writers(SharedBuffer& sb, const ShardContext& s, const std::vector<PortPlan>& writers) {
    for (size_t i = 0; i < writers.size(); ++i) {
      const auto& w = writers[i];
      SharedBufferPort port;
      port.name = fmt::format("w{}", i);
      port.feature_range = w.kind == PortKind::PlioWriter ? s.io_range : clip(w.range, s.shard);
      const Range local{port.feature_range.begin - s.shard.begin, port.feature_range.end - s.shard.begin};
      if (w.kind == PortKind::PlioWriter) {
        if (s.io_row == 0) continue;  // a shard of pure padding has no PLIO part
        port.access = block_walk(sb.dimension, {local.begin, local.begin + s.io_row}, s.io_row, s.rows, s.rows, {});
        port.source = Endpoint{"", s.plio_in, {}, -1};
      } else {
        const auto& l = d.layers[w.layer];
        const auto& k = l.kernel(w.index, l.cas_length - 1);
        if (w.window) {  // its channels of every row of a Concat view's output
          port.feature_range = w.window->channels;
          port.row_channels = w.window->row_channels;
          port.access = channel_walk(sb.dimension, *w.window, s.e.features / w.window->row_channels, w.rows, {});
        } else if (l.is_tensor_op()) {  // whole channels-last samples, one row per sample
          port.access = block_walk(sb.dimension, {local.begin, local.begin + w.tile_width}, w.tile_width, 1, w.rows, {});
        } else if (l.is_conv()) {  // rows of `channels` per output position, positions along the feature axis
          port.access = block_walk(sb.dimension, {local.begin, local.begin + w.tile_width}, w.tile_width, 1, w.rows, {});
          port.access.tile_traversal = {{0, l.out_features, conv_layout::out_positions(l)}, {1, 1, w.rows}};
        } else {
          port.access = block_walk(sb.dimension, local, w.tile_width, w.tile_rows, w.rows, {});
        }
        port.source = Endpoint{k.name, "", k.tile, res.next_tile_channel(k.tile, false)};
      }
      sb.writers.push_back(std::move(port));
    }
  }

  void add_readers(SharedBuffer& sb, const ShardContext& s, const std::vector<PortPlan>& readers) {
    const std::vector<int64_t> boundary{s.io_range.size(), s.rows};  // real features x real rows
    for (size_t i = 0; i < readers.size(); ++i) {
      const auto& r = readers[i];
      SharedBufferPort port;
      port.name = fmt::format("r{}", i);
      if (r.kind == PortKind::PlioReader) {
        if (s.io_row == 0) continue;
        port.feature_range = s.io_range;
        const int64_t at = s.io_range.begin - s.shard.begin;
        port.access = block_walk(sb.dimension, {at, at + s.io_row}, s.io_row, s.rows, s.rows, boundary);
        port.destinations.push_back(Endpoint{"", s.plio_out, {}, -1});
      } else {
        port.feature_range = clip(r.range, s.shard);
        const Range local{port.feature_range.begin - s.shard.begin, port.feature_range.end - s.shard.begin};
        port.access = block_walk(sb.dimension, local, r.tile_width, r.tile_rows, r.rows, boundary);
        if (r.window) {  // a Slice view: its channels of every row
          port.feature_range = r.window->channels;
          port.row_channels = r.window->row_channels;
          port.access = channel_walk(sb.dimension, *r.window, s.e.features / r.window->row_channels, r.rows, boundary);
        }
        const auto& l = d.layers[r.layer];
        if (conv_layout::is_memtile_im2col(l)) port.access = patch_reader_access(sb, l, r);
        for (int c = 0; c < l.cas_num; ++c) {  // broadcast to every chain of the column
          const auto& k = l.kernel(c, r.index);
          port.destinations.push_back(Endpoint{k.name, "", k.tile, res.next_tile_channel(k.tile, true)});
        }
      }
      sb.readers.push_back(std::move(port));
    }
  }

  bool read_by_memtile_conv(const EdgePorts& ports) const {
    return std::any_of(ports.readers.begin(), ports.readers.end(), [&](const PortPlan& r) {
      return r.kind == PortKind::LayerReader && conv_layout::is_memtile_im2col(d.layers[r.layer]);
    });
  }

  // A memory-tile im2col conv's reader: the patch walk (design/conv_memtile.h) over the buffer seen as
  // {CI, IW, IH, rows}, which needs the buffer's rows to be exactly the conv's channels-last samples.
  TilingParams patch_reader_access(const SharedBuffer& sb, const LayerDesign& l, const PortPlan& r) const {
    if (r.window || sb.feature_offset != 0 || sb.dimension.at(0) != l.in_features)
      throw InputError(fmt::format("layer '{}': ConvKernel memtile_im2col: the memory tile can walk the patches only "
                                   "of a buffer that holds whole samples of {} elements (the shared buffer of '{}' has "
                                   "rows of {} from feature {}{})",
                                   l.name, l.in_features, sb.tensor, sb.dimension.at(0), sb.feature_offset,
                                   r.window ? ", read through a channel view" : ""));
    return conv_memtile::patch_access(l.conv, l.tile_k, d.batch, sb.dimension.at(1));
  }

  void add_shard(const TensorEdge& e, const EdgePorts& ports, Range shard, size_t index, size_t count) {
    const int64_t real_local = std::clamp<int64_t>(e.features - shard.begin, 0, shard.size());
    const ShardContext s{e,
                         shard,
                         {shard.begin, shard.begin + real_local},
                         round_up(real_local, ports.word_elements),
                         unique(plio_name("in", e, index, count)),
                         unique(plio_name("out", e, index, count)),
                         d.batch * e.rows_per_sample};

    SharedBuffer sb;
    sb.name = unique(fmt::format("sb_{}{}", sanitize(e.tensor), count > 1 ? fmt::format("_s{}", index) : ""));
    sb.tensor = e.tensor;
    sb.feature_offset = shard.begin;
    sb.element_bytes = e.element_bytes;
    sb.num_buffers = 2;
    sb.dimension = {std::max(shard.size(), s.io_row), ports.buffer_rows};
    // A memory-tile im2col conv walks whole samples (rows of exactly IH x IW x CI elements, whole DMA words
    // by its own limits): without a PLIO part the rows need no rounding to PLIO words.
    if (e.producer >= 0 && !e.graph_output && read_by_memtile_conv(ports)) sb.dimension[0] = shard.size();

    std::vector<PortPlan> writers, readers;
    for (auto& w : ports.writers)
      if (clip(w.range, shard).size() > 0) writers.push_back(w);
    for (auto& r : ports.readers)
      if (clip(r.range, shard).size() > 0) readers.push_back(r);
    sb.producer = e.producer >= 0 ? d.layers[e.producer].name : "plio:" + s.plio_in;
    for (int q : e.consumers)
      if (std::any_of(readers.begin(), readers.end(), [&](auto& r) { return r.layer == q; }))
        sb.consumers.push_back(d.layers[q].name);
    if (e.graph_output && s.io_row > 0) sb.consumers.push_back("plio:" + s.plio_out);

    add_writers(sb, s, writers);
    add_readers(sb, s, readers);
    home_and_channels(sb, e, writers, readers);
    add_plio(sb, e, s.plio_in, s.plio_out, s.io_range, s.io_row);
    d.shared_buffers.push_back(std::move(sb));
  }

  void home_and_channels(SharedBuffer& sb, const TensorEdge& e, const std::vector<PortPlan>& writers,
                         const std::vector<PortPlan>& readers) {
    std::vector<PortPlan> all = writers;
    all.insert(all.end(), readers.begin(), readers.end());
    for (auto home : res.memtiles_near(ideal_column(all))) {
      auto got = res.reserve(home, sb.bytes(), static_cast<int>(sb.writers.size()), static_cast<int>(sb.readers.size()));
      if (!got) continue;
      sb.location = home;
      for (size_t i = 0; i < sb.writers.size(); ++i) std::tie(sb.writers[i].dma_tile, sb.writers[i].dma_channel) = got->first[i];
      for (size_t i = 0; i < sb.readers.size(); ++i) std::tie(sb.readers[i].dma_tile, sb.readers[i].dma_channel) = got->second[i];
      return;
    }
    throw InputError(fmt::format(
        "tensor '{}': no memory tile on {} has room for a {}-byte double-buffered shared buffer with {} writer and {} "
        "reader DMA channels left",
        e.tensor, dev.name, sb.bytes(), sb.writers.size(), sb.readers.size()));
  }

  void add_plio(SharedBuffer& sb, const TensorEdge& e, const std::string& in_name, const std::string& out_name,
                Range io_range, int64_t io_row) {
    if (io_row == 0) return;
    auto make = [&](const std::string& name, const std::string& dir) {
      const int channels = dev.plio_channels(plio_width);
      auto col = res.plio_column(sb.location.col, channels, dir == "in");
      if (!col)
        throw InputError(fmt::format("tensor '{}': no shim column of {} has {} free {} interface channels for PLIO '{}'",
                                     e.tensor, dev.name, channels, dir == "in" ? "PL->AIE" : "AIE->PL", name));
      d.plio.push_back({name, dir, e.tensor, plio_width, plio_mhz, *col, channels, io_range, io_row,
                        d.batch * e.rows_per_sample, e.element_bytes * 8, e.rows_per_sample});
      return *col;
    };
    for (auto& w : sb.writers)
      if (w.source && w.source->plio == in_name) w.source->tile = {make(in_name, "in"), -1};
    for (auto& r : sb.readers)
      for (auto& dst : r.destinations)
        if (dst.plio == out_name) dst.tile = {make(out_name, "out"), -1};
  }
};

}  // namespace

void plan_transport(Design& design, const Model& model, const Device& device, const TransportOptions& options) {
  const int width = options.plio_width_bits ? options.plio_width_bits : device.plio_default_width_bits;
  if (std::find(device.plio_widths_bits.begin(), device.plio_widths_bits.end(), width) == device.plio_widths_bits.end())
    throw InputError(fmt::format("PLIO width {} bits is not supported by {}", width, device.name));
  const double mhz = options.pl_clock_mhz > 0 ? options.pl_clock_mhz : device.pl_clock_mhz;
  if (mhz > device.pl_clock_max_mhz)
    throw InputError(fmt::format("PL clock {} MHz exceeds the {} MHz limit of {}", mhz, device.pl_clock_max_mhz, device.name));
  design.cascades.clear();
  design.direct_buffers.clear();
  design.shared_buffers.clear();
  design.plio.clear();
  Planner p{design, model, device, Resources(device), width, mhz};
  p.add_cascades();
  for (auto& e : tensor_edges(design, model)) {
    if (p.direct_possible(e))
      p.add_direct(e);
    else
      p.add_shared(e);
  }
}

}  // namespace aie4ml
