// The performance model: cycle-approximate timing of a Design on its device.
//
// Reads: a legal Design (after plan_design), its Device (AIE clock, DMA rates, PLIO) and PerfParams
//   (perf_params.h). Writes: a PerfResult: first-batch latency (first input word on the first input PLIO
//   to the first output word on the first output PLIO, one batch, the array idle before, as DESIGN.md and
//   aiesimulator's io_stream_start_difference_cycles define it), latency to the last output word, the
//   steady-state interval (average time between the last output words of successive batches), throughput,
//   per-kernel and per-layer utilisation and efficiency, the bottleneck, and the critical path of the first
//   batch. Checks: the Design's kernels are legal for kernel_cost (InputError otherwise).
//
// How: the Design becomes a network of processes for the event-driven engine (perf_events.h):
// - every kernel: acquires its input buffer (and output buffer if it stores output), spends the ADF
//   per-iteration overhead, then kernel_cost's cycles phase by phase; per 2 x 2 block a cascade
//   rendezvous with its west (read) and east (write) neighbours;
// - every memory-tile DMA channel: its ports' transfers at the device's bytes per cycle per channel,
//   after a setup, acquiring the shared buffer's copy and the destination kernels' input buffers; a
//   reader port broadcasts to every chain of its column at the rate of one channel;
// - every PLIO: streams its rows at width x PL clock (capped by the 32-bit stream it feeds);
// - direct buffers: shared memory (the producer's output copy is the consumer's input copy) or a
//   tile-DMA copy;
// - stream routes add stream_hop_cycles per switch between the two tiles; buffers are double-buffered
//   as the Design says (copies of each allocation, num_buffers of each shared buffer).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "sim/perf_params.h"

namespace aie4ml::perf {

struct KernelPerf {
  std::string name, layer, variant;
  TileCoord tile;
  int64_t kernel_cycles = 0;  // kernel_cost cycles of one invocation
  double busy_cycles = 0;     // per batch in steady state, incl. ADF overhead
  double utilisation = 0;     // kernel_cycles / interval
  int64_t macs = 0;           // per invocation (padded slice)
};

struct LayerPerf {
  std::string name, op;
  std::string kernel;             // which kernel computes it: "dense", "conv im2col", "conv direct",
                                  // "conv memtile im2col", "tensor op"
  int64_t in_features = 0, out_features = 0;
  int cas_length = 1, cas_num = 1, tiles = 1;
  std::array<int, 3> tiling{4, 8, 8};
  int64_t kernel_cycles = 0;      // slowest kernel of the layer (kernel_cost)
  double utilisation = 0;         // mean over its kernels of kernel_cycles / interval
  double efficiency_vs_peak = 0;  // real MACs per interval / (tiles x peak MACs/cycle x interval)
  // Achieved MACs per tile per cycle / the single-kernel baseline: one dense_single kernel computing the
  // layer's per-kernel slice in isolation (kernel_cost cycles, no IO), as the published work defines it.
  double efficiency_vs_single_kernel = 0;
  int64_t macs_per_batch = 0;                               // real (unpadded) MACs of one batch
  double compute_start_cycles = 0, compute_end_cycles = 0;  // first batch: first kernel start, last end
};

struct Bottleneck {
  std::string kind;        // "kernel" | "dma" | "plio"
  std::string name;        // process name (kernel name, "<buffer>.<port>" or PLIO name)
  std::string layer;       // layer it belongs to ("" for PLIO)
  double busy_cycles = 0;  // per batch
};

// One piece of the first batch's critical path.
struct PathSegment {
  std::string what;   // e.g. "kernel fc1_c0_p0", "dma sb_h1.r0", "in flight: sb_h1"
  std::string stage;  // coarse category: "plio in", "memory tile", "compute", "cascade", "in flight", "plio out"
  std::string layer;
  double start = 0, end = 0;  // cycles from the first input word
};

struct PerfResult {
  std::string device, params_file;
  double clock_mhz = 0;
  int64_t batch = 0;
  int tiles_used = 0, tiles_total = 0;
  double latency_cycles = 0, latency_last_cycles = 0, interval_cycles = 0;
  double latency_ns = 0, latency_last_ns = 0, interval_ns = 0;
  double throughput_samples_per_s = 0, gops = 0;
  int64_t macs_per_sample = 0;
  double efficiency_vs_peak = 0, efficiency_vs_single_kernel = 0;
  std::vector<LayerPerf> layers;
  std::vector<KernelPerf> kernels;
  Bottleneck bottleneck;
  std::vector<PathSegment> critical_path;
};

// Which transport the timing assumes. AsDesigned: the Design's own (every shared buffer a memory-tile
// store-and-forward hop, direct buffers as planned). PublishedRules: the transport the published AIE4ML
// builds for the same layers, used to compare the model with its aiesimulator figures:
// - a PLIO with one port on the layer side streams straight into (out of) the kernels: graph input into
//   every chain of a first layer with cas_length 1, graph output from a last layer with one chain;
// - a tensor between one producer kernel and one consumer kernel is a direct buffer, copied by tile DMA
//   (its placement keeps a free column west of every layer, so the two are never memory neighbours);
// - everything else goes through memory-tile shared buffers, as in aie4ml.
// docs/performance-model.md shows the readings tried and why this one.
enum class TransportView { AsDesigned, PublishedRules };
struct SimOptions {
  TransportView transport = TransportView::AsDesigned;
};

PerfResult simulate(const Design& design, const Device& device, const PerfParams& params,
                    const SimOptions& options = {});
PerfResult simulate(const Design& design, const Device& device, const SimOptions& options = {});  // shipped constants

}  // namespace aie4ml::perf
