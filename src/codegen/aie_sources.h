// The aie/ folder of a generated project, as text: the ADF graph and the kernel sources.
// Reads: a legal Design, the kernel specs of its layers (kernel_spec.h), the Device (memory-tile size)
//   and the number of graph iterations the data/ files hold.
// Writes (paths relative to the project):
//   aie/graph.h        class aie4ml_graph : adf::graph: one kernel per Design kernel with
//                      location<kernel>, source, runtime ratio, stack/heap size and location, buffer
//                      dimensions and ping-pong locations; weights and bias as asynchronous runtime
//                      parameters with initial values (loaded once, resident) at their allocated
//                      addresses; cascade connections; direct buffers; memory-tile shared buffers with
//                      num_buffers, locations, write/read tiling parameters; PLIO ports (width, PL
//                      clock, shim column)
//   aie/graph.cpp      the graph instance `top` and the simulators' main() (also built by `make host`)
//   aie/layers.h       declarations of the kernel functions (one per layer and cascade variant)
//   aie/parameters.h   each layer's constants (shapes, slices, tiling, shift, activation, types)
//   aie/src/<layer>.cc the kernel functions: thin wrappers around the kernel library templates
//   aie/weights/<layer>.h  packed weights and bias per kernel, as initialiser lists
// Everything is derived from the Design and the Model's codes; the text is deterministic.
// Checks: memory-tile buffers fit their tiles (InputError otherwise).
#pragma once
#include <string>
#include <vector>

#include "codegen/kernel_spec.h"
#include "design/design.h"
#include "device/device.h"

namespace aie4ml::codegen {

struct SourceFile {
  std::string path;  // relative to the project directory, '/' separated
  std::string text;
};

std::vector<SourceFile> aie_sources(const Design& design, const std::vector<DenseKernelSpec>& specs,
                                    const Device& device, int64_t iterations);

// The identifiers graph.h uses, so tests and tools can find things in it.
std::string kernel_member(const std::string& kernel_name);   // "k_<kernel>"
std::string plio_member(const std::string& plio_name);       // "plio_<name>"
std::string buffer_member(const std::string& buffer_name);   // the shared buffer's name as an identifier

}  // namespace aie4ml::codegen
