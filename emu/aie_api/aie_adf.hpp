// aie4ml host emulation of the AIE API's ADF interoperability: aie::begin_vector over buffer ports and
// readincr_v / writeincr of accumulators on cascade ports (one call moves one 512-bit word).
#pragma once
#include <adf.h>

#include "aie.hpp"

namespace aie {

template <unsigned Elems, typename T, typename Dir, typename Config>
auto begin_vector(const adf::io_buffer<T, Dir, Config>& port) {
  return aie4ml_emu::vector_iterator<T, Elems>(port.data());
}

}  // namespace aie

template <unsigned Elems, typename Tag>
aie::accum<Tag, Elems> readincr_v(input_cascade<Tag>* port) {
  static_assert(Elems == aie4ml_emu::cascade_lanes<Tag>,
                "readincr_v on a cascade reads one 512-bit word (16 x acc32/accfloat, 8 x acc64)");
  const auto w = port->link().pop();
  AIE4ML_EMU_COUNT(cascade_reads, 1);
  aie::accum<Tag, Elems> acc;
  for (unsigned i = 0; i < Elems; ++i) aie4ml_emu::set_lane(acc, i, w[i]);
  return acc;
}

template <typename Tag, unsigned Elems>
void writeincr(output_cascade<Tag>* port, const aie::accum<Tag, Elems>& acc) {
  static_assert(Elems == aie4ml_emu::cascade_lanes<Tag>,
                "writeincr on a cascade writes one 512-bit word (16 x acc32/accfloat, 8 x acc64)");
  typename aie4ml_emu::cascade_link<Tag>::word w;
  for (unsigned i = 0; i < Elems; ++i) w[i] = aie4ml_emu::lane(acc, i);
  AIE4ML_EMU_COUNT(cascade_writes, 1);
  port->link().push(w);
}
