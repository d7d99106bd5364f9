// Pass fold_batchnorm: BatchNormalization into the preceding Dense or Conv.
// Reads: BatchNorm ops (inputs x, scale, bias, mean, var; attr epsilon) and their producers.
// Writes: (1) tf2onnx's Transpose([1,0]) -> BatchNorm -> Transpose([1,0]) on a [N, F] tensor becomes one
//   BatchNorm on [N, F] (the features are the channels; ONNX Runtime rejects the transposed form since its
//   channel axis is the batch). (2) A BatchNorm whose input comes only from a Dense or Conv with float
//   weights and a linear activation is folded: with s = scale / sqrt(var + epsilon),
//   W'[.., c] = W[.., c] * s[c] (Conv: per output channel) and b'[c] = (b[c] - mean[c]) * s[c] + bias[c],
//   computed in double precision; the Dense/Conv takes over the BatchNorm's output tensor.
//   Fixed-point (quantised) weights are not folded: the product would leave their grid; such a BatchNorm
//   stays an op for later stages.
// Checks: a BatchNorm whose channel axis is still the batch after (1) throws InputError.
#pragma once
#include "ir/model.h"

namespace aie4ml::passes {

bool fold_batchnorm(Model& model);  // true when the model changed

}  // namespace aie4ml::passes
