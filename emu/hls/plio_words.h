// aie4ml host bridge between AXI4-Stream words of a PLIO and the simulators' PLIO text format, for
// running the generated PL data movers (pl/*.cpp, built with the stand-ins in this folder) around the
// host emulation of the graph, whose PLIO ports read and write text files (adf/plio_files.h).
// The convention is the one of the AIE simulators' data files: one PLIO word per line, lane k of a word
// (bits [k*E, (k+1)*E) for E-bit elements) is the k-th value of the line, decimal.
// Reads/writes: words and text lines; `read_plio_values` skips timestamp/TLAST ('T') and '#' lines.
#pragma once
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ap_int.h"

namespace aie4ml_emu::plio_words {

// The line of values a W-bit word carries as E-bit lanes, lane 0 first; signed lanes sign-extend.
template <int W>
std::string text_line(const ap_uint<W>& word, int element_bits, bool is_signed) {
  std::string line;
  for (int k = 0; k < W / element_bits; ++k) {
    const unsigned long long raw = word.get(k * element_bits + element_bits - 1, k * element_bits);
    long long v = static_cast<long long>(raw);
    if (is_signed && element_bits < 64 && (raw >> (element_bits - 1)) & 1u) v -= 1LL << element_bits;
    if (k) line += ' ';
    line += is_signed ? std::to_string(v) : std::to_string(raw);
  }
  return line;
}

// The W-bit word whose lane k holds values[k] (two's complement, low E bits), for W / E values.
template <int W>
ap_uint<W> word_from_values(const int64_t* values, int element_bits) {
  ap_uint<W> word;
  for (int k = 0; k < W / element_bits; ++k)
    word.assign(k * element_bits + element_bits - 1, k * element_bits, static_cast<unsigned long long>(values[k]));
  return word;
}

// Every value of a PLIO text file, in order.
inline std::vector<int64_t> read_plio_values(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open PLIO data file '" + path + "'");
  std::vector<int64_t> values;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == 'T' || line[first] == '#') continue;
    std::istringstream s(line);
    long long v;
    while (s >> v) values.push_back(v);
    if (!s.eof()) throw std::runtime_error("'" + path + "': a line holds something that is not an integer: " + line);
  }
  return values;
}

}  // namespace aie4ml_emu::plio_words
