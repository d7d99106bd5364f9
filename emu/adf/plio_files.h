// aie4ml host emulation runtime: the simulators' PLIO data-file text format: one PLIO word per line,
// as many values per line as elements fit the width (e.g. 16 int8 values on a 128-bit PLIO), decimal.
// Lines starting with 'T' (aiesimulator's timestamps "T 1234 ns" and "TLAST") or '#' carry no data and
// are skipped on reading. Used by host_runtime.cpp only.
#pragma once
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "element_io.h"
#include "graph_registry.h"

namespace aie4ml_emu {
namespace rt {

// The values of a PLIO input file, consumed in order.
class plio_reader {
 public:
  plio_reader(const std::string& path, const std::string& what) : what_(what) {
    std::ifstream in(path);
    if (!in) throw emu_error(what + ": cannot open data file '" + path + "'");
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == 'T' || line[first] == '#') continue;
      std::istringstream s(line);
      long double v;
      while (s >> v) values_.push_back(v);
      if (!s.eof())
        throw emu_error(what + ": '" + path + "' line " + std::to_string(line_no) + " holds something that is not a number");
    }
  }
  // Stores the next `n` values as elements of `type` at `dst`; throws when the file runs out.
  void read(void* dst, std::size_t n, const std::string& type) {
    if (pos_ + n > values_.size())
      throw emu_error(what_ + ": the data file ended after " + std::to_string(values_.size()) + " values; " +
                      std::to_string(pos_ + n) + " were needed");
    for (std::size_t i = 0; i < n; ++i) store_element(dst, i, type, values_[pos_ + i], what_);
    pos_ += n;
  }
  std::size_t remaining() const { return values_.size() - pos_; }

 private:
  std::string what_;
  std::vector<long double> values_;
  std::size_t pos_ = 0;
};

// Appends frames to a PLIO output file, `per_line` values per line.
class plio_writer {
 public:
  plio_writer(const std::string& path, unsigned per_line, const std::string& what)
      : out_(path, std::ios::binary | std::ios::trunc), per_line_(per_line ? per_line : 1), what_(what) {
    if (!out_) throw emu_error(what + ": cannot write data file '" + path + "'");
  }
  void write(const void* src, std::size_t n, const std::string& type) {
    for (std::size_t i = 0; i < n; ++i) {
      out_ << element_text(src, i, type) << ((column_ + 1 == per_line_) ? "\n" : " ");
      column_ = (column_ + 1) % per_line_;
    }
  }
  void close() {
    if (column_ != 0) out_ << "\n";
    column_ = 0;
    out_.flush();
    if (!out_) throw emu_error(what_ + ": writing the data file failed");
  }

 private:
  std::ofstream out_;
  unsigned per_line_;
  unsigned column_ = 0;
  std::string what_;
};

}  // namespace rt
}  // namespace aie4ml_emu
