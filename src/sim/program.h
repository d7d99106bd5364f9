// The execution engine shared by the integer and float interpreters: a list of prepared kernels over
// numbered tensor slots, run on a batch in chunks of samples. Chunks are independent (every op is
// per-sample), so the results do not depend on the chunk size or on how many threads run the chunks:
// thread t takes chunks t, t + T, t + 2T, ... and writes only its own samples.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace aie4ml::sim {

// One op prepared for execution: reads `batch` samples from each input slot, writes `batch` samples.
template <class T>
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void run(std::span<const T* const> inputs, T* output, int64_t batch) const = 0;
};

template <class T>
struct Program {
  struct Step {
    std::string op;                  // op name, for messages and traces
    std::unique_ptr<Kernel<T>> kernel;
    std::vector<int> inputs;         // slot ids
    int output = -1;
  };
  std::vector<std::string> slot_names;
  std::vector<int64_t> slot_elements;  // per sample
  std::vector<int> input_slots, output_slots;
  std::vector<Step> steps;
  int64_t chunk = 256;                 // samples per chunk: keeps the activations in cache

  // inputs[i]: batch x slot_elements[input_slots[i]] values. Returns one array per output slot, or per
  // slot (every tensor of the graph, in slot order) when `all_slots`.
  std::vector<std::vector<T>> run(std::span<const std::vector<T>> inputs, int64_t batch, int threads,
                                  bool all_slots) const {
    const std::vector<int>& wanted = all_slots ? every_slot() : output_slots;
    std::vector<std::vector<T>> results(wanted.size());
    for (size_t i = 0; i < wanted.size(); ++i)
      results[i].resize(static_cast<size_t>(batch * slot_elements[static_cast<size_t>(wanted[i])]));
    const int64_t chunks = (batch + chunk - 1) / chunk;
    const int workers = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(chunks, 1)));
    auto work = [&](int worker) {
      // One arena per thread, reused across calls (no allocation or page faults per batch).
      thread_local std::vector<T> arena;
      const int64_t rows = std::min(chunk, batch);
      int64_t total = 0;
      for (auto e : slot_elements) total += rows * e;
      if (static_cast<int64_t>(arena.size()) < total) arena.resize(static_cast<size_t>(total));
      std::vector<T*> buffers(slot_elements.size());
      for (size_t s = 0, off = 0; s < buffers.size(); off += static_cast<size_t>(rows * slot_elements[s]), ++s)
        buffers[s] = arena.data() + off;
      std::vector<const T*> ptrs(slot_elements.size(), nullptr);
      for (int64_t c = worker; c < chunks; c += workers) run_chunk(inputs, c, batch, buffers, ptrs, wanted, results);
    };
    if (workers == 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (int w = 0; w < workers; ++w) pool.emplace_back(work, w);
      for (auto& t : pool) t.join();
    }
    return results;
  }

 private:
  std::vector<int> every_slot() const {
    std::vector<int> all(slot_elements.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    return all;
  }

  void run_chunk(std::span<const std::vector<T>> inputs, int64_t c, int64_t batch, const std::vector<T*>& buffers,
                 std::vector<const T*>& ptrs, const std::vector<int>& wanted,
                 std::vector<std::vector<T>>& results) const {
    const int64_t first = c * chunk, n = std::min(chunk, batch - first);
    for (size_t i = 0; i < input_slots.size(); ++i) {
      const auto s = static_cast<size_t>(input_slots[i]);
      ptrs[s] = inputs[i].data() + first * slot_elements[s];
    }
    std::vector<const T*> in;
    for (auto& step : steps) {
      in.clear();
      for (int s : step.inputs) in.push_back(ptrs[static_cast<size_t>(s)]);
      T* out = buffers[static_cast<size_t>(step.output)];
      step.kernel->run(in, out, n);
      ptrs[static_cast<size_t>(step.output)] = out;
    }
    for (size_t i = 0; i < wanted.size(); ++i) {
      const auto s = static_cast<size_t>(wanted[i]);
      const int64_t e = slot_elements[s];
      std::copy(ptrs[s], ptrs[s] + n * e, results[i].begin() + first * e);
    }
  }
};

}  // namespace aie4ml::sim
