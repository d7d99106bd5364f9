// The Vitis project of a compiled model: everything `aie4ml compile` writes besides the model, config
// and mapping files.
// Reads: a legal Design, the quantised Model (codes), the Device, the kernel library folder (kernels/)
//   and the emu folder the Makefile's host target defaults to.
// Writes, into an existing directory (the compile step's temporary directory):
//   aie/            graph.h, graph.cpp, layers.h, parameters.h, src/<layer>.cc, weights/<layer>.h
//                   (aie_sources.h) and kernels/ (the kernel library headers, copied unchanged)
//   data/           <plio>.txt for every input PLIO (random samples in the input types' ranges, fixed
//                   seed) and golden_<plio>.txt for every output PLIO (reference interpreter), in the
//                   simulators' PLIO text format (plio_data.h)
//   Makefile        host (g++ against emu/), run_host, check_host, x86sim, aiesim, hw, clean, and the
//                   board targets check_movers, host_stub, hw_link, package, hw_emu, host_xrt
//   aie.cfg         v++ --mode aie configuration
//   README.md       how to build and simulate with each flow, and run on the board
//   pl/, host/, system.cfg, system_tgen.cfg   the board flow (board_project.h)
// Deterministic: the same inputs give byte-identical files. Checks: the layers are supported by the
// kernels (kernel_spec.h), InputError otherwise, before anything is written.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "ir/model.h"

namespace aie4ml::codegen {

struct ProjectOptions {
  int64_t data_iterations = 4;          // graph iterations of random samples in data/
  uint64_t seed = 1;                    // for those samples
  std::filesystem::path kernels_dir;    // empty: data_root() / "kernels"
  std::filesystem::path emu_dir;        // Makefile default for AIE4ML_EMU; empty: data_root() / "emu"
  std::string platform;                 // Vitis platform name; empty: kDefaultPlatform (board_project.h)
};

struct ProjectSummary {
  int kernels = 0;
  std::vector<std::string> files;       // every file written, relative, sorted
};

ProjectSummary write_project(const Design& design, const Model& model, const Device& device,
                             const std::filesystem::path& dir, const ProjectOptions& options = {});

}  // namespace aie4ml::codegen
