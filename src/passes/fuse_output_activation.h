// Pass fuse_output_activation: a network's final Softmax, Sigmoid, Tanh or Clip onto the AIE array, as the
// epilogue of the last Dense layer's output kernel (kernels/softmax.h, kernels/activation_table.h),
// instead of on the host.
// Reads: the partition result (layers and host ops), the quantised Model, the Config
//   (LayerName.<op>.Target = "host" keeps the op on the host; "aie", the default, asks for the epilogue).
// Writes: for each host op "after" that qualifies: its layer gets activation "softmax" / "sigmoid" /
//   "tanh" / "clip", output_tensor and output_type of the op's output, and the op leaves host_ops. The layer's
//   kernels, slices and buffer sizes are unchanged (same element size).
// Checks (all must hold, otherwise the op stays on the host, as before): the op reads the output of a
//   mapped Dense layer with a linear activation, that tensor has no other reader and is no graph output,
//   the layer is one chain (cas_num 1: the whole row on one kernel), both types are fixed point in the
//   layer's 8/16-bit output container; Softmax also: the last axis of a [batch, features] tensor, at most
//   128 features, 0..16 fractional output bits. `why_not` (optional) receives the reason per op.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "io/config.h"
#include "ir/model.h"
#include "passes/partition.h"

namespace aie4ml {

void fuse_output_activation(PartitionResult& parts, const Model& model, const Config& config,
                            std::map<std::string, std::string>* why_not = nullptr);

// A Sigmoid, Tanh or Clip between layers that becomes the epilogue of the Dense layer before it (the same
// kernels/activation_table.h epilogue as at the output): the op that alone reads the output of Dense `dense`
// (linear activation, not a graph output), whose own output feeds other ops and is no graph output, with
// both types fixed point in one 8/16-bit container. nullptr when there is none. The partition then maps the
// Dense with one chain (cas_num 1) and makes the op's output the layer's output (array_region, lower_layer).
const Op* hidden_activation_of(const Model& model, const Op& dense);
// Bytes of the constant table epilogue op `op` (of kind `kind`, reading a Dense output) needs on the
// output kernel's tile (LayerDesign::epilogue_table_bytes): Softmax its bound, Sigmoid/Tanh the reachable
// entries, 0 for the piecewise ones.
int64_t epilogue_table_bytes(OpKind kind, const Model& model, const Op& op);
// The LayerDesign activation of an epilogue op: "softmax", "sigmoid", "tanh", "clip"; nullopt for others.
std::optional<std::string> activation_name(OpKind k);
bool is_hidden_activation(const Model& model, const Op& op);

}  // namespace aie4ml
