// Design IR (level 2 of 3): the model mapped onto an AIE-ML array.
//
// A Design is what partition -> place -> plan_transport -> allocate_buffers produce and what check_design,
// codegen and the performance model read. It is plain data with a JSON form (design.json) that is
// deterministic: the same model, config and device give byte-identical JSON.
//
// design.json in brief (every key is written; arrays keep the order given here):
//   {"format": "aie4ml-design", "version": 1, "model", "device", "batch",
//    "array": {"columns", "compute_rows", "memory_tile_rows"},
//    "layers": [{"name", "op", "activation", "in_features", "out_features", "in_padded", "out_padded",
//                "k_slice", "n_slice", "cas_length", "cas_num", "tiling": [M,K,N], "batch_padded",
//                "type_pair", "input_type", "weight_type", "output_type", "input_bytes", "weight_bytes",
//                "output_bytes", "acc_bits", "bias_bytes",
//                "input_tensor", "output_tensor", "weight_tensor", "bias_tensor", "origin": [col,row],
//                "placement_fixed", "cost", "rows_per_sample" (optional: only when > 1),
//                "kernels": [{"name", "variant", "chain", "position", "k_range": [b,e), "n_range": [b,e),
//                             "tile": [col,row], "cascade_in", "cascade_out", "writes_output",
//                             "buffers": [{"name", "role", "bytes", "home": [col,row],
//                                          "banks": [..], "offsets": [..]}]}]}],
//    "cascades": [{"from", "to"}],
//    "direct_buffers": [{"name", "tensor", "producer", "consumer", "bytes", "mode", "home": [col,row],
//                        "producer_channel", "consumer_channel"}],
//    "shared_buffers": [{"name", "tensor", "producer", "consumers": [..], "location": [col,row],
//                        "feature_offset", "dimension": [features, batch], "element_bytes", "num_buffers",
//                        "writers": [port], "readers": [port]}],
//      port = {"name", "access": {"buffer_dimension", "tiling_dimension", "offset",
//                                 "tile_traversal": [{"dimension", "stride", "wrap"}], "boundary_dimension"},
//              "dma_tile": [col,row], "dma_channel", "source": endpoint | null, "destinations": [endpoint],
//              "feature_range": [b,e), "row_channels" (optional: channel-view ports only)}
//      endpoint = {"kernel" | "plio", "tile": [col,row], "channel"}
//    "plio": [{"name", "direction", "tensor", "width_bits", "frequency_mhz", "column", "channels",
//              "feature_range": [b,e), "row_elements", "rows", "element_bits",
//              "rows_per_sample" (optional: only when > 1)}],
//    "host_ops": [{"name", "op", "stage": "before" | "after"}],
//    "placement": {"method", "cost", "lower_bound", "optimal", "nodes", "stopped_by"}}
//
// Conv kernel variants (kernels[].variant): "conv_single" runs the im2col kernel (kernels/conv.h
// conv_single_rows), "conv_direct" the direct kernel (kernels/conv_direct.h conv_direct_rows: no "im2col"
// buffer; its K, k_slice / in_padded, is taps x input channels padded to tile_k, k = tap * CIp + ci),
// "conv_memtile_im2col" (added compatibly) the kernel whose im2col the memory tile does
// (kernels/conv_memtile.h conv_memtile_rows: K as conv_direct's, no "im2col" buffer, its "input" buffer is
// the patch matrix, batch x OH x OW rows of taps x CIp elements); the reader port feeding it views the
// shared buffer as buffer_dimension [CI, IW, IH, rows] (the same elements as [features, rows]) and walks one
// window per output position with zero padding (design/conv_memtile.h patch_access).
// Optional layer keys (written only when set): "conv" and "pool" (conv geometry, fused MaxPool),
// "conv_chunk" (a conv kernel that runs the batch in chunks of that many samples; absent: one chunk),
// "epilogue_table_bytes" (the constant table of a Softmax / Sigmoid / Tanh epilogue, reserved in the output
// kernels' tiles as buffer role "constants"),
// "input_order" (a Dense reading a conv output through views), and for tensor-op layers (op "Add",
// "Concat", "MaxPool", "AveragePool", "GlobalAveragePool", and "Relu", "LeakyRelu", "Clip" that could not be
// fused (geometry as Add's, [C, positions]): one kernels/tensor_ops.h kernel on one tile;
// op "MatMul", "Softmax", "LayerNorm": the attention kernels, kernels/matmul_act.h, softmax_rows.h,
// layernorm.h, one kernel on one tile) "inputs": [tensor, ..] (every input tensor in the op's order;
// "input_tensor" is the first) and "tensor_op": [..] (the op's geometry, LayerDesign::tensor_op). A
// tensor-op layer on token tensors has "rows_per_sample" T: its tensors move as batch x T rows.
// An Add or Concat layer whose requantisation runs (partly) as vector code has "tensor_vector":
// [steps, relu_steps, v0, v1, ..] (LayerDesign::tensor_vector; kernels/tensor_ops_plan.h): the requant steps
// of each input's chain (cast + fused Relu / Quantize), how many of them take a relu, and per input (Add:
// one flag for both) 1 when it runs as 32-lane vectors; absent: scalar loops only.
// Channel views (passes/channel_views.h: a channel Slice/Split with step 1, a Concat of same-typed inputs;
// no kernel, no layer): "input_views": [{"input", "model_tensor", "channels": [b,e), "row_channels"}] (a
// layer reading a Slice's output: its inputs[input] is the sliced array tensor, of which it reads channels
// [b,e) of every position's row of row_channels channels; model_tensor is the Slice's output), and
// "output_view": {"tensor", "channels": [b,e), "row_channels"} (a layer feeding a Concat: it writes its
// output_tensor as channels [b,e) of every row of the Concat's output `tensor`, whose shared buffer it
// shares with the Concat's other inputs; that buffer's "producer" is the first of them). A shared-buffer
// port serving such a view has "row_channels" (> 0): its "feature_range" is then the channel range [b,e)
// of every position's row, not a range of per-sample features, and its access reads or writes those
// channels of every row (offset b, stride row_channels along dimension 0).
//
// Parallel heads (passes/split_heads.h): an attention chain (scores MatMul -> row Softmax -> context MatMul)
// of H > 1 heads is mapped as H layers per op, one kernel each on its own tile, named "<op>_h<i>", each with
// "head": {"op", "index", "count"} (the model op it computes head `index` of, of `count`), geometry of one
// head (MatMul [form, T, 1, Dh, scaled]; Softmax [T, T]) and channel views on token rows: head i reads
// channels [i Dh, (i+1) Dh) of the rows of H Dh of Q, K and V and writes those of the merged context; the
// scores and the attention weights travel on the array as token rows of H x T (array layout [N, T, H, T],
// not the model's [N, H, T, T]), head i's T x T block being channels [i T, (i+1) T). Such a layer's
// output_view.tensor is its own output_tensor (it writes a part of it) and its input_views' model_tensor the
// array tensor itself; verify compares each head's output with its block of the model tensor.
//
// Coordinates: compute tile (col,row), row 0 the lowest compute row (ADF tile()); memory tile (col,row),
// row 0 the memory-tile row nearest the shim; PLIO by shim column. Ranges are half-open [begin,end).
// Shared buffers are [features, batch] with features the fastest-varying dimension (ADF tiling
// dimension 0), i.e. batch-major rows of features.
// Token sequences: a Dense applied to [batch, T, F] (the GEMM over the last axis) has rows_per_sample = T;
// its GEMM has M = batch x T rows (batch_padded is that, padded), its tensors travel as batch x T rows of F
// features (a sample's row-major [T, F] data is exactly T rows), and the PLIO ports of such tensors carry
// rows = batch x T with the same rows_per_sample. Absent, both keys mean 1 (one row per sample).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aie4ml {

struct TileCoord {
  int col = 0, row = 0;
  auto operator<=>(const TileCoord&) const = default;
};

struct Range {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
  auto operator<=>(const Range&) const = default;
};

// One allocation in a compute tile's data memory; `copies` ping-pong copies each with a bank and offset.
struct BufferAlloc {
  std::string name;       // unique in the design
  std::string role;       // "weights" | "bias" | "input" | "output" | "stack" | "heap" | conv: "im2col" | "out_tiles"
                          // | tensor op: "input1", "input2", .. (its inputs after the first), "constants"
                          //   (Softmax exp tables, LayerNorm gamma / beta: reserved, the compiler places them)
  int64_t bytes = 0;      // size of one copy
  TileCoord home;         // the tile whose data memory holds it
  std::vector<int> banks;          // bank of each copy
  std::vector<int64_t> offsets;    // byte offset of each copy within the home tile's data memory
  int copies() const { return static_cast<int>(offsets.size()); }
};

struct KernelInstance {
  std::string name;       // "<layer>_c<chain>_p<position>"
  std::string variant;    // "dense_single" | "dense_first" | "dense_middle" | "dense_last" | "conv_single" | "conv_direct"
                          // | "conv_memtile_im2col"
                          // | "tensor_op"
  int chain = 0;          // 0..cas_num-1 (output-feature slice)
  int position = 0;       // 0..cas_length-1 (input-feature slice, west to east along the cascade)
  Range k_range, n_range; // slice of the layer's padded input and output features
  TileCoord tile;
  bool cascade_in = false, cascade_out = false, writes_output = false;
  std::vector<BufferAlloc> buffers;
  const BufferAlloc* buffer(const std::string& role) const;
};

// Channels [channels) of every position's row of `row_channels` channels of a channels-last tensor
// (design.json "input_views" / "output_view"; passes/channel_views.h).
struct ChannelView {
  int input = -1;            // input_views: which of the layer's inputs
  std::string tensor;        // input_views: the model tensor the layer reads (the Slice's output);
                             // output_view: the tensor whose buffer the layer writes into (the Concat's output)
  Range channels;
  int64_t row_channels = 0;
  bool operator==(const ChannelView&) const = default;
};

// One head of an attention op mapped as parallel heads (design.json "head"; passes/split_heads.h).
struct HeadSlice {
  std::string op;  // the model op
  int index = 0, count = 0;
  bool operator==(const HeadSlice&) const = default;
};

struct LayerDesign {
  std::string name, op = "Dense", activation = "linear";
  int64_t in_features = 0, out_features = 0;  // real
  int64_t in_padded = 0, out_padded = 0;      // cas_length * k_slice, cas_num * n_slice
  int64_t k_slice = 0, n_slice = 0;           // per kernel
  int cas_length = 1, cas_num = 1;
  int tile_m = 4, tile_k = 8, tile_n = 8;     // aie::mmul shape
  int64_t batch_padded = 0;                   // M: the GEMM rows padded to a multiple of 2 x tile_m
  int64_t rows_per_sample = 1;                // Dense over tokens: T rows per sample (GEMM rows = batch x T)
  std::string type_pair;                      // "int8xint8", ...
  std::string input_type, weight_type, output_type;  // numeric type strings
  int input_bytes = 1, weight_bytes = 1, output_bytes = 1, acc_bits = 32;
  int bias_bytes = 4;                         // per bias element; the bias holds n_slice x tile_m of them
  std::string input_tensor, output_tensor, weight_tensor, bias_tensor;
  TileCoord origin;                           // tile of kernel (chain 0, position 0)
  bool placement_fixed = false;               // set by a Placement override
  double cost = 0;                            // partition cost of the chosen candidate
  std::vector<KernelInstance> kernels;        // chain-major: index = chain * cas_length + position
  // op "Conv" (design.json "conv", only then): the geometry, ConvGemm order: CI, IH, IW, KH, KW, SH, SW,
  // DH, DW, PH, PW, OH, OW. A conv layer's in_features are one sample's input elements (channels-last),
  // its GEMM K (window) is k_slice-padded, its rows (batch_padded) are batch x OH x OW padded; it writes
  // out_features real channels per output position (docs/performance-model.md, src/passes/partition_conv.h).
  std::vector<int64_t> conv;
  // design.json "pool" (a conv layer with a fused MaxPool, only then): the pool window and stride PKH, PKW,
  // PSH, PSW (no padding, dilation 1). The kernel writes, per pooled position, the max of the window's
  // output codes; output_tensor is then the MaxPool's output (conv_layout::out_positions).
  std::vector<int64_t> pool;
  // design.json "conv_chunk" (a conv layer whose kernel runs the batch in chunks, only then): samples per
  // chunk, a divisor of the batch below it (kernels/conv.h Chunk). The kernel's im2col and GEMM-result
  // buffers hold one chunk's rows (conv_layout::chunk_rows_padded); 0: the whole batch at once.
  int64_t conv_chunk = 0;
  // design.json "epilogue_table_bytes" (only when > 0): the constant table of the layer's activation
  // epilogue (Softmax exp tables: their bound, 4268; Sigmoid / Tanh: the entries the Dense output type
  // reaches x output bytes), which allocate_buffers reserves in each output-writing kernel's tile.
  int64_t epilogue_table_bytes = 0;
  // design.json "input_order" (only when not the identity): input feature i of the array layout is
  // feature input_order[i] of the model's input tensor (a Dense reading a conv output through a Flatten).
  std::vector<int64_t> input_order;
  // Tensor-op layers (op Add / Concat / MaxPool / AveragePool / GlobalAveragePool / MatMul / Softmax /
  // LayerNorm, variant "tensor_op"):
  // design.json "inputs", every input tensor in the op's order (input_tensor is inputs[0]); each is read
  // whole (batch x per-sample elements, channels-last) from its memory-tile shared buffer. design.json
  // "tensor_op", the geometry (design/tensor_op_layout.h): Add [C, positions]; Concat [positions, C0, C1, ..];
  // pools [C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, count_include_pad]; MatMul [form, T, H, Dh, scaled];
  // Softmax / LayerNorm [rows, cols]. Such a layer's in_features are
  // input 0's per-sample elements, its out_features the output's per-sample elements; the unary ops fused
  // after it (Relu, Quantize; after MatMul also the scalar Mul and the head-merge views) are found in the
  // model between the op and output_tensor; a MatMul's inputs are the tensors before its head-split views.
  std::vector<std::string> inputs;
  std::vector<int64_t> tensor_op;
  // design.json "tensor_vector" (Add / Concat with a vectorised chain; see the header comment): [steps,
  // relu_steps, v0, v1, ..]; empty: scalar loops. Set by partition (the model's types decide), read by the
  // cost model (tensor_op_layout.h kernel_cycles); the kernel takes the same decision from its Cfg.
  std::vector<int64_t> tensor_vector;
  // Channel views (see the header comment): inputs read as a channel range of an array tensor, and the
  // output written as a channel range of a Concat's output buffer.
  std::vector<ChannelView> input_views;
  std::optional<ChannelView> output_view;
  // Parallel heads: which head of which model op this layer computes (absent: the whole op).
  std::optional<HeadSlice> head;
  // The model op the layer computes (all of it, or one head).
  const std::string& model_op() const { return head ? head->op : name; }
  const ChannelView* input_view(const std::string& array_tensor) const {
    const auto ins = input_tensors();
    for (auto& v : input_views)
      if (v.input >= 0 && v.input < static_cast<int>(ins.size()) && ins[v.input] == array_tensor) return &v;
    return nullptr;
  }
  // The tensor whose shared buffer the layer's output goes to: the Concat's output for an output view.
  const std::string& written_tensor() const { return output_view ? output_view->tensor : output_tensor; }
  bool is_conv() const { return !conv.empty(); }
  bool is_tensor_op() const { return !tensor_op.empty(); }
  // Every tensor the layer reads: inputs, or input_tensor alone.
  std::vector<std::string> input_tensors() const { return inputs.empty() ? std::vector<std::string>{input_tensor} : inputs; }
  bool reads(const std::string& t) const {
    for (auto& i : input_tensors()) if (i == t) return true;
    return false;
  }

  int tiles() const { return cas_length * cas_num; }
  KernelInstance& kernel(int chain, int position) { return kernels[chain * cas_length + position]; }
  const KernelInstance& kernel(int chain, int position) const { return kernels[chain * cas_length + position]; }
};

struct CascadeLink {
  std::string from, to;  // kernel names
};

// A tensor edge between exactly one producer kernel and one consumer kernel with the same layout.
struct DirectBuffer {
  std::string name, tensor, producer, consumer;  // producer/consumer: kernel names
  int64_t bytes = 0;                             // one copy (double-buffered)
  std::string mode;        // "shared_memory": one buffer both cores reach; "dma": tile DMA copy
  TileCoord home;          // shared_memory: where the buffer lives
  int producer_channel = -1, consumer_channel = -1;  // dma: MM2S on producer tile, S2MM on consumer tile
};

// ADF tiling parameters of one shared-buffer port (UG1603 `tiling({...})`).
struct TraversalStep {
  int dimension = 0;
  int64_t stride = 0, wrap = 0;
  bool operator==(const TraversalStep&) const = default;
};

struct TilingParams {
  std::vector<int64_t> buffer_dimension, tiling_dimension, offset, boundary_dimension;
  std::vector<TraversalStep> tile_traversal;  // innermost loop first
  bool operator==(const TilingParams&) const = default;
};

// A compute-tile or PLIO end of a shared-buffer port.
struct Endpoint {
  std::string kernel;  // kernel name, or empty for a PLIO endpoint
  std::string plio;    // PLIO port name, or empty
  TileCoord tile;      // the tile whose DMA channel is used (kernel endpoints)
  int channel = -1;    // that tile's DMA channel (S2MM for destinations, MM2S for sources)
};

struct SharedBufferPort {
  std::string name;
  TilingParams access;
  TileCoord dma_tile;       // memory tile whose DMA channel serves this port (home or east/west neighbour)
  int dma_channel = -1;     // S2MM channel for writers, MM2S channel for readers
  std::optional<Endpoint> source;        // writers: who streams into the port
  std::vector<Endpoint> destinations;    // readers: every kernel (or PLIO) the port broadcasts to
  Range feature_range;                   // features of the tensor this port carries (absolute)
  int64_t row_channels = 0;              // > 0: a channel-view port; feature_range is then the channel range
                                         // of every position's row of row_channels channels
};

struct SharedBuffer {
  std::string name, tensor;
  std::string producer;                  // layer name or "plio:<name>"
  std::vector<std::string> consumers;    // layer names or "plio:<name>"
  TileCoord location;                    // memory tile
  int64_t feature_offset = 0;            // shards: first tensor feature held
  std::vector<int64_t> dimension;        // {features, batch}
  int element_bytes = 1;
  int num_buffers = 2;
  std::vector<SharedBufferPort> writers, readers;
  int64_t bytes() const;                 // all copies
};

struct PlioPort {
  std::string name, direction;  // "in" (PL -> AIE) | "out"
  std::string tensor;
  int width_bits = 128;
  double frequency_mhz = 0;
  int column = 0;
  int channels = 0;             // PL-interface channels it occupies in its column
  Range feature_range;          // features of the tensor it carries
  int64_t row_elements = 0;     // elements per sample row on the stream (feature range padded to whole words)
  int64_t rows = 0;             // rows per batch: samples x rows_per_sample
  int element_bits = 8;
  int64_t rows_per_sample = 1;  // rows of one sample (tokens of a [batch, T, F] tensor; 1 otherwise)
};

// An op of the model that runs on the host around the array: layout/cast ops before the first layer
// ("before"), or ops after the last layer that no layer reads ("after", e.g. a final Softmax).
struct HostOp {
  std::string name, op, stage;
};

struct PlacementReport {
  std::string method;       // e.g. "branch-and-bound"
  double cost = 0, lower_bound = 0;
  bool optimal = false;
  int64_t nodes = 0;
  std::string stopped_by;   // "complete" | "node_limit" | "time_limit"
};

struct Design {
  std::string model, device;
  int64_t batch = 0;
  int columns = 0, compute_rows = 0, memory_tile_rows = 0;
  std::vector<LayerDesign> layers;  // topological order
  std::vector<CascadeLink> cascades;
  std::vector<DirectBuffer> direct_buffers;
  std::vector<SharedBuffer> shared_buffers;
  std::vector<PlioPort> plio;
  std::vector<HostOp> host_ops;
  PlacementReport placement;

  int tiles_used() const;
  int tiles_total() const { return columns * compute_rows; }
  const LayerDesign* layer(const std::string& name) const;
  const KernelInstance* kernel(const std::string& name) const;

  nlohmann::json to_json() const;
  static Design from_json(const nlohmann::json& j);  // throws InputError naming the bad key
  std::string dump() const;                          // to_json().dump(1) + "\n": design.json text
};

}  // namespace aie4ml
