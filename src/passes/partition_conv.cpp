// Conv layers in the partition (see partition_conv.h).
#include "passes/partition_conv.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "design/conv_layout.h"
#include "design/conv_memtile.h"
#include "passes/conv_gemm.h"
#include "passes/partition.h"
#include "passes/partition_tensor_ops.h"
#include "support/error.h"

namespace aie4ml {

namespace {

bool is_layout_op(OpKind k) { return k == OpKind::Reshape || k == OpKind::Flatten || k == OpKind::Transpose; }
bool is_layer_op(OpKind k) { return k == OpKind::Dense || k == OpKind::Conv; }

bool is_graph_output(const Model& m, const std::string& t) {
  return std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end();
}

int64_t product(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

// `vals` (row-major over `shape`) transposed by a sample permutation `perm` (output axis i = input axis perm[i]).
std::vector<int64_t> transpose(const std::vector<int64_t>& vals, const std::vector<int64_t>& shape,
                               const std::vector<int64_t>& perm) {
  const size_t r = shape.size();
  std::vector<int64_t> out_shape(r), in_pitch(r, 1);
  for (size_t i = 0; i < r; ++i) out_shape[i] = shape[perm[i]];
  for (size_t i = r - 1; i > 0; --i) in_pitch[i - 1] = in_pitch[i] * shape[i];
  std::vector<int64_t> out(vals.size()), idx(r, 0);
  for (size_t o = 0; o < vals.size(); ++o) {
    int64_t src = 0;
    for (size_t i = 0; i < r; ++i) src += idx[i] * in_pitch[perm[i]];
    out[o] = vals[static_cast<size_t>(src)];
    for (size_t i = r; i-- > 0;)  // next output index, last axis fastest
      if (++idx[i] < out_shape[i]) break;
      else idx[i] = 0;
  }
  return out;
}

// The MaxPool that alone reads the output of `conv`, or null.
const Op* sole_pool_reader(const Model& m, const Op& conv) {
  const auto readers = m.consumers(conv.outputs.at(0));
  if (readers.size() != 1 || readers[0]->kind != OpKind::MaxPool || is_graph_output(m, conv.outputs[0])) return nullptr;
  return readers[0];
}

bool all_equal(const std::vector<int64_t>& v, int64_t x) {
  return std::all_of(v.begin(), v.end(), [x](int64_t e) { return e == x; });
}

}  // namespace

std::optional<std::string> pool_fusion_obstacle(const Model& m, const Op& pool) {
  const Op* conv = pool.inputs.empty() ? nullptr : m.producer(pool.inputs[0]);
  if (!conv || conv->kind != OpKind::Conv) return "it does not read a conv output";
  if (sole_pool_reader(m, *conv) != &pool) return fmt::format("conv '{}' output has other readers", conv->name);
  const auto in = m.tensor(pool.inputs[0]).sample_shape(), out = m.tensor(pool.outputs.at(0)).sample_shape();
  const auto kernel = pool.get_ints("kernel_shape");
  if (in.size() < 2 || in.size() > 3 || out.size() != in.size() || kernel.size() + 1 != in.size())
    return "only 1-D and 2-D pools after a conv are fused";
  if (pool.has("pads") && !all_equal(pool.get_ints("pads"), 0)) return "padding is not supported";
  if (const auto a = pool.get_string("auto_pad", "NOTSET"); a != "NOTSET" && a != "VALID")
    return fmt::format("auto_pad {} is not supported", a);
  if (pool.get_int("ceil_mode", 0) != 0) return "ceil_mode 1 is not supported";
  if (pool.has("dilations") && !all_equal(pool.get_ints("dilations"), 1)) return "dilations other than 1 are not supported";
  if (m.tensor(pool.inputs[0]).type != m.tensor(pool.outputs[0]).type)
    return fmt::format("its output type {} differs from the conv output type {}", m.tensor(pool.outputs[0]).type.str(),
                       m.tensor(pool.inputs[0]).type.str());
  return std::nullopt;
}

std::set<std::string> fused_pools(const Model& model) {
  std::set<std::string> out;
  for (auto& op : model.ops)
    if (op.kind == OpKind::MaxPool && !pool_fusion_obstacle(model, op)) out.insert(op.name);
  return out;
}

std::set<std::string> array_views(const Model& model) {
  std::set<std::string> views, conv_side;
  const auto pools = fused_pools(model);
  const auto tensor_ops = tensor_op_region(model);  // their outputs are channels-last like a conv's
  // Attention layers (MatMul, Softmax, LayerNorm) and what they absorb write row-major tensors, not
  // channels-last ones: no view of theirs is realised by reordering a Dense's weights.
  std::set<std::string> row_major;
  for (auto& [layer, fused] : tensor_ops.epilogue) {
    const OpKind k = model.find_op(layer)->kind;
    if (k != OpKind::MatMul && k != OpKind::Softmax && k != OpKind::LayerNorm) continue;
    row_major.insert(layer);
    row_major.insert(fused.begin(), fused.end());
  }
  for (auto& op : model.ops) {
    if (row_major.count(op.name)) continue;
    if (op.kind == OpKind::Conv || pools.count(op.name) || tensor_ops.layers.count(op.name) || tensor_ops.fused.count(op.name) ||
        tensor_ops.concat_views.count(op.name))
      conv_side.insert(op.outputs.begin(), op.outputs.end());
    else if (is_layout_op(op.kind) && !op.inputs.empty() && conv_side.count(op.inputs[0]) && op.outputs.size() == 1) {
      views.insert(op.name);
      conv_side.insert(op.outputs[0]);
    }
  }
  // Keep only views whose output reaches layers alone (a view read by the host would be a host op).
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = views.begin(); it != views.end();) {
      const Op* op = model.find_op(*it);
      bool ok = !is_graph_output(model, op->outputs[0]);
      for (auto* c : model.consumers(op->outputs[0]))
        ok = ok && (c->kind == OpKind::Dense || views.count(c->name));
      if (ok) {
        ++it;
      } else {
        it = views.erase(it);
        changed = true;
      }
    }
  }
  return views;
}

void check_conv_region(const Model& model, const std::vector<const Op*>& layers, const std::set<std::string>& views) {
  for (auto* op : layers) {
    if (op->kind != OpKind::Conv) continue;
    if (const Op* p = model.producer(op->inputs.at(0)); p && (p->kind == OpKind::Dense || views.count(p->name)))
      throw InputError(fmt::format("op '{}' (Conv) reads '{}' made by {} '{}' and cannot be mapped to the AIE array yet: "
                                   "a conv reads the model input or another conv's output directly",
                                   op->name, op->inputs[0], to_string(p->kind), p->name));
    for (auto* c : model.consumers(op->outputs.at(0)))
      if (c->kind == OpKind::MaxPool)
        if (auto why = pool_fusion_obstacle(model, *c))
          throw InputError(fmt::format("op '{}' (MaxPool) reads the output of conv '{}' and cannot be fused into it: {}",
                                       c->name, op->name, *why));
    const Op* pool = sole_pool_reader(model, *op);
    const auto& out = pool ? pool->outputs.at(0) : op->outputs.at(0);  // what the layer writes
    if (is_graph_output(model, out))
      throw InputError(fmt::format("op '{}' (Conv): its output '{}' is a graph output, which the AIE array does not "
                                   "write yet (conv outputs go to other layers)",
                                   op->name, out));
    // A Slice or Concat that is no layer is a channel view, or array_region has refused it (channel_views.h).
    for (auto* c : model.consumers(out))
      if (!is_layer_op(c->kind) && !views.count(c->name) && std::find(layers.begin(), layers.end(), c) == layers.end() &&
          c->kind != OpKind::Slice && c->kind != OpKind::Concat)
        throw InputError(fmt::format("op '{}' ({}) reads the output of conv '{}'{} and cannot be mapped to the AIE array "
                                     "yet (conv outputs go to Conv or Dense layers, through Reshape/Flatten/Transpose)",
                                     c->name, to_string(c->kind), op->name,
                                     pool ? fmt::format(" (after its fused MaxPool '{}')", pool->name) : ""));
  }
}

void conv_layer_dims(LayerShape& s, const Model& model, const Op& conv, int64_t batch) {
  const auto& w = model.tensor(conv.inputs.at(1));
  const auto& x = model.tensor(conv.inputs.at(0)).sample_shape();
  const auto& y = model.tensor(conv.outputs.at(0)).sample_shape();
  if (x.size() < 2 || x.size() > 3 || y.size() != x.size() || w.shape.size() != x.size() + 1)
    throw InputError(fmt::format("conv '{}': only 1-D and 2-D convolutions map to the array", conv.name));
  s.in_features = product({w.shape.begin() + 1, w.shape.end()});  // window: CI x KH x KW
  s.out_features = y[0];
  s.batch = batch * product({y.begin() + 1, y.end()});  // GEMM rows: batch x output positions
}

std::vector<BufferRequest> conv_kernel_requests(int64_t weight_bytes, int64_t input_bytes, int64_t im2col_bytes,
                                                int64_t out_tiles_bytes, int64_t output_bytes, int64_t bias_bytes,
                                                const Device& device) {
  std::vector<BufferRequest> r{{"weights", weight_bytes, 1}};
  if (im2col_bytes > 0) r.push_back({"im2col", im2col_bytes, 1});  // the direct kernel has none
  r.insert(r.end(), {{"out_tiles", out_tiles_bytes, 1}, {"output", output_bytes, 2}, {"input", input_bytes, 2}});
  if (bias_bytes > 0) r.push_back({"bias", bias_bytes, 1});
  r.push_back({"stack", device.stack_bytes, 1});
  r.push_back({"heap", device.heap_bytes, 1});
  return r;
}

namespace {

std::optional<std::string> conv_violation(const LayerCandidate& c, int64_t im2col, int64_t out_tiles, int64_t chunk,
                                          const Device& d) {
  const auto& s = c.layer;
  if (c.cas_num > d.compute_rows) return fmt::format("needs {} rows; the array has {}", c.cas_num, d.compute_rows);
  if ((c.cas_num - 1) * c.n_slice >= s.out_features)
    return fmt::format("leaves chain {} without output channels (N = {} in aligned slices of {})", c.cas_num - 1,
                       s.out_features, c.n_slice);
  if (c.weight_bytes > d.bank_bytes())
    return fmt::format("puts {} bytes of weights on each tile; weights must fit one {}-byte bank", c.weight_bytes,
                       d.bank_bytes());
  const auto req = conv_kernel_requests(c.weight_bytes, c.input_bytes, im2col, out_tiles, c.output_bytes, c.bias_bytes, d);
  if (!pack_tile_memory(req, d))
    return fmt::format("needs weights {}, input 2 x {}, im2col {}, GEMM tiles {}, output 2 x {}, bias {} bytes per tile "
                       "(batch rows {}, {} sample(s) per chunk); they do not fit {} banks of {} bytes (a smaller "
                       "BatchSize shrinks the input and output)",
                       c.weight_bytes, c.input_bytes, im2col, out_tiles, c.output_bytes, c.bias_bytes,
                       c.batch_padded, chunk, d.data_memory_banks, d.bank_bytes());
  return std::nullopt;
}

enum class ConvVariant { Im2col, Direct, Memtile };

std::vector<int64_t> geometry_of(const ConvGemm& g) {
  return {g.channels_in, g.in_h, g.in_w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
          g.dilation_h,  g.dilation_w, g.pad_h, g.pad_w, g.out_h, g.out_w};
}

// The one-kernel candidate of a conv layer for one kernel variant, with the largest chunk (a divisor of
// the batch) whose working buffers fit beside the rest (kernels/conv.h Chunk; the whole batch when it
// fits); nullopt and `why` when no chunk fits. The direct and memory-tile im2col kernels' GEMM K is taps x
// channels padded to tile_k and they have no im2col buffer; the memory-tile im2col kernel's input buffer
// is the batch's patch matrix (not chunked: the DMA fills it per batch), and the memory tile must be able
// to walk the patches (design/conv_memtile.h patch_dma_obstacle).
std::optional<LayerCandidate> conv_candidate(const LayerShape& s, const ConvGemm& g, int64_t samples,
                                             const MmulShape& tiling, ConvVariant variant, const Device& d,
                                             std::string& why) {
  const bool tap_k = variant != ConvVariant::Im2col;
  if (variant == ConvVariant::Memtile)
    if (auto v = conv_memtile::patch_dma_obstacle(geometry_of(g), tiling[0], tiling[1], s.input_bytes, samples)) {
      why = *v;
      return std::nullopt;
    }
  LayerShape shape = s;
  if (tap_k) shape.in_features = direct_gemm_k(g, tiling[1]);
  auto cand = make_candidate(shape, 1, 1, tiling, d);
  cand.conv_direct = variant == ConvVariant::Direct;
  cand.conv_memtile = variant == ConvVariant::Memtile;
  cand.input_bytes = cand.conv_memtile ? samples * g.positions() * direct_gemm_k(g, tiling[1]) * s.input_bytes
                                       : samples * g.in_h * g.in_w * g.channels_in * s.input_bytes;  // channels-last
  cand.output_bytes = s.batch * s.out_features * s.output_bytes;                  // rows x real channels
  for (int64_t chunk = samples; chunk >= 1; --chunk) {
    if (samples % chunk != 0) continue;
    const int64_t rows = conv_layout::padded_rows(chunk, g.positions(), tiling[0]);
    const int64_t im2col = tap_k ? 0 : rows * cand.k_slice * s.input_bytes;
    const auto v = conv_violation(cand, im2col, rows * cand.n_slice * s.output_bytes, chunk, d);
    if (!v) {
      cand.conv_chunk = chunk == samples ? 0 : chunk;
      return cand;
    }
    why = *v;
  }
  return std::nullopt;
}

// The fused MaxPool's window and stride (LayerDesign::pool order), empty without one.
std::vector<int64_t> fused_pool_geometry(const Model& model, const Op& conv, const ConvGemm& g) {
  const Op* pool = sole_pool_reader(model, conv);
  if (!pool || pool_fusion_obstacle(model, *pool)) return {};
  auto kernel = pool->get_ints("kernel_shape");
  auto strides = pool->has("strides") ? pool->get_ints("strides") : std::vector<int64_t>(kernel.size(), 1);
  if (kernel.size() == 1) kernel.insert(kernel.begin(), 1), strides.insert(strides.begin(), 1);  // 1-D: H = 1
  if (strides.size() != kernel.size() || kernel[0] > g.out_h || kernel[1] > g.out_w || kernel[0] < 1 || kernel[1] < 1 ||
      strides[0] < 1 || strides[1] < 1)
    throw InputError(fmt::format("MaxPool '{}': window {} / strides {} do not fit the {} x {} output of conv '{}'",
                                 pool->name, kernel, strides, g.out_h, g.out_w, conv.name));
  return {kernel[0], kernel[1], strides[0], strides[1]};
}

}  // namespace

std::string conv_kernel_mode(const LayerConfig* o, const std::string& layer) {
  const std::string mode = o && o->conv_kernel ? *o->conv_kernel : "auto";
  if (mode != "auto" && mode != "im2col" && mode != "direct" && mode != "memtile_im2col")
    throw InputError(fmt::format("layer '{}': ConvKernel \"{}\": expected \"im2col\", \"direct\", \"memtile_im2col\" or "
                                 "\"auto\"", layer, mode));
  return mode;
}

std::vector<LayerCandidate> enumerate_conv_candidates(const LayerShape& s, const Model& model, const Op& conv,
                                                      const LayerConfig* o, const Device& d, std::string* why_none,
                                                      const PartitionCost* cost) {
  if (o && ((o->cascade_length && *o->cascade_length != 1) || (o->cascade_num && *o->cascade_num != 1)))
    throw InputError(fmt::format("layer '{}': CascadeLength/CascadeNum: a conv layer maps to one kernel for now (1 x 1)",
                                 conv.name));
  const std::string mode = conv_kernel_mode(o, conv.name);
  const ConvGemm g = conv_gemm(model, conv);
  const int64_t samples = s.batch / g.positions();  // s.batch holds the GEMM rows
  const MmulShape tiling = o && o->tiling ? *o->tiling : s.default_tiling;
  struct Tried {
    const char* mode;
    ConvVariant variant;
    std::optional<LayerCandidate> cand;
    std::string why;
  };
  std::vector<Tried> tried{{"im2col", ConvVariant::Im2col, {}, {}},
                           {"direct", ConvVariant::Direct, {}, {}},
                           {"memtile_im2col", ConvVariant::Memtile, {}, {}}};
  for (auto& t : tried)
    if (mode == "auto" || mode == t.mode) t.cand = conv_candidate(s, g, samples, tiling, t.variant, d, t.why);
  if (auto& m = tried[2]; m.cand) {  // the patch walk needs rows of exactly one sample (plan_transport)
    const Op* p = model.producer(conv.inputs.at(0));
    const int max_plio = d.plio_widths_bits.empty() ? 128 : *std::max_element(d.plio_widths_bits.begin(), d.plio_widths_bits.end());
    const int64_t word = std::max<int64_t>(1, max_plio / 8 / s.input_bytes);
    const int64_t features = g.channels_in * g.in_h * g.in_w;
    if ((!p || p->kind != OpKind::Conv) && features % word != 0) {
      m.why = fmt::format("its input '{}' arrives by PLIO in rows of {} elements padded to whole {}-element words; the "
                          "memory tile walks patches of unpadded samples only",
                          conv.inputs[0], features, word);
      m.cand.reset();
    }
  }
  if (mode != "auto")
    for (auto& t : tried)
      if (mode == t.mode && !t.cand)  // the forced variant does not fit
        throw InputError(fmt::format("layer '{}': ConvKernel \"{}\": the {} conv kernel does not fit: {}", conv.name,
                                     mode, mode, t.why));
  // "auto": of the variants that fit, the one the cost model predicts faster (kernel and input stream);
  // the first (im2col, then direct) on a tie or without a model.
  const Tried* best = nullptr;
  std::optional<double> best_cycles;
  for (auto& t : tried) {
    if (!t.cand) continue;
    std::optional<double> cycles;
    if (cost) {
      ConvKernelQuery q{*t.cand, geometry_of(g), fused_pool_geometry(model, conv, g)};
      q.stream_bytes_per_cycle = d.memory_tile_dma.bytes_per_cycle;
      cycles = cost->conv_kernel_cycles(q);
    }
    if (!best || (cycles && best_cycles && *cycles < *best_cycles)) {
      best = &t;
      best_cycles = cycles;
    }
  }
  if (best) return {*best->cand};
  if (why_none && why_none->empty())
    for (auto& t : tried)
      if (!t.why.empty()) {
        *why_none = fmt::format("1 chain(s): {}", t.why);
        break;
      }
  return {};
}

void lower_conv_fields(LayerDesign& l, const Model& model, const Op& conv, bool direct, bool memtile) {
  const ConvGemm g = conv_gemm(model, conv);
  l.op = "Conv";
  l.conv = geometry_of(g);
  l.in_features = g.channels_in * g.in_h * g.in_w;
  for (auto& k : l.kernels)
    k.variant = memtile  ? "conv_memtile_im2col"
                : direct ? "conv_direct"
                         : "conv" + k.variant.substr(k.variant.find('_'));
  const auto pool_geometry = fused_pool_geometry(model, conv, g);
  if (pool_geometry.empty()) return;
  const Op* pool = sole_pool_reader(model, conv);
  l.pool = pool_geometry;
  l.output_tensor = pool->outputs.at(0);
  const auto y = model.tensor(l.output_tensor).sample_shape();
  const int64_t pooled = ((g.out_h - l.pool[0]) / l.pool[2] + 1) * ((g.out_w - l.pool[1]) / l.pool[3] + 1);
  if (product(y) != l.out_features * pooled)
    throw InputError(fmt::format("MaxPool '{}': output '{}' has {} elements per sample, the pooled conv '{}' {}",
                                 pool->name, l.output_tensor, product(y), conv.name, l.out_features * pooled));
}

void resolve_view_input(LayerDesign& l, const Model& model, const std::set<std::string>& views) {
  std::vector<const Op*> chain;
  std::string t = l.input_tensor;
  for (const Op* p = model.producer(t); p && views.count(p->name); p = model.producer(t)) {
    chain.insert(chain.begin(), p);
    t = p->inputs.at(0);
  }
  if (chain.empty()) return;
  // Follow the model's (NCHW) element numbering of the conv output through the views.
  std::vector<int64_t> shape = model.tensor(t).sample_shape();
  std::vector<int64_t> vals(static_cast<size_t>(product(shape)));
  std::iota(vals.begin(), vals.end(), 0);
  for (auto* op : chain) {
    if (op->kind == OpKind::Transpose) {
      const auto perm = op->get_ints("perm");
      if (perm.size() != shape.size() + 1 || perm[0] != 0)
        throw InputError(fmt::format("transpose '{}' moves the batch axis; it cannot be a view on the array", op->name));
      std::vector<int64_t> sample_perm;
      for (size_t i = 1; i < perm.size(); ++i) sample_perm.push_back(perm[i] - 1);
      vals = transpose(vals, shape, sample_perm);
    }
    shape = model.tensor(op->outputs.at(0)).sample_shape();
  }
  if (static_cast<int64_t>(vals.size()) != l.in_features)
    throw InputError(fmt::format("layer '{}': its input '{}' has {} features, the conv output '{}' {}", l.name,
                                 l.input_tensor, l.in_features, t, vals.size()));
  const auto conv_shape = model.tensor(t).sample_shape();
  const int64_t channels = conv_shape[0], positions = product({conv_shape.begin() + 1, conv_shape.end()});
  std::vector<int64_t> feature_of(vals.size());
  for (size_t f = 0; f < vals.size(); ++f) feature_of[static_cast<size_t>(vals[f])] = static_cast<int64_t>(f);
  std::vector<int64_t> order(vals.size());
  bool identity = true;
  for (int64_t p = 0; p < positions; ++p)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t k = p * channels + c;  // channels-last array order
      order[static_cast<size_t>(k)] = feature_of[static_cast<size_t>(c * positions + p)];
      identity = identity && order[static_cast<size_t>(k)] == k;
    }
  l.input_tensor = t;
  l.input_order = identity ? std::vector<int64_t>{} : order;
}

}  // namespace aie4ml
