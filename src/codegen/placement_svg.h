// placement.svg: a map of the array for humans.
// Reads: a Design. Writes: SVG text (deterministic: integer coordinates, fixed order). Checks: nothing.
// Shows compute tiles coloured by layer (numbered as in the legend), cascade links inside chains, direct
// buffers, memory tiles holding shared buffers with their writer/reader links, and PLIO ports, with a key
// to the line styles and a legend of the layers.
#pragma once
#include <string>

#include "design/design.h"

namespace aie4ml {

std::string placement_svg(const Design& design);

// Text made safe inside XML/HTML text and attribute values (& < > ").
std::string xml_escape(const std::string& s);

}  // namespace aie4ml
