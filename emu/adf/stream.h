// aie4ml host emulation of ADF cascade ports: input_cascade<AccTag> / output_cascade<AccTag> are the
// two ends of a cascade link, a FIFO of 512-bit accumulator words (AM020: 512-bit cascade). The device
// FIFO is 2 words deep and stalls the writer; on the host the link is unbounded so kernels can run one
// after another, and reading an empty link throws (a stall that would never end) unless the link is
// made blocking for a threaded scheduler.
#pragma once
#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "../aie_api/detail/types.hpp"

namespace aie4ml_emu {

template <class Tag>
class cascade_link {
 public:
  using word = std::array<typename acc_traits<Tag>::storage, cascade_lanes<Tag>>;

  void push(const word& w) {
    {
      std::lock_guard<std::mutex> lock(m_);
      fifo_.push_back(w);
      ++writes_;
    }
    cv_.notify_one();
  }
  word pop() {
    std::unique_lock<std::mutex> lock(m_);
    if (!blocking_ && fifo_.empty()) throw emu_error("cascade read from an empty link (the writer has not run)");
    cv_.wait(lock, [&] { return !fifo_.empty(); });
    word w = fifo_.front();
    fifo_.pop_front();
    ++reads_;
    return w;
  }
  void set_blocking(bool b) { blocking_ = b; }
  std::size_t pending() const {
    std::lock_guard<std::mutex> lock(m_);
    return fifo_.size();
  }
  std::size_t words_written() const { return writes_; }
  std::size_t words_read() const { return reads_; }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::deque<word> fifo_;
  bool blocking_ = false;
  std::size_t writes_ = 0, reads_ = 0;
};

}  // namespace aie4ml_emu

template <typename Tag>
class input_cascade {
 public:
  explicit input_cascade(aie4ml_emu::cascade_link<Tag>& link) : link_(&link) {}
  aie4ml_emu::cascade_link<Tag>& link() const { return *link_; }

 private:
  aie4ml_emu::cascade_link<Tag>* link_;
};

template <typename Tag>
class output_cascade {
 public:
  explicit output_cascade(aie4ml_emu::cascade_link<Tag>& link) : link_(&link) {}
  aie4ml_emu::cascade_link<Tag>& link() const { return *link_; }

 private:
  aie4ml_emu::cascade_link<Tag>* link_;
};
