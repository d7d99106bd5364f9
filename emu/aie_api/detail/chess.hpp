// aie4ml host emulation: the chess compiler's loop annotations compile away on the host. On the AIE
// they are compiler keywords, so kernels may use them freely.
#pragma once

#ifndef chess_prepare_for_pipelining
#define chess_prepare_for_pipelining
#endif
#ifndef chess_loop_range
#define chess_loop_range(...)
#endif
#ifndef chess_loop_count
#define chess_loop_count(...)
#endif
#ifndef chess_unroll_loop
#define chess_unroll_loop(...)
#endif
#ifndef chess_flatten_loop
#define chess_flatten_loop
#endif
#ifndef chess_no_hw_loop
#define chess_no_hw_loop
#endif
