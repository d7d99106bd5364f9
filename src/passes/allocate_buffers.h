// Buffer allocation: where every kernel's data lives in tile data memory, bank by bank.
// Reads: a placed Design with transport planned (direct shared-memory buffers decide where some inputs
//   live). Writes: KernelInstance::buffers of every kernel: weights (one bank), input and output
//   ping-pong copies, bias, stack and heap, each copy inside one bank at an aligned offset.
// Checks: that everything fits; throws InputError naming the kernel and the bytes it would need.
//
// Bank policy (why): weights sit alone in their bank when possible, and the two copies of a ping-pong
// buffer sit in different banks that do not hold the weights, so the core's two loads per cycle and the
// DMA filling the other copy do not collide on a bank.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"

namespace aie4ml {

struct BufferRequest {
  std::string role;  // "weights" | "input" | "output" | "bias" | "stack" | "heap" | "im2col" | "out_tiles" (conv)
  int64_t bytes = 0;
  int copies = 1;
};

struct BankPlacement {
  std::vector<int> banks;        // per copy
  std::vector<int64_t> offsets;  // per copy, bytes from the start of data memory
};

// Pack the requests into one tile's data memory, in order. `reserved[b]` bytes at the start of bank b
// are taken already. nullopt when they do not fit.
std::optional<std::vector<BankPlacement>> pack_tile_memory(const std::vector<BufferRequest>& requests,
                                                           const Device& device,
                                                           std::vector<int64_t> reserved = {});

// The requests of one kernel of a layer (`last`: the kernel that writes the chain's output).
std::vector<BufferRequest> kernel_buffer_requests(int64_t weight_bytes, int64_t input_bytes, int64_t output_bytes,
                                                  int64_t bias_bytes, bool last, bool input_in_own_tile,
                                                  const Device& device);

void allocate_buffers(Design& design, const Device& device);

}  // namespace aie4ml
