// aie4ml's host (x86, g++) implementation of the subset of the AMD AIE API that aie4ml's kernels use:
// aie::vector, aie::accum (acc32, acc64, accfloat), aie::mmul, load_v/store_v, to_vector with the
// rounding and saturation modes, add/sub/mul/mac/max/min, zeros/broadcast/concat, vector iterators.
// Written from the public documentation (xilinx.github.io/aie_api, UG1603, UG1079); no AMD code.
// Put emu/ on the include path and `#include <aie_api/aie.hpp>` compiles kernels for the host.
// Anything outside the subset fails to compile rather than being approximated.
#pragma once

#include "detail/chess.hpp"
#include "detail/types.hpp"
#include "detail/counters.hpp"
#include "detail/modes.hpp"
#include "detail/vector.hpp"
#include "detail/accum.hpp"
#include "detail/ops.hpp"
#include "detail/mmul.hpp"
#include "detail/iterator.hpp"
