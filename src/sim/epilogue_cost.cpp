// Output-activation epilogue cycles (see epilogue_cost.h).
#include "sim/epilogue_cost.h"

#include <cmath>

namespace aie4ml::perf {

int64_t epilogue_cycles(const LayerDesign& l, const EpilogueCycleParams& p) {
  const bool softmax = l.activation == "softmax";
  if (!softmax && l.activation != "sigmoid" && l.activation != "tanh" && l.activation != "leaky_relu" &&
      l.activation != "clip")
    return 0;
  const double rows = static_cast<double>(l.batch_padded);
  const double features = static_cast<double>(l.out_features), padding = static_cast<double>(l.n_slice - l.out_features);
  const double per_row = softmax ? p.softmax_row + features * p.softmax_element : features * p.table_element;
  return static_cast<int64_t>(std::ceil(rows * (per_row + padding * p.padding_element)));
}

}  // namespace aie4ml::perf
