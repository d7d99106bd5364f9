// What every host translation unit of a generated project includes first: the ADF and AIE API
// emulation. `make host EMU_PCH=1` (as `aie4ml verify` runs it) precompiles this header once per
// compiler and flags into EMU_BUILD_DIR and force-includes it (-include), so that the graph and the
// kernels skip parsing the emulation and the standard library headers it pulls in (about 1.5 s per file).
#pragma once
#include <adf.h>
#include <aie_api/aie.hpp>
#include <aie_api/aie_adf.hpp>
