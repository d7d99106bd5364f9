// Partition pass (see partition.h for what it reads, writes and checks, and how it chooses).
#include "passes/partition.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "device/kernel_library.h"
#include "passes/allocate_buffers.h"
#include "passes/channel_views.h"
#include "passes/fuse_output_activation.h"
#include "passes/partition_conv.h"
#include "passes/partition_tensor_ops.h"
#include "passes/split_heads.h"
#include "support/error.h"

namespace aie4ml {

namespace {

// Attention ops the config keeps in one kernel (LayerName.<op>.ParallelHeads false; split_heads.h).
std::set<std::string> one_kernel_heads(const Config& config) {
  std::set<std::string> out;
  for (auto& [name, l] : config.layers)
    if (l.parallel_heads && !*l.parallel_heads) out.insert(name);
  return out;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// ---- layer shapes and types ----

struct Operand {
  std::string family;  // "int8", "int16", "bf16"
  int bytes = 1;
};

Operand operand(const Tensor& t, const std::string& layer, const std::string& role, int max_fixed_bits) {
  if (t.type.kind == ScalarKind::BFloat16) return {"bf16", 2};
  if (t.type.kind == ScalarKind::Float32)
    throw InputError(fmt::format("layer '{}': {} tensor '{}' is float32; aie4ml maps fixed-point or bf16 layers "
                                 "(give the layer a Precision in the config)",
                                 layer, role, t.name));
  const int w = t.type.fixed.width;
  if (w <= 8) return {"int8", 1};
  if (w <= 16) return {"int16", 2};
  if (w <= 32 && max_fixed_bits >= 32) return {"int32", 4};
  throw InputError(fmt::format("layer '{}': {} tensor '{}' has type {} ({} bits); AIE-ML dense kernels take at most "
                               "{}-bit {}s",
                               layer, role, t.name, t.type.str(), w, max_fixed_bits, role));
}

std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "l_" + out;
  return out;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::vector<std::string> parts;
  for (auto d : s) parts.push_back(d == kBatch ? "batch" : std::to_string(d));
  return "[" + fmt::format("{}", fmt::join(parts, ", ")) + "]";
}

std::string tiling_str(const MmulShape& t) { return fmt::format("[{},{},{}]", t[0], t[1], t[2]); }

// ---- candidates ----

// Slice alignment in elements: whole 2 x tile blocks (the kernel's 2x2 blocked schedule), 16-byte vector
// lanes and 4-byte stream words.
int64_t slice_alignment(int tile, int bytes) {
  const int64_t lanes = std::max(1, 16 / bytes), words = std::max(1, 4 / bytes);
  return std::lcm(std::lcm(static_cast<int64_t>(2 * tile), lanes), words);
}

// ---- band dynamic programme ----

struct Score {
  double agg = 0, sum = 0;
  int tiles = 0;
};

struct ScoreOps {
  CostAggregate aggregate;
  double penalty;
  Score combine(const Score& a, const Score& b) const {
    return {aggregate == CostAggregate::Sum ? a.agg + b.agg : std::max(a.agg, b.agg), a.sum + b.sum, a.tiles + b.tiles};
  }
  double key(const Score& s) const { return s.agg + penalty * s.tiles; }
  bool less(const Score& a, const Score& b) const {
    if (key(a) != key(b)) return key(a) < key(b);
    if (a.sum != b.sum) return a.sum < b.sum;
    return a.tiles < b.tiles;
  }
};

struct ScoredCandidate {
  LayerCandidate c;
  double cost;
};

// best[W][h]: cheapest candidate of a layer no wider than W and exactly h high (index or -1).
using BestTable = std::vector<std::vector<int>>;

BestTable best_table(const std::vector<ScoredCandidate>& cands, int cols, int rows, const ScoreOps& ops) {
  BestTable t(cols + 1, std::vector<int>(rows + 1, -1));
  for (int W = 1; W <= cols; ++W)
    for (int i = 0; i < static_cast<int>(cands.size()); ++i) {
      const auto& c = cands[i];
      if (c.c.cas_length > W || c.c.cas_num > rows) continue;
      int& slot = t[W][c.c.cas_num];
      const Score s{c.cost, c.cost, c.c.tiles()}, cur = slot < 0 ? Score{} : Score{cands[slot].cost, cands[slot].cost,
                                                                                   cands[slot].c.tiles()};
      if (slot < 0 || ops.less(s, cur)) slot = i;
    }
  return t;
}

struct BandProblem {
  const std::vector<std::vector<ScoredCandidate>>& cands;  // per free layer
  const std::vector<BestTable>& best;
  int rows;
  const ScoreOps& ops;
};

// Stack layers [i, j) in one band of width W: the cheapest height assignment. Returns the score and each
// layer's candidate index; nullopt when they cannot all fit. Iteration order is fixed so that the result
// is the same whether computed incrementally (solve) or again for reconstruction.
struct BandSolution {
  Score score;
  std::vector<int> choice;
};

std::optional<BandSolution> solve_band(const BandProblem& p, int i, int j, int W) {
  const int rows = p.rows;
  std::vector<std::vector<std::optional<Score>>> knap(j - i + 1, std::vector<std::optional<Score>>(rows + 1));
  std::vector<std::vector<int>> from_h(j - i + 1, std::vector<int>(rows + 1, -1));
  knap[0][0] = Score{};
  for (int l = i; l < j; ++l) {
    const int s = l - i;
    for (int h = 0; h <= rows; ++h) {
      if (!knap[s][h]) continue;
      for (int hl = 1; h + hl <= rows; ++hl) {
        const int ci = p.best[l][W][hl];
        if (ci < 0) continue;
        const auto& c = p.cands[l][ci];
        const Score next = p.ops.combine(*knap[s][h], Score{c.cost, c.cost, c.c.tiles()});
        auto& slot = knap[s + 1][h + hl];
        if (!slot || p.ops.less(next, *slot)) {
          slot = next;
          from_h[s + 1][h + hl] = h;
        }
      }
    }
  }
  int best_h = -1;
  for (int h = 1; h <= rows; ++h)
    if (knap[j - i][h] && (best_h < 0 || p.ops.less(*knap[j - i][h], *knap[j - i][best_h]))) best_h = h;
  if (best_h < 0) return std::nullopt;
  BandSolution sol{*knap[j - i][best_h], std::vector<int>(j - i)};
  for (int s = j - i, h = best_h; s > 0; --s) {
    const int prev = from_h[s][h];
    sol.choice[s - 1] = p.best[i + s - 1][W][h - prev];
    h = prev;
  }
  return sol;
}

struct Band {
  int first, last, width;  // free-layer indices [first, last)
};

struct LayoutSolution {
  Score score;
  std::vector<int> choice;  // per free layer
  std::vector<Band> bands;
};

std::optional<LayoutSolution> solve_layout(const BandProblem& p, int n, int cols) {
  struct Back {
    int i = -1, c = -1, W = -1;
  };
  // Band scores do not depend on where the band starts: compute each (first layer, width, end) once.
  std::vector<std::vector<std::vector<std::optional<Score>>>> band(
      n, std::vector<std::vector<std::optional<Score>>>(cols + 1, std::vector<std::optional<Score>>(p.rows + 1)));
  for (int i = 0; i < n; ++i)
    for (int W = 1; W <= cols; ++W)
      for (int len = 1; len <= p.rows && i + len <= n; ++len) {
        auto b = solve_band(p, i, i + len, W);
        if (!b) break;  // a longer band of the same width cannot fit either
        band[i][W][len] = b->score;
      }
  std::vector<std::vector<std::optional<Score>>> f(n + 1, std::vector<std::optional<Score>>(cols + 1));
  std::vector<std::vector<Back>> back(n + 1, std::vector<Back>(cols + 1));
  f[0][0] = Score{};
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < cols; ++c) {
      if (!f[i][c]) continue;
      for (int W = 1; c + W <= cols; ++W)
        for (int len = 1; len <= p.rows && i + len <= n; ++len) {
          if (!band[i][W][len]) break;
          const Score s = p.ops.combine(*f[i][c], *band[i][W][len]);
          auto& slot = f[i + len][c + W];
          if (!slot || p.ops.less(s, *slot)) {
            slot = s;
            back[i + len][c + W] = {i, c, W};
          }
        }
    }
  int best_c = -1;
  for (int c = 0; c <= cols; ++c)
    if (f[n][c] && (best_c < 0 || p.ops.less(*f[n][c], *f[n][best_c]))) best_c = c;
  if (best_c < 0) return std::nullopt;
  LayoutSolution sol{*f[n][best_c], std::vector<int>(n), {}};
  for (int j = n, c = best_c; j > 0;) {
    const Back b = back[j][c];
    const auto band = solve_band(p, b.i, j, b.W);
    std::copy(band->choice.begin(), band->choice.end(), sol.choice.begin() + b.i);
    sol.bands.insert(sol.bands.begin(), Band{b.i, j, b.W});
    j = b.i;
    c = b.c;
  }
  return sol;
}

// ---- overrides ----

void check_override_ranges(const LayerShape& s, const LayerConfig& o, const Device& d) {
  if (o.cascade_length && *o.cascade_length > d.columns)
    throw InputError(fmt::format("layer '{}': CascadeLength {} exceeds the {} columns of {}", s.name,
                                 *o.cascade_length, d.columns, d.name));
  if (o.cascade_num && *o.cascade_num > d.compute_rows)
    throw InputError(fmt::format("layer '{}': CascadeNum {} exceeds the {} compute rows of {}", s.name, *o.cascade_num,
                                 d.compute_rows, d.name));
  if (o.cascade_num && *o.cascade_num != 1 && s.one_chain)
    throw InputError(fmt::format("layer '{}': CascadeNum {}: its activation epilogue (Sigmoid, Tanh, Clip, "
                                 "LeakyRelu) needs the whole row on one kernel (CascadeNum 1)", s.name, *o.cascade_num));
  if (o.tiling) {
    const auto& shapes = s.tilings;
    if (std::find(shapes.begin(), shapes.end(), *o.tiling) == shapes.end()) {
      std::vector<std::string> names;
      for (auto& t : shapes) names.push_back(tiling_str(t));
      throw InputError(fmt::format("layer '{}': Tiling {} is not an mmul shape that {} and the dense kernels support for "
                                   "{} (supported: {})",
                                   s.name, tiling_str(*o.tiling), d.name, s.type_pair, fmt::join(names, ", ")));
    }
  }
}

int64_t min_tiles_for_weights(const LayerShape& s, const Device& d) {
  return ceil_div(s.in_features * s.out_features * s.weight_bytes, d.bank_bytes());
}

// The message when a layer has no legal candidate: the limit that the most parallel try breaks.
[[noreturn]] void fail_no_candidate(const LayerShape& s, const LayerConfig* o, const Device& d) {
  const bool fixed_l = o && o->cascade_length, fixed_c = o && o->cascade_num;
  const int L = fixed_l ? *o->cascade_length : std::min(d.max_cascade_length, d.columns);
  const int C = fixed_c ? *o->cascade_num : std::min(d.max_cascade_num, d.compute_rows);
  const MmulShape t = o && o->tiling ? *o->tiling : s.default_tiling;
  // Prefer the reason of the most parallel try; fall back to any try's reason.
  std::string why;
  for (int l = L; l >= 1 && why.empty(); l = fixed_l ? 0 : l - 1)
    for (int c = C; c >= 1 && why.empty(); c = fixed_c ? 0 : c - 1)
      if (auto v = candidate_violation(make_candidate(s, l, c, t, d), d)) why = fmt::format("{} x {}: {}", l, c, *v);
  std::vector<std::string> fixed;
  if (fixed_l) fixed.push_back(fmt::format("CascadeLength {}", L));
  if (fixed_c) fixed.push_back(fmt::format("CascadeNum {}", C));
  if (o && o->tiling) fixed.push_back(fmt::format("Tiling {}", tiling_str(t)));
  if (fixed_l && fixed_c)
    throw InputError(fmt::format("layer '{}': CascadeLength {} x CascadeNum {} is not legal on {}: {}", s.name, L, C,
                                 d.name, why.substr(why.find(':') + 2)));
  throw InputError(fmt::format(
      "layer '{}' ({} x {} {}, {} bytes of weights) has no legal partition{} on {}: it needs at least {} tiles at {} "
      "bytes of weights per tile, and with cas_length <= {} and cas_num <= {} the best try, {}",
      s.name, s.in_features, s.out_features, s.type_pair, s.in_features * s.out_features * s.weight_bytes,
      fixed.empty() ? "" : fmt::format(" with {}", fmt::join(fixed, ", ")), d.name, min_tiles_for_weights(s, d),
      d.bank_bytes(), L, C, why));
}

void check_fixed_placement(const LayerShape& s, const LayerCandidate& c, TileCoord at, const Device& d) {
  if (at.col + c.cas_length > d.columns || at.row + c.cas_num > d.compute_rows)
    throw InputError(fmt::format(
        "layer '{}': Placement [{},{}] puts its {} x {} kernels (columns {}-{}, rows {}-{}) outside the {} x {} array of {}",
        s.name, at.col, at.row, c.cas_length, c.cas_num, at.col, at.col + c.cas_length - 1, at.row,
        at.row + c.cas_num - 1, d.columns, d.compute_rows, d.name));
}

// ---- building the Design layers ----

LayerDesign lower_layer(const Op& op, const Model& model, const LayerCandidate& c, double cost,
                        const std::string& kernel_prefix) {
  LayerDesign l;
  l.name = op.name;
  l.op = std::string(to_string(op.kind));
  l.activation = op.get_string("activation", "linear");
  l.in_features = c.layer.in_features;
  l.out_features = c.layer.out_features;
  l.k_slice = c.k_slice;
  l.n_slice = c.n_slice;
  l.in_padded = c.k_padded();
  l.out_padded = c.n_padded();
  l.cas_length = c.cas_length;
  l.cas_num = c.cas_num;
  l.tile_m = c.tiling[0];
  l.tile_k = c.tiling[1];
  l.tile_n = c.tiling[2];
  l.batch_padded = c.batch_padded;
  if (op.kind != OpKind::Conv) l.rows_per_sample = dense_rows_per_sample(model, op);
  l.conv_chunk = c.conv_chunk;
  l.type_pair = c.layer.type_pair;
  l.input_tensor = op.inputs[0];
  l.weight_tensor = op.inputs[1];
  l.bias_tensor = op.inputs.size() > 2 ? op.inputs[2] : "";
  l.output_tensor = op.outputs[0];
  if (const Op* act = hidden_activation_of(model, op)) {  // a Sigmoid/Tanh between layers: its epilogue
    l.activation = *activation_name(act->kind);
    l.epilogue_table_bytes = epilogue_table_bytes(act->kind, model, *act);
    l.output_tensor = act->outputs[0];
  }
  l.input_type = model.tensor(l.input_tensor).type.str();
  l.weight_type = model.tensor(l.weight_tensor).type.str();
  l.output_type = model.tensor(l.output_tensor).type.str();
  l.input_bytes = c.layer.input_bytes;
  l.weight_bytes = c.layer.weight_bytes;
  l.output_bytes = c.layer.output_bytes;
  l.acc_bits = c.layer.acc_bits;
  l.bias_bytes = c.layer.bias_bytes;
  l.cost = cost;
  for (int chain = 0; chain < c.cas_num; ++chain)
    for (int pos = 0; pos < c.cas_length; ++pos) {
      KernelInstance k;
      k.name = fmt::format("{}_c{}_p{}", kernel_prefix, chain, pos);
      k.variant = c.cas_length == 1 ? "dense_single"
                  : pos == 0        ? "dense_first"
                  : pos == c.cas_length - 1 ? "dense_last"
                                            : "dense_middle";
      k.chain = chain;
      k.position = pos;
      k.k_range = {pos * c.k_slice, (pos + 1) * c.k_slice};
      k.n_range = {chain * c.n_slice, (chain + 1) * c.n_slice};
      k.cascade_in = pos > 0;
      k.cascade_out = pos < c.cas_length - 1;
      k.writes_output = pos == c.cas_length - 1;
      l.kernels.push_back(std::move(k));
    }
  return l;
}

bool is_weighted(OpKind k) { return k == OpKind::Dense || k == OpKind::MatMul || k == OpKind::Conv; }

// Cheap input preparation the host does before streaming: layout, casts, constant scalings.
bool host_before_ok(OpKind k) {
  switch (k) {
    case OpKind::Reshape: case OpKind::Flatten: case OpKind::Transpose: case OpKind::Quantize:
    case OpKind::Add: case OpKind::Sub: case OpKind::Mul: case OpKind::Div: case OpKind::Clip:
      return true;
    default:
      return false;
  }
}

void check_config_layers(const Config& config, const std::vector<const Op*>& ops) {
  for (auto& [name, lc] : config.layers) {
    const bool mapping_keys = lc.cascade_length || lc.cascade_num || lc.tiling || lc.placement || lc.parallel_heads;
    if (!mapping_keys) continue;
    bool found = std::any_of(ops.begin(), ops.end(), [&name = name](const Op* o) { return o->name == name; });
    if (!found) {
      std::vector<std::string> names;
      for (auto* o : ops) names.push_back(o->name);
      throw InputError(fmt::format("config LayerName.{}: no Dense layer of that name (layers: {})", name,
                                   fmt::join(names, ", ")));
    }
  }
}

// Columns touched by layers with a Placement override.
std::vector<bool> blocked_columns(const std::vector<std::optional<TileCoord>>& fixed,
                                  const std::vector<ScoredCandidate>& chosen, int cols) {
  std::vector<bool> blocked(cols, false);
  for (size_t i = 0; i < fixed.size(); ++i)
    if (fixed[i])
      for (int c = fixed[i]->col; c < fixed[i]->col + chosen[i].c.cas_length && c < cols; ++c) blocked[c] = true;
  return blocked;
}

// Lay the bands out left to right in free columns: origins for the free layers, or empty when a band
// does not find enough contiguous free columns.
std::vector<std::optional<TileCoord>> band_origins(const LayoutSolution& sol, const std::vector<ScoredCandidate*>& free,
                                                   const std::vector<bool>& blocked) {
  std::vector<std::optional<TileCoord>> origins(free.size());
  const int cols = static_cast<int>(blocked.size());
  int col = 0;
  for (auto& band : sol.bands) {
    auto run_ok = [&](int start) {
      for (int c = start; c < start + band.width; ++c)
        if (c >= cols || blocked[c]) return false;
      return true;
    };
    while (col < cols && !run_ok(col)) ++col;
    if (col >= cols) return std::vector<std::optional<TileCoord>>(free.size());
    int row = 0;
    for (int i = band.first; i < band.last; ++i) {
      origins[i] = TileCoord{col, row};
      row += free[i]->c.cas_num;
    }
    col += band.width;
  }
  return origins;
}

// What the kernel library offers for the layer's type pair: tilings (also supported by the device),
// output widths and the bias element size.
void kernel_support(LayerShape& s, const Tensor& y, const Device& device) {
  const KernelVariant* v = KernelLibrary::builtin().find(s.type_pair);
  if (!v)
    throw InputError(fmt::format("layer '{}': no dense kernel for type pair {} (kernels/variants.json has: {})", s.name,
                                 s.type_pair, fmt::join(KernelLibrary::builtin().type_pairs(), ", ")));
  if (std::find(v->output_bytes.begin(), v->output_bytes.end(), s.output_bytes) == v->output_bytes.end())
    throw InputError(fmt::format("layer '{}': output '{}' ({}) needs {}-byte elements; the {} kernel writes {} bytes",
                                 s.name, y.name, y.type.str(), s.output_bytes, s.type_pair, fmt::join(v->output_bytes, " or ")));
  const auto& dev_shapes = device.mmul_shapes.at(s.type_pair);
  for (auto& t : v->mmul_shapes)
    if (std::find(dev_shapes.begin(), dev_shapes.end(), t) != dev_shapes.end()) s.tilings.push_back(t);
  if (s.tilings.empty())
    throw InputError(fmt::format("layer '{}': no mmul shape for {} is supported by both {} and the kernels", s.name,
                                 s.type_pair, device.name));
  const bool default_ok = std::find(s.tilings.begin(), s.tilings.end(), v->default_shape) != s.tilings.end();
  s.default_tiling = default_ok ? v->default_shape : s.tilings.front();
  s.bias_bytes = v->bias_bytes;
}

}  // namespace

ArrayRegion array_region(const Model& model) {
  ArrayRegion r;
  std::set<std::string> before{model.inputs.begin(), model.inputs.end()}, after;  // tensors by side
  auto all_in = [&](const Op& op, const std::set<std::string>& side) {
    return std::all_of(op.inputs.begin(), op.inputs.end(), [&](const std::string& t) {
      return t.empty() || side.count(t) || (model.has_tensor(t) && model.tensor(t).is_constant);
    });
  };
  const auto views = array_views(model);  // layout ops between a conv and its layers (partition_conv.h)
  const auto pools = fused_pools(model);  // MaxPools the conv kernel applies (partition_conv.h)
  const auto tensor_ops = tensor_op_region(model);  // Add / Concat / pools between layers (partition_tensor_ops.h)
  const auto channel = channel_views(model);        // Slice / Concat as views (channel_views.h)
  for (auto& op : model.ops) {
    if (views.count(op.name) || pools.count(op.name) || tensor_ops.fused.count(op.name) || channel.ops.count(op.name) ||
        is_hidden_activation(model, op)) {  // the last: the epilogue of the Dense before it
      after.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    if (op.kind == OpKind::Dense || op.kind == OpKind::Conv || tensor_ops.layers.count(op.name)) {
      for (auto& t : op.inputs)  // a tensor op reads array tensors or graph inputs (LayerNorm: constant gamma, beta)
        if (tensor_ops.layers.count(op.name) && !t.empty() && !after.count(t) && !before.count(t) &&
            !(op.kind == OpKind::LayerNorm && model.tensor(t).is_constant))
          throw InputError(fmt::format("op '{}' ({}) reads '{}', {}; a tensor op on the array reads array tensors only",
                                       op.name, to_string(op.kind), t,
                                       model.has_tensor(t) && model.tensor(t).is_constant ? "a constant"
                                                                                         : "which no array layer produces"));
      r.layers.push_back(&op);
      after.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    if (op.kind == OpKind::Slice)  // not a channel view: no gather kernel, and the host does not run it either
      throw InputError(fmt::format(
          "op '{}' (Slice) cannot be mapped to the AIE array: {}; the array realises a Slice (or a Split part) only as a "
          "view: channels [b, e) with step 1 of a Conv, pool or tensor-op output, read by Conv or tensor-op layers "
          "(others run in the interpreter only: aie4ml predict)",
          op.name, channel.refused.count(op.name) ? channel.refused.at(op.name) : std::string("it reads no array tensor")));
    const bool reads_before = all_in(op, before), reads_after = all_in(op, after) && !r.layers.empty();
    if (reads_before && host_before_ok(op.kind)) {
      r.host_ops.push_back({op.name, std::string(to_string(op.kind)), "before"});
      before.insert(op.outputs.begin(), op.outputs.end());
    } else if (reads_after && !is_weighted(op.kind)) {
      r.host_ops.push_back({op.name, std::string(to_string(op.kind)), "after"});
      after.insert(op.outputs.begin(), op.outputs.end());
    } else if (op.kind == OpKind::MatMul) {
      throw InputError(fmt::format(
          "op '{}' (MatMul of '{}' and '{}') cannot be mapped to the AIE array yet: its second operand is an activation, "
          "not a constant weight, so it is not a Dense layer (aie4ml maps MatMuls with constant weights, over [batch, "
          "features] or [batch, tokens, features] inputs)",
          op.name, op.inputs.at(0), op.inputs.at(1)));
    } else {
      throw InputError(fmt::format(
          "op '{}' ({}) cannot be mapped to the AIE array yet: aie4ml maps Dense layers, with layout/cast ops "
          "before them and non-weighted ops after them left to the host",
          op.name, to_string(op.kind)));
    }
  }
  if (r.layers.empty()) throw InputError(fmt::format("model '{}' has no Dense layer to map", model.name));
  check_conv_region(model, r.layers, views);
  for (auto* op : r.layers)
    if (tensor_ops.layers.count(op->name)) check_tensor_op(*op, model, tensor_ops);
  // A host op after the layers must not feed a layer again (it would sit between two layers).
  for (auto* layer : r.layers)
    for (auto& h : r.host_ops)
      if (h.stage == "after")
        for (auto& out : model.find_op(h.name)->outputs)
          if (std::find(layer->inputs.begin(), layer->inputs.end(), out) != layer->inputs.end())
            throw InputError(fmt::format("op '{}' ({}) sits between layers and cannot be mapped to the AIE array yet",
                                         h.name, h.op));
  return r;
}

int64_t dense_rows_per_sample(const Model& model, const Op& op) {
  const auto& x = model.tensor(op.inputs.at(0));
  if (x.shape.size() < 2)
    throw InputError(fmt::format("layer '{}': input '{}' has shape {}; a Dense layer maps [batch, features] or [batch, "
                                 "tokens..., features] inputs",
                                 op.name, x.name, shape_str(x.shape)));
  int64_t rows = 1;
  for (size_t i = 1; i + 1 < x.shape.size(); ++i) {
    if (x.shape[i] < 1)
      throw InputError(fmt::format("layer '{}': input '{}' has shape {}; the token axes of a Dense must have fixed sizes",
                                   op.name, x.name, shape_str(x.shape)));
    rows *= x.shape[i];
  }
  return rows;
}

LayerShape layer_shape(const Model& model, const Op& op, const Config& config, const Device& device) {
  if (op.inputs.size() < 2 || op.outputs.empty())
    throw InputError(fmt::format("layer '{}': a Dense op needs inputs x, W[, b] and one output", op.name));
  const auto& x = model.tensor(op.inputs[0]);
  const auto& w = model.tensor(op.inputs[1]);
  const auto& y = model.tensor(op.outputs[0]);
  LayerShape s;
  if (op.kind == OpKind::Conv) conv_layer_dims(s, model, op, config.batch_size);
  s.name = op.name;
  if (op.kind != OpKind::Conv) {
    const int64_t rows_per_sample = dense_rows_per_sample(model, op);  // checks the input's rank first
    if (w.shape.size() != 2 || w.shape[0] != x.shape.back() || w.shape[0] < 1 || w.shape[1] < 1)
      throw InputError(fmt::format("layer '{}': weight '{}' has shape {}, expected [{}, out_features]", op.name, w.name,
                                   shape_str(w.shape), x.shape.back()));
    s.in_features = w.shape[0];
    s.out_features = w.shape[1];
    s.batch = config.batch_size * rows_per_sample;  // GEMM rows: batch x tokens
    // Activation epilogues on the output kernel need the whole row there (kernels/activation_table.h).
    s.one_chain = hidden_activation_of(model, op) != nullptr || op.get_string("activation", "linear") == "leaky_relu";
  }
  const auto in = operand(x, op.name, "input", 16), wt = operand(w, op.name, "weight", 16),
             out = operand(y, op.name, "output", 32);
  if ((in.family == "bf16") != (wt.family == "bf16"))
    throw InputError(fmt::format("layer '{}': mixes bf16 and fixed-point operands ({} x {})", op.name, x.type.str(),
                                 w.type.str()));
  s.type_pair = in.family + "x" + wt.family;
  s.input_bytes = in.bytes;
  s.weight_bytes = wt.bytes;
  s.output_bytes = out.bytes;
  s.acc_bits = (in.bytes == 2 && wt.bytes == 2 && in.family != "bf16") ? 64 : 32;
  // The quantiser records the accumulator it chose (wider when the worst-case sum needs it).
  if (const auto accum = op.get_string("accum", ""); !accum.empty() && in.family != "bf16") {
    const auto t = parse_numeric_type(accum);
    if (t.is_fixed()) s.acc_bits = t.fixed.width <= 32 ? 32 : 64;
  }
  s.has_bias = op.inputs.size() > 2 && !op.inputs[2].empty();
  if (!device.macs_per_cycle.count(s.type_pair) || !device.default_tiling.count(s.type_pair))
    throw InputError(fmt::format("layer '{}': type pair {} ({} x {}) is not supported by device {}", op.name,
                                 s.type_pair, x.type.str(), w.type.str(), device.name));
  kernel_support(s, y, device);
  return s;
}

LayerCandidate make_candidate(const LayerShape& s, int cas_length, int cas_num, const MmulShape& tiling,
                              const Device& device) {
  LayerCandidate c;
  c.layer = s;
  c.cas_length = cas_length;
  c.cas_num = cas_num;
  c.tiling = tiling;
  c.batch_padded = round_up(s.batch, 2 * tiling[0]);
  c.k_slice = round_up(ceil_div(s.in_features, cas_length), slice_alignment(tiling[1], s.input_bytes));
  c.n_slice = round_up(ceil_div(s.out_features, cas_num), slice_alignment(tiling[2], s.output_bytes));
  c.weight_bytes = c.k_slice * c.n_slice * s.weight_bytes;
  c.input_bytes = c.batch_padded * c.k_slice * s.input_bytes;
  c.output_bytes = c.batch_padded * c.n_slice * s.output_bytes;
  // The kernels always take a bias (zeros when the layer has none): one tile_m x tile_n tile per
  // column tile, i.e. n_slice x tile_m elements (kernels/README.md).
  c.bias_bytes = c.n_slice * tiling[0] * s.bias_bytes;
  return c;
}

std::optional<std::string> candidate_violation(const LayerCandidate& c, const Device& d) {
  const auto& s = c.layer;
  if (c.cas_length > d.columns) return fmt::format("needs {} columns; the array has {}", c.cas_length, d.columns);
  if (c.cas_num > d.compute_rows) return fmt::format("needs {} rows; the array has {}", c.cas_num, d.compute_rows);
  if ((c.cas_length - 1) * c.k_slice >= s.in_features)
    return fmt::format("leaves cascade position {} without input features (K = {} in aligned slices of {})",
                       c.cas_length - 1, s.in_features, c.k_slice);
  if ((c.cas_num - 1) * c.n_slice >= s.out_features)
    return fmt::format("leaves chain {} without output features (N = {} in aligned slices of {})", c.cas_num - 1,
                       s.out_features, c.n_slice);
  if (c.weight_bytes > d.bank_bytes())
    return fmt::format("puts {} bytes of weights ({} x {}) on each tile; weights must fit one {}-byte data-memory bank",
                       c.weight_bytes, c.k_slice, c.n_slice, d.bank_bytes());
  const auto requests =
      kernel_buffer_requests(c.weight_bytes, c.input_bytes, c.output_bytes, c.bias_bytes, true, true, d);
  if (!pack_tile_memory(requests, d)) {
    int64_t total = 0;
    for (auto& r : requests) total += r.bytes * r.copies;
    return fmt::format(
        "needs {} bytes of data memory per tile (weights {}, input 2 x {}, output 2 x {}, bias {}, stack {}, heap {}); "
        "a tile has {} banks of {} bytes and no buffer may straddle a bank",
        total, c.weight_bytes, c.input_bytes, c.output_bytes, c.bias_bytes, d.stack_bytes, d.heap_bytes,
        d.data_memory_banks, d.bank_bytes());
  }
  return std::nullopt;
}

std::vector<LayerCandidate> enumerate_candidates(const LayerShape& s, const LayerConfig* o, const Device& d) {
  const int max_l = std::min(d.max_cascade_length, d.columns), max_c = std::min(d.max_cascade_num, d.compute_rows);
  const int l_lo = o && o->cascade_length ? *o->cascade_length : 1;
  const int l_hi = o && o->cascade_length ? *o->cascade_length : max_l;
  const int c_lo = o && o->cascade_num ? *o->cascade_num : 1;
  const int c_hi = o && o->cascade_num ? *o->cascade_num : (s.one_chain ? 1 : max_c);
  const MmulShape tiling = o && o->tiling ? *o->tiling : s.default_tiling;
  std::vector<LayerCandidate> out;
  for (int l = l_lo; l <= l_hi; ++l)
    for (int c = c_lo; c <= c_hi; ++c) {
      auto cand = make_candidate(s, l, c, tiling, d);
      if (!candidate_violation(cand, d)) out.push_back(std::move(cand));
    }
  return out;
}

namespace {

// The partition of one model, step by step (see partition.h).
class Partitioner {
 public:
  Partitioner(const Model& m, const Config& c, const Device& d, const PartitionCost& cost)
      : model_(m), config_(c), device_(d), cost_(cost), region_(array_region(m)), n_(static_cast<int>(region_.layers.size())),
        cands_(n_), fixed_(n_), chosen_(n_) {}

  PartitionResult run() {
    check_config_layers(config_, region_.layers);
    score_candidates();
    choose_fixed_layers();
    std::optional<LayoutSolution> sol = solve_within_budget();
    if (!sol && min_tiles_ > budget()) throw InputError(no_fit_message());
    return result(sol ? *sol : fewest_tiles());
  }

 private:
  int budget() const { return config_.tile_budget.value_or(device_.compute_tiles()); }

  void score_candidates() {
    for (int i = 0; i < n_; ++i) {
      const Op& op = *region_.layers[i];
      const LayerConfig* o = config_.layer(op.name);
      if (tensor_ops_.layers.count(op.name)) {  // one kernel on one tile (partition_tensor_ops.h)
        // The performance search forces what the design had: 1 x 1 with tiling [1,1,1].
        if (o && ((o->cascade_length && *o->cascade_length != 1) || (o->cascade_num && *o->cascade_num != 1) ||
                  (o->tiling && *o->tiling != MmulShape{1, 1, 1})))
          throw InputError(fmt::format("layer '{}': CascadeLength/CascadeNum/Tiling: a {} layer is one kernel (1 x 1)",
                                       op.name, to_string(op.kind)));
        const auto l = lower_tensor_op_layer(op, model_, tensor_ops_, config_.batch_size, device_, "tmp");
        auto c = tensor_op_candidate(l, config_.batch_size);
        double cost = l.cost;
        if (auto h = heads_.find(op.name); h != heads_.end()) {  // parallel heads: a column of H tiles
          c.cas_num = h->second;
          cost = split_heads(l, h->second, config_.batch_size, "tmp").front().cost;
        }
        cands_[i].push_back({c, cost});
        if (o && o->placement) fixed_[i] = TileCoord{o->placement->first, o->placement->second};
        min_tiles_ += c.tiles();
        continue;
      }
      std::string conv_why;
      const auto shape = layer_shape(model_, op, config_, device_);
      if (o) check_override_ranges(shape, *o, device_);
      if (o && o->conv_kernel && op.kind != OpKind::Conv)
        throw InputError(fmt::format("layer '{}': ConvKernel applies to conv layers only ({} is a {})", op.name,
                                     op.name, to_string(op.kind)));
      const auto cands = op.kind == OpKind::Conv ? enumerate_conv_candidates(shape, model_, op, o, device_, &conv_why, &cost_)
                                                 : enumerate_candidates(shape, o, device_);
      if (cands.empty() && op.kind == OpKind::Conv)
        throw InputError(fmt::format("conv layer '{}' has no legal partition on {}: {}", shape.name, device_.name, conv_why));
      for (auto& c : cands) {
        const double v = cost_.layer_cost(c, device_);
        if (!(v >= 0) || v == std::numeric_limits<double>::infinity())
          throw std::logic_error(fmt::format("partition cost '{}' returned {} for layer '{}'", cost_.name(), v, shape.name));
        cands_[i].push_back({c, v});
      }
      if (cands_[i].empty()) fail_no_candidate(shape, o, device_);
      if (o && o->placement) fixed_[i] = TileCoord{o->placement->first, o->placement->second};
      min_tiles_ += std::min_element(cands_[i].begin(), cands_[i].end(), [](auto& a, auto& b) {
                      return a.c.tiles() < b.c.tiles();
                    })->c.tiles();
      weight_bytes_ += shape.in_features * shape.out_features * shape.weight_bytes;
    }
  }

  // Layers with a Placement override take their cheapest candidate and stay out of the bands.
  void choose_fixed_layers() {
    for (int i = 0; i < n_; ++i) {
      if (!fixed_[i]) {
        free_.push_back(i);
        free_cands_.push_back(cands_[i]);
        continue;
      }
      chosen_[i] = *std::min_element(cands_[i].begin(), cands_[i].end(), [](auto& a, auto& b) {
        return std::tie(a.cost, a.c.cas_length, a.c.cas_num) < std::tie(b.cost, b.c.cas_length, b.c.cas_num);
      });
      check_fixed_placement(chosen_[i].c.layer, chosen_[i].c, *fixed_[i], device_);
    }
    blocked_ = blocked_columns(fixed_, chosen_, device_.columns);
    free_cols_ = static_cast<int>(std::count(blocked_.begin(), blocked_.end(), false));
  }

  std::optional<LayoutSolution> solve(double penalty) const {
    const ScoreOps ops{cost_.aggregate(), penalty};
    std::vector<BestTable> best;
    for (auto& c : free_cands_) best.push_back(best_table(c, device_.columns, device_.compute_rows, ops));
    const BandProblem p{free_cands_, best, device_.compute_rows, ops};
    return solve_layout(p, static_cast<int>(free_.size()), free_cols_);
  }

  int tiles_of(const LayoutSolution& s) const {
    int t = s.score.tiles;
    for (int i = 0; i < n_; ++i)
      if (fixed_[i]) t += chosen_[i].c.tiles();
    return t;
  }

  // The cheapest band layout; over the tile budget, bisection on a per-tile penalty finds the smallest
  // penalty that brings the layout under it.
  std::optional<LayoutSolution> solve_within_budget() {
    auto sol = solve(0);
    if (!sol || tiles_of(*sol) <= budget()) return sol;
    double lo = 0, hi = 1;
    std::optional<LayoutSolution> hi_sol;
    for (int it = 0; it < 60; ++it, hi *= 4) {
      hi_sol = solve(hi);
      if (!hi_sol || tiles_of(*hi_sol) <= budget()) break;
    }
    if (!hi_sol || tiles_of(*hi_sol) > budget())
      throw InputError(fmt::format("model '{}' needs at least {} compute tiles; the TileBudget is {}", model_.name,
                                   min_tiles_, budget()));
    for (int it = 0; it < 40; ++it) {
      const double mid = (lo + hi) / 2;
      auto s = solve(mid);
      if (s && tiles_of(*s) <= budget()) {
        hi = mid;
        hi_sol = s;
      } else {
        lo = mid;
      }
    }
    penalty_ = hi;
    return hi_sol;
  }

  // No band layout: the fewest tiles per layer (no bands); placement then looks for any packing.
  LayoutSolution fewest_tiles() const {
    LayoutSolution s;
    for (auto& c : free_cands_) {
      int best = 0;
      for (int k = 1; k < static_cast<int>(c.size()); ++k)
        if (std::make_pair(c[k].c.tiles(), c[k].cost) < std::make_pair(c[best].c.tiles(), c[best].cost)) best = k;
      s.choice.push_back(best);
    }
    return s;
  }

  std::string no_fit_message() const {
    return fmt::format(
        "model '{}' does not fit on {}: its layers need at least {} compute tiles ({} bytes of weights at up to {} "
        "bytes per tile) and no arrangement of them was found on the {} x {} array ({} tiles{})",
        model_.name, device_.name, min_tiles_, weight_bytes_, device_.bank_bytes(), device_.columns,
        device_.compute_rows, device_.compute_tiles(),
        free_cols_ < device_.columns ? fmt::format(", {} columns left free by Placement overrides", free_cols_) : "");
  }

  PartitionResult result(const LayoutSolution& sol) {
    std::vector<ScoredCandidate*> free_chosen;
    for (size_t f = 0; f < free_.size(); ++f) {
      chosen_[free_[f]] = free_cands_[f][sol.choice[f]];
      free_chosen.push_back(&chosen_[free_[f]]);
    }
    PartitionResult r;
    r.host_ops = region_.host_ops;
    r.band_layout_found = free_.empty() || !sol.bands.empty();
    r.no_fit_message = no_fit_message();
    r.tile_penalty = penalty_;
    std::set<std::string> prefixes;
    std::vector<std::pair<int, int>> op_head;  // per design layer: its op's index and head (0: whole op)
    for (int i = 0; i < n_; ++i) {
      auto prefix = sanitize(region_.layers[i]->name);
      while (!prefixes.insert(prefix).second) prefix += "_";
      if (tensor_ops_.layers.count(region_.layers[i]->name)) {
        auto l = lower_tensor_op_layer(*region_.layers[i], model_, tensor_ops_, config_.batch_size, device_, prefix);
        if (auto h = heads_.find(l.name); h != heads_.end()) {  // one layer per head (split_heads.h)
          for (auto& head : split_heads(l, h->second, config_.batch_size, prefix)) {
            op_head.emplace_back(i, head.head->index);
            r.layers.push_back(std::move(head));
          }
          continue;
        }
        op_head.emplace_back(i, 0);
        r.layers.push_back(std::move(l));
        apply_channel_views(r.layers.back(), channel_views_);
        continue;
      }
      op_head.emplace_back(i, 0);
      r.layers.push_back(lower_layer(*region_.layers[i], model_, chosen_[i].c, chosen_[i].cost, prefix));
      if (region_.layers[i]->kind == OpKind::Conv) lower_conv_fields(r.layers.back(), model_, *region_.layers[i], chosen_[i].c.conv_direct,
                          chosen_[i].c.conv_memtile);
      apply_channel_views(r.layers.back(), channel_views_);
      resolve_view_input(r.layers.back(), model_, views_);
    }
    r.seed.assign(n_, std::nullopt);
    const auto origins = r.band_layout_found ? band_origins(sol, free_chosen, blocked_)
                                             : std::vector<std::optional<TileCoord>>(free_.size());
    if (free_.empty() || origins.front()) {
      for (size_t f = 0; f < free_.size(); ++f) r.seed[free_[f]] = origins[f];
      for (int i = 0; i < n_; ++i)
        if (fixed_[i]) r.seed[i] = fixed_[i];
    }
    // Per design layer: a head's tile is its op's column of H tiles, head h in row h.
    auto per_layer = [&](const std::vector<std::optional<TileCoord>>& per_op) {
      std::vector<std::optional<TileCoord>> out;
      for (auto [i, h] : op_head) {
        auto at = per_op[i];
        if (at) at->row += h;
        out.push_back(at);
      }
      return out;
    };
    r.seed = per_layer(r.seed);
    r.fixed = per_layer(fixed_);
    const ScoreOps plain{cost_.aggregate(), 0};
    Score total;
    for (auto& c : chosen_) total = plain.combine(total, Score{c.cost, c.cost, c.c.tiles()});
    r.aggregate_cost = total.agg;
    return r;
  }

  const Model& model_;
  const Config& config_;
  const Device& device_;
  const PartitionCost& cost_;
  ArrayRegion region_;
  std::set<std::string> views_ = array_views(model_);
  TensorOpRegion tensor_ops_ = tensor_op_region(model_);
  ChannelViews channel_views_ = channel_views(model_);
  // At most a column of heads, each writing (and reading) its ports of one shared buffer.
  std::map<std::string, int> heads_ = parallel_head_ops(
      model_, tensor_ops_,
      std::min({device_.compute_rows, device_.shared_buffer_max_writers, device_.shared_buffer_max_readers}),
      one_kernel_heads(config_));
  int n_;
  std::vector<std::vector<ScoredCandidate>> cands_;  // per layer
  std::vector<std::optional<TileCoord>> fixed_;
  std::vector<ScoredCandidate> chosen_;
  std::vector<int> free_;                             // layers without a Placement override
  std::vector<std::vector<ScoredCandidate>> free_cands_;
  std::vector<bool> blocked_;                         // columns taken by fixed layers
  int free_cols_ = 0;
  int64_t min_tiles_ = 0, weight_bytes_ = 0;
  double penalty_ = 0;
};

}  // namespace

PartitionResult partition(const Model& model, const Config& config, const Device& device, const PartitionCost& cost) {
  return Partitioner(model, config, device, cost).run();
}

}  // namespace aie4ml
