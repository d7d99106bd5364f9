// Design IR helpers and its JSON form (design.json; schema in design.h).
// Reads/writes: Design <-> JSON. Checks on load: the format tag and every key's presence and type
// (nlohmann's own errors, re-thrown as InputError naming the design file's key).
#include "design/design.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/error.h"

namespace aie4ml {

using nlohmann::json;

// ---- JSON conversions (found by ADL) ----

void to_json(json& j, const TileCoord& t) { j = json::array({t.col, t.row}); }
void from_json(const json& j, TileCoord& t) {
  if (!j.is_array() || j.size() != 2) throw InputError(fmt::format("design: expected [col, row], got {}", j.dump()));
  t = {j[0].get<int>(), j[1].get<int>()};
}
void to_json(json& j, const Range& r) { j = json::array({r.begin, r.end}); }
void from_json(const json& j, Range& r) {
  if (!j.is_array() || j.size() != 2) throw InputError(fmt::format("design: expected [begin, end], got {}", j.dump()));
  r = {j[0].get<int64_t>(), j[1].get<int64_t>()};
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BufferAlloc, name, role, bytes, home, banks, offsets)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KernelInstance, name, variant, chain, position, k_range, n_range, tile, cascade_in,
                                   cascade_out, writes_output, buffers)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CascadeLink, from, to)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DirectBuffer, name, tensor, producer, consumer, bytes, mode, home,
                                   producer_channel, consumer_channel)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TraversalStep, dimension, stride, wrap)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TilingParams, buffer_dimension, tiling_dimension, offset, tile_traversal,
                                   boundary_dimension)
void to_json(json& j, const PlioPort& p) {
  j = {{"name", p.name},           {"direction", p.direction},       {"tensor", p.tensor},
       {"width_bits", p.width_bits}, {"frequency_mhz", p.frequency_mhz}, {"column", p.column},
       {"channels", p.channels},   {"feature_range", p.feature_range}, {"row_elements", p.row_elements},
       {"rows", p.rows},           {"element_bits", p.element_bits}};
  if (p.rows_per_sample != 1) j["rows_per_sample"] = p.rows_per_sample;  // token tensors only
}
void from_json(const json& j, PlioPort& p) {
  j.at("name").get_to(p.name);
  j.at("direction").get_to(p.direction);
  j.at("tensor").get_to(p.tensor);
  j.at("width_bits").get_to(p.width_bits);
  j.at("frequency_mhz").get_to(p.frequency_mhz);
  j.at("column").get_to(p.column);
  j.at("channels").get_to(p.channels);
  j.at("feature_range").get_to(p.feature_range);
  j.at("row_elements").get_to(p.row_elements);
  j.at("rows").get_to(p.rows);
  j.at("element_bits").get_to(p.element_bits);
  p.rows_per_sample = j.value("rows_per_sample", int64_t{1});
  if (p.rows_per_sample < 1 || p.rows % p.rows_per_sample != 0)
    throw InputError(fmt::format("design: PLIO '{}': rows_per_sample {} does not divide its {} rows", p.name,
                                 p.rows_per_sample, p.rows));
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HostOp, name, op, stage)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PlacementReport, method, cost, lower_bound, optimal, nodes, stopped_by)

void to_json(json& j, const Endpoint& e) {
  j = json::object();
  if (!e.kernel.empty()) j["kernel"] = e.kernel;
  if (!e.plio.empty()) j["plio"] = e.plio;
  j["tile"] = e.tile;
  j["channel"] = e.channel;
}
void from_json(const json& j, Endpoint& e) {
  e.kernel = j.value("kernel", "");
  e.plio = j.value("plio", "");
  j.at("tile").get_to(e.tile);
  j.at("channel").get_to(e.channel);
}

void to_json(json& j, const SharedBufferPort& p) {
  j = {{"name", p.name},
       {"access", p.access},
       {"dma_tile", p.dma_tile},
       {"dma_channel", p.dma_channel},
       {"source", p.source ? json(*p.source) : json(nullptr)},
       {"destinations", p.destinations},
       {"feature_range", p.feature_range}};
  if (p.row_channels > 0) j["row_channels"] = p.row_channels;
}
void from_json(const json& j, SharedBufferPort& p) {
  j.at("name").get_to(p.name);
  j.at("access").get_to(p.access);
  j.at("dma_tile").get_to(p.dma_tile);
  j.at("dma_channel").get_to(p.dma_channel);
  if (j.at("source").is_null())
    p.source.reset();
  else
    p.source = j.at("source").get<Endpoint>();
  j.at("destinations").get_to(p.destinations);
  j.at("feature_range").get_to(p.feature_range);
  p.row_channels = j.value("row_channels", int64_t{0});
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SharedBuffer, name, tensor, producer, consumers, location, feature_offset,
                                   dimension, element_bytes, num_buffers, writers, readers)

void to_json(json& j, const LayerDesign& l) {
  j = {{"name", l.name},
       {"op", l.op},
       {"activation", l.activation},
       {"in_features", l.in_features},
       {"out_features", l.out_features},
       {"in_padded", l.in_padded},
       {"out_padded", l.out_padded},
       {"k_slice", l.k_slice},
       {"n_slice", l.n_slice},
       {"cas_length", l.cas_length},
       {"cas_num", l.cas_num},
       {"tiling", json::array({l.tile_m, l.tile_k, l.tile_n})},
       {"batch_padded", l.batch_padded},
       {"type_pair", l.type_pair},
       {"input_type", l.input_type},
       {"weight_type", l.weight_type},
       {"output_type", l.output_type},
       {"input_bytes", l.input_bytes},
       {"weight_bytes", l.weight_bytes},
       {"output_bytes", l.output_bytes},
       {"acc_bits", l.acc_bits},
       {"bias_bytes", l.bias_bytes},
       {"input_tensor", l.input_tensor},
       {"output_tensor", l.output_tensor},
       {"weight_tensor", l.weight_tensor},
       {"bias_tensor", l.bias_tensor},
       {"origin", l.origin},
       {"placement_fixed", l.placement_fixed},
       {"cost", l.cost},
       {"kernels", l.kernels}};
  // Conv layers only (absent otherwise): geometry, and the array order of a layer's input features.
  if (!l.conv.empty()) j["conv"] = l.conv;
  if (!l.pool.empty()) j["pool"] = l.pool;
  if (l.conv_chunk > 0) j["conv_chunk"] = l.conv_chunk;
  if (l.epilogue_table_bytes > 0) j["epilogue_table_bytes"] = l.epilogue_table_bytes;
  if (!l.input_order.empty()) j["input_order"] = l.input_order;
  if (!l.inputs.empty()) j["inputs"] = l.inputs;
  if (!l.tensor_op.empty()) j["tensor_op"] = l.tensor_op;
  if (!l.tensor_vector.empty()) j["tensor_vector"] = l.tensor_vector;
  if (l.rows_per_sample != 1) j["rows_per_sample"] = l.rows_per_sample;  // a Dense over tokens only
  if (!l.input_views.empty()) {  // channel views only
    j["input_views"] = json::array();
    for (auto& v : l.input_views)
      j["input_views"].push_back(
          {{"input", v.input}, {"model_tensor", v.tensor}, {"channels", v.channels}, {"row_channels", v.row_channels}});
  }
  if (l.head) j["head"] = {{"op", l.head->op}, {"index", l.head->index}, {"count", l.head->count}};
  if (l.output_view)
    j["output_view"] = {{"tensor", l.output_view->tensor}, {"channels", l.output_view->channels},
                        {"row_channels", l.output_view->row_channels}};
}
void from_json(const json& j, LayerDesign& l) {
  j.at("name").get_to(l.name);
  j.at("op").get_to(l.op);
  j.at("activation").get_to(l.activation);
  j.at("in_features").get_to(l.in_features);
  j.at("out_features").get_to(l.out_features);
  j.at("in_padded").get_to(l.in_padded);
  j.at("out_padded").get_to(l.out_padded);
  j.at("k_slice").get_to(l.k_slice);
  j.at("n_slice").get_to(l.n_slice);
  j.at("cas_length").get_to(l.cas_length);
  j.at("cas_num").get_to(l.cas_num);
  const auto& t = j.at("tiling");
  if (!t.is_array() || t.size() != 3) throw InputError(fmt::format("design: layer '{}': tiling must be [M,K,N]", l.name));
  l.tile_m = t[0].get<int>();
  l.tile_k = t[1].get<int>();
  l.tile_n = t[2].get<int>();
  j.at("batch_padded").get_to(l.batch_padded);
  j.at("type_pair").get_to(l.type_pair);
  j.at("input_type").get_to(l.input_type);
  j.at("weight_type").get_to(l.weight_type);
  j.at("output_type").get_to(l.output_type);
  j.at("input_bytes").get_to(l.input_bytes);
  j.at("weight_bytes").get_to(l.weight_bytes);
  j.at("output_bytes").get_to(l.output_bytes);
  j.at("acc_bits").get_to(l.acc_bits);
  j.at("bias_bytes").get_to(l.bias_bytes);
  j.at("input_tensor").get_to(l.input_tensor);
  j.at("output_tensor").get_to(l.output_tensor);
  j.at("weight_tensor").get_to(l.weight_tensor);
  j.at("bias_tensor").get_to(l.bias_tensor);
  j.at("origin").get_to(l.origin);
  j.at("placement_fixed").get_to(l.placement_fixed);
  j.at("cost").get_to(l.cost);
  j.at("kernels").get_to(l.kernels);
  if (j.contains("conv")) j.at("conv").get_to(l.conv);
  if (j.contains("pool")) j.at("pool").get_to(l.pool);
  if (j.contains("conv_chunk")) j.at("conv_chunk").get_to(l.conv_chunk);
  if (j.contains("epilogue_table_bytes")) j.at("epilogue_table_bytes").get_to(l.epilogue_table_bytes);
  if (j.contains("input_order")) j.at("input_order").get_to(l.input_order);
  if (j.contains("inputs")) j.at("inputs").get_to(l.inputs);
  if (j.contains("tensor_op")) j.at("tensor_op").get_to(l.tensor_op);
  if (j.contains("tensor_vector")) j.at("tensor_vector").get_to(l.tensor_vector);
  if (!l.inputs.empty() && l.inputs.front() != l.input_tensor)
    throw InputError(fmt::format("design: layer '{}': inputs[0] '{}' is not input_tensor '{}'", l.name, l.inputs.front(),
                                 l.input_tensor));
  auto channel_view = [&](const json& v, ChannelView& out) {
    v.at("channels").get_to(out.channels);
    v.at("row_channels").get_to(out.row_channels);
    if (out.channels.begin < 0 || out.channels.size() < 1 || out.channels.end > out.row_channels)
      throw InputError(fmt::format("design: layer '{}': channel view [{}, {}) of rows of {} channels", l.name,
                                   out.channels.begin, out.channels.end, out.row_channels));
  };
  if (j.contains("input_views"))
    for (auto& v : j.at("input_views")) {
      ChannelView cv;
      v.at("input").get_to(cv.input);
      v.at("model_tensor").get_to(cv.tensor);
      channel_view(v, cv);
      if (cv.input < 0 || cv.input >= static_cast<int>(l.input_tensors().size()))
        throw InputError(fmt::format("design: layer '{}': input view of input {}, which it does not have", l.name, cv.input));
      l.input_views.push_back(cv);
    }
  if (j.contains("output_view")) {
    ChannelView cv;
    j.at("output_view").at("tensor").get_to(cv.tensor);
    channel_view(j.at("output_view"), cv);
    l.output_view = cv;
  }
  if (j.contains("head")) {
    HeadSlice h;
    j.at("head").at("op").get_to(h.op);
    j.at("head").at("index").get_to(h.index);
    j.at("head").at("count").get_to(h.count);
    if (h.count < 2 || h.index < 0 || h.index >= h.count)
      throw InputError(fmt::format("design: layer '{}': head {} of {}", l.name, h.index, h.count));
    l.head = h;
  }
  l.rows_per_sample = j.value("rows_per_sample", int64_t{1});
  if (l.rows_per_sample < 1)
    throw InputError(fmt::format("design: layer '{}': rows_per_sample must be >= 1, got {}", l.name, l.rows_per_sample));
}

// ---- Design helpers ----

const BufferAlloc* KernelInstance::buffer(const std::string& role) const {
  for (auto& b : buffers)
    if (b.role == role) return &b;
  return nullptr;
}

int64_t SharedBuffer::bytes() const {
  int64_t n = element_bytes * static_cast<int64_t>(num_buffers);
  for (auto d : dimension) n *= d;
  return n;
}

int Design::tiles_used() const {
  int n = 0;
  for (auto& l : layers) n += static_cast<int>(l.kernels.size());
  return n;
}

const LayerDesign* Design::layer(const std::string& name) const {
  for (auto& l : layers)
    if (l.name == name) return &l;
  return nullptr;
}

const KernelInstance* Design::kernel(const std::string& name) const {
  for (auto& l : layers)
    for (auto& k : l.kernels)
      if (k.name == name) return &k;
  return nullptr;
}

json Design::to_json() const {
  return {{"format", "aie4ml-design"},
          {"version", 1},
          {"model", model},
          {"device", device},
          {"batch", batch},
          {"array", {{"columns", columns}, {"compute_rows", compute_rows}, {"memory_tile_rows", memory_tile_rows}}},
          {"layers", layers},
          {"cascades", cascades},
          {"direct_buffers", direct_buffers},
          {"shared_buffers", shared_buffers},
          {"plio", plio},
          {"host_ops", host_ops},
          {"placement", placement}};
}

Design Design::from_json(const json& j) {
  try {
    if (j.value("format", "") != "aie4ml-design")
      throw InputError("design: not an aie4ml design (\"format\" is not \"aie4ml-design\")");
    if (j.at("version").get<int>() != 1)
      throw InputError(fmt::format("design: unsupported version {}", j.at("version").dump()));
    Design d;
    j.at("model").get_to(d.model);
    j.at("device").get_to(d.device);
    j.at("batch").get_to(d.batch);
    const auto& a = j.at("array");
    a.at("columns").get_to(d.columns);
    a.at("compute_rows").get_to(d.compute_rows);
    a.at("memory_tile_rows").get_to(d.memory_tile_rows);
    j.at("layers").get_to(d.layers);
    j.at("cascades").get_to(d.cascades);
    j.at("direct_buffers").get_to(d.direct_buffers);
    j.at("shared_buffers").get_to(d.shared_buffers);
    j.at("plio").get_to(d.plio);
    j.at("host_ops").get_to(d.host_ops);
    j.at("placement").get_to(d.placement);
    return d;
  } catch (const json::exception& e) {
    throw InputError(fmt::format("design: {}", e.what()));
  }
}

std::string Design::dump() const { return to_json().dump(1) + "\n"; }

}  // namespace aie4ml
