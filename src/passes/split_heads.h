// Parallel heads: the attention ops of a multi-head block mapped as one kernel per head, each on its own
// tile, instead of one kernel running every head in turn (issue 10).
//
// Reads: the quantised Model, the tensor-op region (partition_tensor_ops.h) and the lowered layer of an
//   attention op (lower_tensor_op_layer).
// Writes: which ops are split (parallel_head_ops) and, per such op, its H head layers (split_heads):
//   named "<op>_h<i>", LayerDesign::head = {op, i, H}, one head's geometry (MatMul [form, T, 1, Dh, scaled],
//   Softmax [T, T]), features and kernel cost, and channel views on token rows (design/design.h "Parallel
//   heads"): head i reads channels [i Dh, (i+1) Dh) of the rows of H Dh of Q, K and V and writes those of
//   the merged context; the scores and the attention weights live on the array as token rows of H x T
//   ([N, T, H, T]), head i's T x T block being channels [i T, (i+1) T) of every row.
// Which ops: a chain scores MatMul -> row Softmax -> context MatMul (each a tensor-op layer, each output read
//   by the next alone and no graph output) with 1 < H <= max_heads (the partition's: the compute rows, as a
//   split op takes one column of H tiles in the band layout, and the writer / reader ports of a shared
//   buffer). The three split together or not at all: the scores' array
//   layout is the heads' (token rows of H x T), which only head layers read and write. Other attention ops
//   keep the one-kernel mapping, as do chains the config asks to (ParallelHeads false on any of the three).
// Checks: none beyond lower_tensor_op_layer's (a head needs less memory than the whole op).
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "design/design.h"
#include "ir/model.h"
#include "passes/partition_tensor_ops.h"

namespace aie4ml {

// Op name -> its head count, for the ops mapped as parallel heads (see above). A chain with an op in
// `one_kernel` (config LayerName.<op>.ParallelHeads false) keeps one kernel per op.
std::map<std::string, int> parallel_head_ops(const Model& model, const TensorOpRegion& region, int max_heads,
                                             const std::set<std::string>& one_kernel = {});

// The `heads` head layers of `whole` (a lowered MatMul or Softmax layer of parallel_head_ops), kernels
// named "<kernel_prefix>_h<i>_c0_p0".
std::vector<LayerDesign> split_heads(const LayerDesign& whole, int heads, int64_t batch, const std::string& kernel_prefix);

}  // namespace aie4ml
