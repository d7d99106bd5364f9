// aie4ml host stand-in for the AXI4-Stream side-channel struct of Vitis HLS (UG1399 "AXI4-Stream
// Interfaces with Side-Channels"): ap_axiu<D, U, TI, TD> with data, keep, strb, last (user, id and dest
// only when their widths are non-zero in HLS; always present here, and unused). Our own declaration.
#pragma once
#include "ap_int.h"

template <int D, int U, int TI, int TD>
struct ap_axiu {
  ap_uint<D> data;
  ap_uint<(D + 7) / 8> keep;
  ap_uint<(D + 7) / 8> strb;
  ap_uint<(U > 0 ? U : 1)> user;
  ap_uint<1> last;
  ap_uint<(TI > 0 ? TI : 1)> id;
  ap_uint<(TD > 0 ? TD : 1)> dest;
};
