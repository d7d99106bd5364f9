// Small graph-editing helpers shared by the canonicalisation passes: use counts, removing an op that
// passes its input through, merging an op into its producer, copy-on-write access to constants.
#pragma once
#include <string>

#include "ir/model.h"

namespace aie4ml::passes {

int use_count(const Model& m, const std::string& tensor);  // op inputs plus graph outputs
bool is_graph_output(const Model& m, const std::string& tensor);
bool is_graph_input(const Model& m, const std::string& tensor);
Op* producer_of(Model& m, const std::string& tensor);
// The only op reading `tensor`, or nullptr when it has several readers or is a graph output.
Op* sole_consumer(Model& m, const std::string& tensor);

// Remove ops[index], whose output equals its input 0 (no-op): readers of the output read the input.
// When the output is a graph output, the input's producer writes the output name instead (if the input
// has no other use), so graph output names survive.
void bypass(Model& m, size_t index);
// ops[index] is absorbed into the producer of its input tensor `from` (a per-sample operand): that
// producer now writes the op's output tensor and the op is removed. The caller has already updated the
// producer's parameters.
void absorb_into_producer(Model& m, size_t index, const std::string& from);

// The constant behind op input `input`, copied under a fresh name first when other ops also read it, so
// that editing it changes this op only.
Tensor& writable_constant(Model& m, Op& op, size_t input);
// Add a constant under a name derived from `base` that is not taken yet.
std::string add_constant(Model& m, const std::string& base, std::vector<int64_t> shape, std::vector<double> values);

size_t index_of(const Model& m, const Op* op);

}  // namespace aie4ml::passes
