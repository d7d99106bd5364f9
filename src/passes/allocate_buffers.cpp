// Buffer allocation pass (see allocate_buffers.h).
#include "passes/allocate_buffers.h"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "design/conv_layout.h"
#include "passes/partition_conv.h"
#include "passes/partition_tensor_ops.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int64_t align_up(int64_t x, int64_t a) { return (x + a - 1) / a * a; }

struct BankState {
  int64_t used = 0;
  bool has_weights = false;
  std::vector<std::string> roles;
};

// The bank to put one copy in: fits, then avoids the weights' bank and the sibling copy, then least
// used, then lowest index. -1 when none fits.
int choose_bank(const std::vector<BankState>& banks, const BufferRequest& r, int sibling_bank, int64_t bank_bytes,
                int64_t align) {
  int best = -1;
  std::tuple<int, int, int64_t, int> best_key{};
  for (int b = 0; b < static_cast<int>(banks.size()); ++b) {
    if (align_up(banks[b].used, align) + r.bytes > bank_bytes) continue;
    const bool weights_here = r.role == "weights" ? banks[b].used > 0 : banks[b].has_weights;
    std::tuple<int, int, int64_t, int> key{weights_here ? 1 : 0, b == sibling_bank ? 1 : 0, banks[b].used, b};
    if (best < 0 || key < best_key) {
      best = b;
      best_key = key;
    }
  }
  return best;
}

}  // namespace

std::optional<std::vector<BankPlacement>> pack_tile_memory(const std::vector<BufferRequest>& requests,
                                                           const Device& device, std::vector<int64_t> reserved) {
  const int64_t bank_bytes = device.bank_bytes();
  const int64_t align = device.buffer_alignment_bytes;
  std::vector<BankState> banks(device.data_memory_banks);
  for (size_t b = 0; b < reserved.size() && b < banks.size(); ++b) banks[b].used = reserved[b];
  std::vector<BankPlacement> out;
  for (auto& r : requests) {
    BankPlacement p;
    int sibling = -1;
    for (int c = 0; c < r.copies; ++c) {
      if (r.bytes == 0) break;
      const int b = choose_bank(banks, r, sibling, bank_bytes, align);
      if (b < 0) return std::nullopt;
      const int64_t off = align_up(banks[b].used, align);
      banks[b].used = off + r.bytes;
      banks[b].has_weights |= r.role == "weights";
      p.banks.push_back(b);
      p.offsets.push_back(b * bank_bytes + off);
      sibling = b;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<BufferRequest> kernel_buffer_requests(int64_t weight_bytes, int64_t input_bytes, int64_t output_bytes,
                                                  int64_t bias_bytes, bool last, bool input_in_own_tile,
                                                  const Device& device) {
  std::vector<BufferRequest> r{{"weights", weight_bytes, 1}};
  if (input_in_own_tile) r.push_back({"input", input_bytes, 2});
  if (last) {
    r.push_back({"output", output_bytes, 2});
    if (bias_bytes > 0) r.push_back({"bias", bias_bytes, 1});
  }
  r.push_back({"stack", device.stack_bytes, 1});
  r.push_back({"heap", device.heap_bytes, 1});
  return r;
}

namespace {

// Direct buffers by the kernels at their ends.
struct DirectIndex {
  std::map<std::string, const DirectBuffer*> by_producer, by_consumer;
  explicit DirectIndex(const Design& design) {
    for (auto& d : design.direct_buffers) {
      by_producer[d.producer] = &d;
      by_consumer[d.consumer] = &d;
    }
  }
};

std::string buffer_name(const KernelInstance& k, const std::string& role) { return k.name + "." + role; }

void allocate_kernel(const LayerDesign& layer, KernelInstance& k, const DirectIndex& direct, const Device& device,
                     int64_t batch) {
  const auto in_it = direct.by_consumer.find(k.name);
  const auto out_it = direct.by_producer.find(k.name);
  const DirectBuffer* direct_in = in_it == direct.by_consumer.end() ? nullptr : in_it->second;
  const DirectBuffer* direct_out = out_it == direct.by_producer.end() ? nullptr : out_it->second;
  // A shared-memory direct buffer lives in the producer's tile: the consumer has no input copy of its own.
  const bool input_elsewhere = direct_in && direct_in->mode == "shared_memory";
  const int64_t w = layer.k_slice * layer.n_slice * layer.weight_bytes;
  const int64_t in = conv_layout::input_buffer_bytes(layer, batch);
  const int64_t out = conv_layout::output_buffer_bytes(layer, batch);
  const int64_t bias = layer.n_slice * layer.tile_m * layer.bias_bytes;  // always taken by the kernels
  auto requests = layer.is_tensor_op() ? tensor_op_requests(layer, batch, device)
                  : layer.is_conv()     ? conv_kernel_requests(w, in, conv_layout::im2col_bytes(layer),
                                                         conv_layout::out_tiles_bytes(layer), out, bias, device)
                                  : kernel_buffer_requests(w, in, out, bias, k.writes_output, !input_elsewhere, device);
  if (k.writes_output && layer.epilogue_table_bytes > 0 && !layer.is_tensor_op())  // the epilogue's table
    requests.insert(requests.end() - 2, BufferRequest{"constants", layer.epilogue_table_bytes, 1});
  auto packed = pack_tile_memory(requests, device);
  if (!packed) {
    int64_t total = 0;
    for (auto& r : requests) total += r.bytes * r.copies;
    throw InputError(fmt::format(
        "layer '{}': kernel {} needs {} bytes of data memory ({} of weights) in {} banks of {} bytes; it does not fit",
        layer.name, k.name, total, w, device.data_memory_banks, device.bank_bytes()));
  }
  k.buffers.clear();
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].bytes == 0) continue;
    BufferAlloc b{buffer_name(k, requests[i].role), requests[i].role, requests[i].bytes, k.tile,
                  (*packed)[i].banks, (*packed)[i].offsets};
    // A direct buffer is one allocation known to both kernels by the direct buffer's name.
    if (b.role == "output" && direct_out)
      b.name = direct_out->mode == "shared_memory" ? direct_out->name : direct_out->name + ".out";
    if (b.role == "input" && direct_in) b.name = direct_in->name + ".in";
    k.buffers.push_back(std::move(b));
  }
}

// Consumers of shared-memory direct buffers see the producer's output allocation as their input.
void link_shared_memory_inputs(Design& design) {
  for (auto& d : design.direct_buffers) {
    if (d.mode != "shared_memory") continue;
    const KernelInstance* producer = design.kernel(d.producer);
    const BufferAlloc* out = producer ? producer->buffer("output") : nullptr;
    if (!out) continue;
    BufferAlloc in = *out;
    in.role = "input";
    for (auto& l : design.layers)
      for (auto& k : l.kernels)
        if (k.name == d.consumer) k.buffers.insert(k.buffers.begin() + 1, in);
  }
}

}  // namespace

void allocate_buffers(Design& design, const Device& device) {
  const DirectIndex direct(design);
  for (auto& layer : design.layers)
    for (auto& k : layer.kernels) allocate_kernel(layer, k, direct, device, design.batch);
  link_shared_memory_inputs(design);
}

}  // namespace aie4ml
