// aie4ml host emulation of <adf.h> as kernels see it: buffer ports (adf::input_buffer/output_buffer),
// cascade ports (input_cascade/output_cascade) and the chess loop annotations. Runtime-parameter arrays
// need nothing: a kernel argument `const T (&w)[N]` is an ordinary array reference on the host.
// Graph construction (adf::graph, kernel::create, connect<>, location<>, shared_buffer) is not here yet:
// it belongs in emu/adf/ beside these files.
#pragma once

#include "aie_api/detail/chess.hpp"
#include "adf/io_buffer.h"
#include "adf/stream.h"
#include "adf/graph.h"  // graph construction, constraints and the host scheduler (aie4ml verify)
