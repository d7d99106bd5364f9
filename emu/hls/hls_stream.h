// aie4ml host stand-in for hls::stream (UG1399 "HLS Stream Library"): an unbounded FIFO with write(),
// read(), empty(), size() and the << / >> operators. Reading an empty stream throws: on the host every
// producer runs to completion before its consumer, so an empty read means a mover asked for more words
// than the other side produced. Our own declaration, not AMD's header.
#pragma once
#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>

namespace hls {

template <class T>
class stream {
 public:
  stream() = default;
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  void write(const T& v) { q_.push_back(v); }
  T read() {
    if (q_.empty()) throw std::runtime_error("hls::stream stand-in: read from empty stream '" + name_ + "'");
    T v = q_.front();
    q_.pop_front();
    return v;
  }
  void read(T& v) { v = read(); }
  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return q_.size(); }
  stream& operator<<(const T& v) {
    write(v);
    return *this;
  }
  stream& operator>>(T& v) {
    v = read();
    return *this;
  }

 private:
  std::string name_ = "stream";
  std::deque<T> q_;
};

}  // namespace hls
