// The cost seam of the partition pass: how good is one way of spreading one layer over the array?
//
// partition() enumerates, for every Dense layer, the legal candidates (cas_length x cas_num kernels,
// mmul tiling, padded slices) and asks a PartitionCost for each candidate's cost. It then picks one
// candidate per layer so that the aggregate cost is smallest and the layers still pack onto the array
// (and under Model.TileBudget, when given). Everything about *performance* lives behind this interface:
// the performance model (sim/) plugs in real cycle estimates by implementing PartitionCost and passing
// it to plan_design(); partition() itself only knows legality and geometry.
//
// Contract for implementers:
// - layer_cost() must be deterministic, finite and >= 0; lower is better. Units are the implementer's
//   (the default returns estimated AIE cycles per batch).
// - aggregate() says how layer costs add up: Sum (latency: one batch goes through the layers one
//   after another) or Max (throughput: the slowest layer sets the interval). With Max, the sum is the
//   tie-breaker.
// - A tile budget is enforced by partition() with a per-tile penalty it adds itself; implementers do
//   not need to know about it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device/device.h"
#include "io/config.h"

namespace aie4ml {

// What partition needs to know about one Dense layer.
struct LayerShape {
  std::string name;
  int64_t in_features = 0, out_features = 0;  // K, N (real)
  int64_t batch = 1;                          // samples per batch (Config.BatchSize)
  std::string type_pair;                      // "int8xint8", ...
  int input_bytes = 1, weight_bytes = 1, output_bytes = 1, acc_bits = 32;
  int bias_bytes = 4;                         // per bias element (kernels/variants.json)
  bool has_bias = false;
  std::vector<MmulShape> tilings;             // mmul shapes both the device and the kernels support
  MmulShape default_tiling{4, 8, 8};
  bool one_chain = false;                     // a Sigmoid/Tanh epilogue between layers: cas_num 1 only
};

// One legal way to map a layer: cas_num chains x cas_length cascaded kernels.
struct LayerCandidate {
  LayerShape layer;
  int cas_length = 1, cas_num = 1;
  MmulShape tiling{4, 8, 8};
  int64_t batch_padded = 0;             // M: batch padded to a multiple of 2 x tile_m
  int64_t k_slice = 0, n_slice = 0;     // features per kernel (aligned)
  // Per-kernel memory (bytes, one copy; inputs and outputs are double-buffered on top of this).
  int64_t weight_bytes = 0, input_bytes = 0, output_bytes = 0, bias_bytes = 0;
  int64_t conv_chunk = 0;               // conv: samples per kernel chunk (LayerDesign::conv_chunk), 0: the batch
  bool conv_direct = false;             // conv: the direct kernel (kernels/conv_direct.h), else im2col (conv.h)
  bool conv_memtile = false;            // conv: the memory-tile im2col kernel (kernels/conv_memtile.h; conv_direct false)

  int tiles() const { return cas_length * cas_num; }
  int64_t k_padded() const { return k_slice * cas_length; }
  int64_t n_padded() const { return n_slice * cas_num; }
};

enum class CostAggregate { Sum, Max };

// One conv kernel variant of a conv layer (passes/partition_conv.h chooses between them): the candidate
// (tiling, slices, chunk, conv_direct) with the conv geometry (LayerDesign::conv order) and a fused
// MaxPool (LayerDesign::pool, empty: none) that the kernel's cost depends on.
// The memory tile streams the kernel's input buffer (candidate.input_bytes: the batch's input, or its
// patch matrix for the memory-tile im2col kernel) per batch at stream_bytes_per_cycle (one DMA channel,
// Device::memory_tile_dma).
struct ConvKernelQuery {
  LayerCandidate candidate;
  std::vector<int64_t> conv, pool;
  double stream_bytes_per_cycle = 4;
};

class PartitionCost {
 public:
  virtual ~PartitionCost() = default;
  virtual double layer_cost(const LayerCandidate& candidate, const Device& device) const = 0;
  virtual CostAggregate aggregate() const = 0;
  virtual std::string name() const = 0;
  // Predicted cycles per batch of one conv kernel variant, for the choice between the im2col, direct and
  // memory-tile im2col conv kernels (ConvKernel "auto"): the kernel's cycles plus the input stream's
  // (serial: one batch streams in, then the kernel runs); nullopt: this cost has no kernel model, and the
  // partition keeps the im2col kernel. The performance model (sim/perf_cost.h) implements it.
  virtual std::optional<double> conv_kernel_cycles(const ConvKernelQuery&) const { return std::nullopt; }
};

// The simple default until the performance model replaces it: estimated AIE cycles per batch of one layer,
//   max(MAC cycles, input-stream cycles, output-stream cycles) + kernel overhead + cascade hops
//   + tile_cost_cycles per tile used,
// with MAC cycles = M * k_slice * n_slice / MACs-per-cycle of the type pair, stream cycles = bytes / the
// tile's stream bytes per cycle (inputs and outputs are double-buffered, so transfers overlap compute).
// The constants are placeholders (not calibrated); objective "latency" sums layers, "throughput" takes
// the maximum.
class AnalyticPartitionCost : public PartitionCost {
 public:
  explicit AnalyticPartitionCost(std::string objective = "latency");
  double layer_cost(const LayerCandidate& c, const Device& device) const override;
  CostAggregate aggregate() const override { return aggregate_; }
  std::string name() const override { return "analytic"; }

  double kernel_overhead_cycles = 40;  // call, lock handshakes, loop prologue (placeholder)
  double cascade_hop_cycles = 8;       // per kernel along a chain (placeholder)
  double tile_cost_cycles = 1;         // prefer fewer tiles when the gain is below this per tile

 private:
  CostAggregate aggregate_;
};

std::unique_ptr<PartitionCost> default_partition_cost(const Config& config);

}  // namespace aie4ml
