// Does the graph a project's graph.h builds match its design.json? Both are reduced to the same set of
// facts, and the two sets are compared:
//   kernel tile(c,r)                                  one per kernel (every kernel must have a location)
//   cascade tile(a) -> tile(b)
//   buffer tile(a) -> tile(b)                         direct kernel-to-kernel buffers
//   shared buffer mem(c,r) [dims] num_buffers n
//   shared buffer mem(c,r) [dims] in[i] <- X          X = tile(c,r) | plio 'name'
//   shared buffer mem(c,r) [dims] in[i] access T      T = the write tiling parameters
//   shared buffer mem(c,r) [dims] out[j] -> Y         one per destination
//   shared buffer mem(c,r) [dims] out[j] access T
//   plio 'name' in|out width W column C frequency F
// Reads: a Design and a graph record (JSON written by the host emulation, emu/adf/record.h).
// Writes: the differences. Checks: the record's format.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "design/design.h"

namespace aie4ml::codegen {

std::set<std::string> design_graph_facts(const Design& design);
std::set<std::string> recorded_graph_facts(const nlohmann::json& record);  // throws CheckFailure on a bad record

struct GraphComparison {
  std::vector<std::string> only_in_design, only_in_graph;
  size_t facts = 0;  // compared
  bool matches() const { return only_in_design.empty() && only_in_graph.empty(); }
};

GraphComparison compare_graph(const Design& design, const nlohmann::json& record);

}  // namespace aie4ml::codegen
