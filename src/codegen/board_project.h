// The board half of a generated project: what a VEK280 (or other Versal) owner needs besides the AIE
// graph to run it from DDR with a host program. Hooked into project_writer.cpp.
// Reads: a legal Design (its PLIO ports), the quantised Model (the type and size of each PLIO tensor),
//   the platform name (Config "Model"/"Platform", default kDefaultPlatform) and the number of graph
//   iterations data/ holds.
// Writes (paths relative to the project):
//   pl/mm2s_<plio>.cpp, pl/s2mm_<plio>.cpp, pl/tgen_<plio>.cpp, pl/movers.h   (board_movers.cpp)
//   host/ports.h, host/main.cpp, host/check_movers.cpp                         (board_host.cpp)
//   system.cfg, system_tgen.cfg and the Makefile/README board sections        (board_link.cpp)
// DDR layout (the contract between host/, pl/ and the user's data): per PLIO port one buffer holding
//   `slots` graph iterations of the port's tensor as samples x features codes, row-major, in the
//   tensor's storage type (int8/int16/int32 or unsigned), no padding; iteration i of a run uses slot
//   i % slots. The movers select the port's feature range, pad each sample row to whole PLIO words and
//   pack lane k of a word into bits [k*E, (k+1)*E) (the simulators' text order).
// Checks: PLIO element widths the movers cannot pack (not 8/16/32 bits, or not dividing the PLIO width)
//   are an InputError naming the port. Deterministic text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "codegen/aie_sources.h"
#include "design/design.h"
#include "ir/model.h"

namespace aie4ml::codegen {

inline constexpr const char* kDefaultPlatform = "xilinx_vek280_base_202410_1";

// A PLIO port as the board files see it.
struct BoardPort {
  PlioPort plio;
  std::string id;            // C identifier made of the PLIO name
  std::string mover;         // PL kernel (and instance) name: mm2s_<id> or s2mm_<id>
  std::string tgen;          // traffic generator kernel of an input port: tgen_<id>; empty for outputs
  std::string c_type;        // DDR element type: int8_t, uint16_t, ...
  std::string c_utype;       // unsigned type of the same width (lane bits)
  bool is_signed = true;
  int64_t features = 0;      // elements per DDR row: per sample, or per token row of a token tensor (rows_per_sample > 1)
  int64_t first = 0, count = 0;  // features the port carries: [first, first + count)
  int lanes = 0;             // elements per PLIO word
  int64_t row_words = 0;     // PLIO words per sample
  bool input() const { return plio.direction == "in"; }
};

std::vector<BoardPort> board_ports(const Design& design, const Model& model);

std::vector<SourceFile> board_movers(const Design& design, const std::vector<BoardPort>& ports);
std::vector<SourceFile> board_host(const Design& design, const std::vector<BoardPort>& ports, int64_t data_iterations);
std::vector<SourceFile> board_link(const Design& design, const std::vector<BoardPort>& ports);

// Text appended to the project's Makefile (variables, hw_link, package, hw_emu, host_xrt, host_stub,
// check_movers) and README (the board flow, step by step).
std::string board_makefile(const Design& design, const std::vector<BoardPort>& ports, const std::string& platform);
std::string board_readme(const Design& design, const std::vector<BoardPort>& ports, const std::string& platform);

}  // namespace aie4ml::codegen
