// aie4ml host emulation: executing a recorded ADF graph (graph_registry.h) on the host, bit-exactly
// and deterministically, as a dataflow network.
//
// - Kernel buffer ports are ping-pong queues of two frames (ADF's default double buffering). A kernel
//   fires when every input buffer holds a frame, every output buffer has a free frame, its input
//   cascade's writer has run more often than it has, and its output cascade's reader has caught up.
//   Cascade links are FIFOs of 512-bit words (adf/stream.h); a writer may run one invocation ahead.
// - A shared buffer has num_buffers frames. Writer port i fills frame (its count mod num_buffers) by
//   scattering its stream through its write_access pattern; a frame is readable once every writer has
//   written it. Reader port j gathers its stream through its read_access pattern, padding reads zero;
//   a frame is free again once every reader has read it. Reading an element inside the boundary that
//   no writer wrote this frame, or writing one element twice, is an error (garbage on the device).
// - DMA transfers move one frame at a time: kernel output -> shared buffer, shared buffer -> every
//   kernel input it broadcasts to, PLIO file -> shared buffer or kernel, and back out to PLIO files.
// - Tasks are tried in a fixed order until none can fire; stopping short of the requested iterations
//   is a deadlock, reported with what every unfinished kernel waits for.
// Settings come from the environment (the generated main() is the simulators' and takes no options):
//   AIE4ML_INPUT_DIR   base of relative PLIO input files (default ".")
//   AIE4ML_OUTPUT_DIR  base of PLIO output files (default "host_output")
//   AIE4ML_ITERATIONS  overrides the iteration count graph.run() asks for
//   AIE4ML_TRACE_DIR   when set, every kernel output-buffer frame is appended to
//                      kernel_<col>_<row>_out<j>.bin there (raw elements)
//   AIE4ML_GRAPH_RECORD when set, the graph record (record.h) is written there by init()
#pragma once
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "element_io.h"
#include "graph_registry.h"
#include "plio.h"
#include "plio_files.h"
#include "record.h"
#include "stream.h"
#include "tiling.h"

namespace aie4ml_emu {
namespace rt {

struct settings {
  std::string input_dir = ".", output_dir = "host_output", trace_dir, record_path;
  long long iterations = -1;  // -1: as graph.run() says

  static settings from_env() {
    settings s;
    auto get = [](const char* k) -> std::string {
      const char* v = std::getenv(k);
      return v ? std::string(v) : std::string();
    };
    if (auto v = get("AIE4ML_INPUT_DIR"); !v.empty()) s.input_dir = v;
    if (auto v = get("AIE4ML_OUTPUT_DIR"); !v.empty()) s.output_dir = v;
    s.trace_dir = get("AIE4ML_TRACE_DIR");
    s.record_path = get("AIE4ML_GRAPH_RECORD");
    if (auto v = get("AIE4ML_ITERATIONS"); !v.empty()) {
      char* end = nullptr;
      s.iterations = std::strtoll(v.c_str(), &end, 10);
      if (*end || s.iterations < 0)
        throw emu_error("AIE4ML_ITERATIONS must be a non-negative integer, got '" + v + "'");
    }
    return s;
  }
};

// Zero-initialised, 64-byte aligned memory (vector loads and stores are aligned on the device).
class aligned_block {
 public:
  explicit aligned_block(std::size_t bytes = 0) : bytes_(bytes) {
    const std::size_t rounded = ((bytes + 63) / 64) * 64;
    p_.reset(static_cast<unsigned char*>(std::aligned_alloc(64, rounded ? rounded : 64)));
    if (!p_) throw std::bad_alloc();
    std::memset(p_.get(), 0, rounded ? rounded : 64);
  }
  unsigned char* data() const { return p_.get(); }
  std::size_t size() const { return bytes_; }

 private:
  struct free_deleter {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, free_deleter> p_;
  std::size_t bytes_;
};

// A kernel buffer port's frames: filled at the back, drained at the front.
class frame_queue {
 public:
  frame_queue(std::size_t bytes, int depth) {
    for (int i = 0; i < depth; ++i) frames_.emplace_back(bytes);
  }
  bool can_push() const { return filled_ < static_cast<int>(frames_.size()); }
  bool can_pop() const { return filled_ > 0; }
  unsigned char* back() { return frames_[(head_ + filled_) % frames_.size()].data(); }
  unsigned char* front() { return frames_[head_].data(); }
  void push() { ++filled_; }
  void pop() {
    head_ = (head_ + 1) % static_cast<int>(frames_.size());
    --filled_;
  }
  std::size_t bytes() const { return frames_.front().size(); }

 private:
  std::vector<aligned_block> frames_;
  int head_ = 0, filled_ = 0;
};

// A shared buffer at run time: frames, per-port patterns and progress (see the header comment).
class shared_buffer_state {
 public:
  explicit shared_buffer_state(node& n) : n_(n), eb_(n.elem_bytes) {
    elems_ = 1;
    for (auto d : n.dimension) elems_ *= d;
    if (n.num_buffers < 1) throw emu_error(n.describe() + ": num_buffers must be >= 1");
    for (std::size_t i = 0; i < n.in.size(); ++i) waddr_.push_back(pattern(n.in[i], "in", i));
    for (std::size_t j = 0; j < n.out.size(); ++j) raddr_.push_back(pattern(n.out[j], "out", j));
    for (int f = 0; f < n.num_buffers; ++f)
      frames_.push_back(frame{aligned_block(elems_ * eb_), std::vector<char>(elems_), std::vector<char>(n.in.size()),
                              std::vector<char>(n.out.size()), 0, 0, false});
    wcount_.assign(n.in.size(), 0);
    rcount_.assign(n.out.size(), 0);
  }
  std::size_t write_elems(int port) const { return waddr_[port].size(); }
  std::size_t read_elems(int port) const { return raddr_[port].size(); }

  bool can_write(int port) const {
    const frame& f = frames_[wcount_[port] % frames_.size()];
    return !f.full && !f.writer_done[port];
  }
  bool can_read(int port) const {
    const frame& f = frames_[rcount_[port] % frames_.size()];
    return f.full && !f.reader_done[port];
  }

  void write(int port, const unsigned char* src) {
    frame& f = frames_[wcount_[port] % frames_.size()];
    const auto& addr = waddr_[port];
    for (std::size_t k = 0; k < addr.size(); ++k) {
      const std::int64_t a = addr[k];
      if (a < 0) continue;  // padding: dropped
      if (f.written[a])
        throw emu_error(n_.describe() + " in[" + std::to_string(port) + "]: element " + coords(a) +
                        " is written twice in one buffer frame (a race on the device)");
      f.written[a] = 1;
      std::memcpy(f.data.data() + a * eb_, src + k * eb_, eb_);
    }
    f.writer_done[port] = 1;
    ++wcount_[port];
    if (++f.writers == static_cast<int>(waddr_.size())) f.full = true;
  }

  void read(int port, unsigned char* dst) {
    frame& f = frames_[rcount_[port] % frames_.size()];
    const auto& addr = raddr_[port];
    for (std::size_t k = 0; k < addr.size(); ++k) {
      const std::int64_t a = addr[k];
      if (a < 0) {
        std::memset(dst + k * eb_, 0, eb_);  // zero padding
        continue;
      }
      if (!f.written[a])
        throw emu_error(n_.describe() + " out[" + std::to_string(port) + "]: reads element " + coords(a) +
                        ", which no writer wrote in this buffer frame (garbage on the device)");
      std::memcpy(dst + k * eb_, f.data.data() + a * eb_, eb_);
    }
    f.reader_done[port] = 1;
    ++rcount_[port];
    if (++f.readers == static_cast<int>(raddr_.size())) {  // every reader done: the frame is free
      std::fill(f.written.begin(), f.written.end(), 0);
      std::fill(f.writer_done.begin(), f.writer_done.end(), 0);
      std::fill(f.reader_done.begin(), f.reader_done.end(), 0);
      f.writers = f.readers = 0;
      f.full = false;
    }
  }

  std::string state() const {
    std::ostringstream s;
    s << n_.describe() << ": frames written per writer " << json_list(wcount_) << ", read per reader "
      << json_list(rcount_);
    return s.str();
  }

 private:
  struct frame {
    aligned_block data;
    std::vector<char> written, writer_done, reader_done;
    int writers, readers;
    bool full;
  };

  std::vector<std::int64_t> pattern(const port_info& p, const char* dir, std::size_t i) const {
    const std::string where = n_.describe() + " " + dir + "[" + std::to_string(i) + "]";
    if (!p.access)
      throw emu_error(where + ": no " + (dir[0] == 'i' ? "write_access" : "read_access") + " tiling given");
    // A tiling may view the buffer with other dimensions (UG1603: buffer_dimension defaults to the
    // buffer's own), over the same elements: e.g. {CI, IW, IH, rows} for the rows of a conv input.
    const auto elements = [](const std::vector<unsigned>& dims) {
      std::size_t n = 1;
      for (auto x : dims) n *= x;
      return n;
    };
    if (p.access->buffer_dimension != n_.dimension && elements(p.access->buffer_dimension) != elements(n_.dimension))
      throw emu_error(where + ": tiling buffer_dimension " + json_list(p.access->buffer_dimension) +
                      " covers other elements than the shared buffer's dimension " + json_list(n_.dimension));
    return expand_tiling(*p.access, where);
  }

  std::string coords(std::int64_t a) const {
    std::string s = "(";
    for (std::size_t d = 0; d < n_.dimension.size(); ++d) {
      if (d) s += ',';
      s += std::to_string(a % n_.dimension[d]);
      a /= n_.dimension[d];
    }
    return s + ")";
  }

  node& n_;
  std::size_t eb_, elems_ = 0;
  std::vector<std::vector<std::int64_t>> waddr_, raddr_;
  std::vector<frame> frames_;
  std::vector<long long> wcount_, rcount_;
};

struct kernel_task;

struct cascade_state {
  std::shared_ptr<void> link;
  std::function<std::size_t()> pending;
  kernel_task* writer = nullptr;
  kernel_task* reader = nullptr;
};

inline cascade_state make_cascade(const std::string& tag) {
  cascade_state c;
  auto make = [&](auto t) {
    using Tag = decltype(t);
    auto link = std::make_shared<cascade_link<Tag>>();
    c.pending = [link] { return link->pending(); };
    c.link = link;
  };
  if (tag == "acc32")
    make(acc32{});
  else if (tag == "acc64")
    make(acc64{});
  else if (tag == "accfloat")
    make(accfloat{});
  else
    throw emu_error("cascade of unknown accumulator type '" + tag + "'");
  return c;
}

struct kernel_task {
  node* n = nullptr;
  long long runs = 0;
  std::vector<frame_queue*> in_q, out_q;  // per port (buffers)
  std::vector<cascade_state*> in_cas, out_cas;
  std::vector<aligned_block> rtp;  // per input port (runtime-parameter arrays)
  std::vector<std::size_t> in_elems, out_elems;
  std::vector<std::unique_ptr<std::ofstream>> trace;  // per output port
};

// One end of a DMA transfer.
struct transfer_end {
  frame_queue* queue = nullptr;
  plio_reader* reader = nullptr;
  plio_writer* writer = nullptr;
  shared_buffer_state* sb = nullptr;
  int port = 0;
  std::string what;
};

struct transfer_task {
  transfer_end src;
  std::vector<transfer_end> sinks;
  std::size_t elems = 0;
  std::string type;
  unsigned elem_bytes = 0;
  long long done = 0;
  std::unique_ptr<aligned_block> staging;
};

inline std::string join_path(const std::string& base, const std::string& file) {
  const std::filesystem::path f(file);
  return f.is_absolute() ? file : (std::filesystem::path(base) / f).string();
}

// The executable network built from a registry.
class network {
 public:
  network(registry& reg, const settings& s) : reg_(reg), s_(s) {
    make_kernels();
    make_shared_buffers();
    make_plio();
    wire_edges();
    check_complete();
  }

  // Runs until every kernel and transfer has done `iterations` more steps; throws on deadlock.
  void run(long long iterations) {
    target_ += iterations;
    for (;;) {
      bool progress = false;
      for (auto& k : kernels_)
        if (kernel_ready(*k)) {
          fire(*k);
          progress = true;
        }
      for (auto& t : transfers_)
        if (transfer_ready(*t)) {
          fire(*t);
          progress = true;
        }
      if (finished()) return;
      if (!progress) throw emu_error(deadlock_report());
    }
  }

  void finish() {
    for (auto& c : cascades_)
      if (c->pending() != 0)
        throw emu_error("cascade " + c->writer->n->describe() + " -> " + c->reader->n->describe() + " ends with " +
                        std::to_string(c->pending()) + " unread words");
    for (auto& w : writers_) w->close();
    for (auto& k : kernels_)
      for (auto& t : k->trace)
        if (t) t->flush();
  }

  long long invocations() const {
    long long total = 0;
    for (auto& k : kernels_) total += k->runs;
    return total;
  }
  std::size_t kernel_count() const { return kernels_.size(); }
  std::size_t output_count() const { return writers_.size(); }

 private:
  static std::size_t product(const std::vector<unsigned>& d) {
    std::size_t p = 1;
    for (auto x : d) p *= x;
    return p;
  }

  void make_kernels() {
    for (auto& up : reg_.nodes) {
      node& n = *up;
      if (n.kind != node_kind::kernel) continue;
      auto t = std::make_unique<kernel_task>();
      t->n = &n;
      t->in_q.assign(n.in.size(), nullptr);
      t->out_q.assign(n.out.size(), nullptr);
      t->in_cas.assign(n.in.size(), nullptr);
      t->out_cas.assign(n.out.size(), nullptr);
      t->in_elems.assign(n.in.size(), 0);
      t->out_elems.assign(n.out.size(), 0);
      t->trace.resize(n.out.size());
      for (std::size_t i = 0; i < n.in.size(); ++i) {
        auto& p = n.in[i];
        const std::string where = describe(endpoint{&n, false, static_cast<int>(i)});
        if (p.kind == port_kind::buffer_in) {
          t->in_elems[i] = buffer_elems(p, where);
        } else if (p.kind == port_kind::rtp_in) {
          if (!p.has_initial)
            throw emu_error(where + ": runtime parameter without adf::initial_value (never given data)");
          if (static_cast<long long>(p.initial.size()) != p.rtp_elems)
            throw emu_error(where + ": initial_value has " + std::to_string(p.initial.size()) +
                            " values; the array has " + std::to_string(p.rtp_elems));
          t->rtp.emplace_back(static_cast<std::size_t>(p.rtp_elems) * p.elem_bytes);
          for (std::size_t k = 0; k < p.initial.size(); ++k)
            store_element(t->rtp.back().data(), k, p.type, p.initial[k], where);
          t->in_elems[i] = static_cast<std::size_t>(p.rtp_elems);
          continue;
        }
        t->rtp.emplace_back(0);
      }
      for (std::size_t j = 0; j < n.out.size(); ++j)
        if (n.out[j].kind == port_kind::buffer_out) {
          t->out_elems[j] = buffer_elems(n.out[j], describe(endpoint{&n, true, static_cast<int>(j)}));
          if (!s_.trace_dir.empty()) {
            std::filesystem::create_directories(s_.trace_dir);
            const std::string name = n.tile
                                         ? "kernel_" + std::to_string(n.tile->col) + "_" + std::to_string(n.tile->row)
                                         : "kernel" + std::to_string(n.id);
            t->trace[j] =
                std::make_unique<std::ofstream>(join_path(s_.trace_dir, name + "_out" + std::to_string(j) + ".bin"),
                                                std::ios::binary | std::ios::trunc);
          }
        }
      by_node_[&n] = t.get();
      kernels_.push_back(std::move(t));
    }
  }

  static std::size_t buffer_elems(const port_info& p, const std::string& where) {
    if (p.dims.empty()) throw emu_error(where + ": buffer port without adf::dimensions()");
    return product(p.dims);
  }

  void make_shared_buffers() {
    for (auto& up : reg_.nodes)
      if (up->kind == node_kind::shared_buffer) sbs_[up.get()] = std::make_unique<shared_buffer_state>(*up);
  }

  void make_plio() {
    for (auto& up : reg_.nodes) {
      node& n = *up;
      if (n.kind == node_kind::input_plio && plio_type_of(n).size())
        readers_[&n] = std::make_unique<plio_reader>(join_path(s_.input_dir, n.file), n.describe());
    }
  }

  // A PLIO's element type is that of what it connects to.
  std::string plio_type_of(const node& n) const {
    for (auto& e : reg_.edges) {
      if (e.from.owner == &n) return e.to.info().type;
      if (e.to.owner == &n) return e.from.info().type;
    }
    return {};
  }

  frame_queue* new_queue(std::size_t bytes) {
    queues_.push_back(std::make_unique<frame_queue>(bytes, 2));
    return queues_.back().get();
  }

  std::vector<const edge*> edges_from(const node* n, int index) const {
    std::vector<const edge*> v;
    for (auto& e : reg_.edges)
      if (e.from.owner == n && e.from.index == index) v.push_back(&e);
    return v;
  }

  static void same_type(const endpoint& a, const endpoint& b) {
    const auto& pa = a.info();
    const auto& pb = b.info();
    if (!pa.type.empty() && !pb.type.empty() && pa.type != pb.type)
      throw emu_error("connect: " + describe(a) + " carries " + pa.type + " but " + describe(b) + " takes " + pb.type);
  }

  // Every source port: the transfers (or shared queues) its connections become.
  void wire_edges() {
    for (auto& e : reg_.edges) {
      same_type(e.from, e.to);
      if (e.kind == edge_kind::cascade) wire_cascade(e);
      if (e.kind == edge_kind::parameter &&
          (e.to.owner->kind != node_kind::kernel || e.to.info().kind != port_kind::rtp_in))
        throw emu_error("connect<parameter>: " + describe(e.to) + " is not a runtime-parameter port of a kernel");
      if (e.kind == edge_kind::data) {
        const auto to_kind = e.to.info().kind;
        if (to_kind == port_kind::cascade_in || to_kind == port_kind::rtp_in)
          throw emu_error("connect: " + describe(e.from) + " -> " + describe(e.to) + " joins a data port to a " +
                          to_string(to_kind) + " port");
        if (e.to.owner->kind == node_kind::rtp_port) throw emu_error("connect: data into a runtime-parameter port");
      }
    }
    for (auto& up : reg_.nodes) {
      node& n = *up;
      for (std::size_t j = 0; j < n.out.size(); ++j) {
        if (n.out[j].kind != port_kind::buffer_out && n.out[j].kind != port_kind::stream_out) continue;
        const endpoint from{&n, true, static_cast<int>(j)};
        auto outs = edges_from(&n, static_cast<int>(j));
        if (outs.empty()) throw emu_error(describe(from) + " is not connected");
        wire_source(from, outs);
      }
    }
  }

  void wire_cascade(const edge& e) {
    if (e.from.info().kind != port_kind::cascade_out || e.to.info().kind != port_kind::cascade_in)
      throw emu_error("connect: cascade " + describe(e.from) + " -> " + describe(e.to) +
                      " must join an output cascade to an input cascade");
    auto* w = by_node_.at(e.from.owner);
    auto* r = by_node_.at(e.to.owner);
    if (w->out_cas[e.from.index]) throw emu_error(describe(e.from) + " is connected twice");
    if (r->in_cas[e.to.index]) throw emu_error(describe(e.to) + " is connected twice");
    cascades_.push_back(std::make_unique<cascade_state>(make_cascade(e.from.info().type)));
    cascades_.back()->writer = w;
    cascades_.back()->reader = r;
    w->out_cas[e.from.index] = r->in_cas[e.to.index] = cascades_.back().get();
  }

  std::size_t frame_elems(const endpoint& p) const {
    const node* n = p.owner;
    if (n->kind == node_kind::kernel)
      return p.out ? by_node_.at(n)->out_elems[p.index] : by_node_.at(n)->in_elems[p.index];
    if (n->kind == node_kind::shared_buffer)
      return p.out ? sbs_.at(n)->read_elems(p.index) : sbs_.at(n)->write_elems(p.index);
    return 0;  // PLIO: takes the other end's frame size
  }

  void claim_input(const endpoint& to) {
    if (!claimed_.insert({to.owner, to.index}).second) throw emu_error(describe(to) + " has two sources");
  }

  void wire_source(const endpoint& from, const std::vector<const edge*>& outs) {
    node* src = from.owner;
    const std::string type = from.info().type.empty() ? outs.front()->to.info().type : from.info().type;
    // A kernel output feeding one kernel input directly: one ping-pong buffer both use.
    if (src->kind == node_kind::kernel && outs.size() == 1 && outs[0]->to.owner->kind == node_kind::kernel) {
      const endpoint& to = outs[0]->to;
      claim_input(to);
      const std::size_t a = frame_elems(from), b = frame_elems(to);
      if (a != b)
        throw emu_error("connect: " + describe(from) + " has " + std::to_string(a) + " elements but " + describe(to) +
                        " expects " + std::to_string(b));
      frame_queue* q = new_queue(a * from.info().elem_bytes);
      by_node_.at(src)->out_q[from.index] = q;
      by_node_.at(to.owner)->in_q[to.index] = q;
      return;
    }
    if (src->kind == node_kind::kernel && outs.size() > 1)
      throw emu_error(describe(from) + " is connected " + std::to_string(outs.size()) +
                      " times; a kernel buffer output has one destination");
    auto t = std::make_unique<transfer_task>();
    t->type = type;
    t->elem_bytes = type_bytes(type);
    t->elems = frame_elems(from);
    t->src.what = describe(from);
    if (src->kind == node_kind::kernel) {
      t->src.queue = new_queue(t->elems * t->elem_bytes);
      by_node_.at(src)->out_q[from.index] = t->src.queue;
    } else if (src->kind == node_kind::shared_buffer) {
      t->src.sb = sbs_.at(src).get();
      t->src.port = from.index;
    } else if (src->kind == node_kind::input_plio) {
      t->src.reader = readers_.at(src).get();
    }
    for (auto* e : outs) {
      const endpoint& to = e->to;
      claim_input(to);
      transfer_end sink;
      sink.what = describe(to);
      const std::size_t n = frame_elems(to);
      if (to.owner->kind == node_kind::kernel) {
        sink.queue = new_queue(n * t->elem_bytes);
        by_node_.at(to.owner)->in_q[to.index] = sink.queue;
      } else if (to.owner->kind == node_kind::shared_buffer) {
        sink.sb = sbs_.at(to.owner).get();
        sink.port = to.index;
      } else if (to.owner->kind == node_kind::output_plio) {
        const unsigned per_line = static_cast<unsigned>(to.owner->width_bits / (8 * t->elem_bytes));
        const std::string path = join_path(s_.output_dir, to.owner->file);
        std::filesystem::create_directories(std::filesystem::path(path).parent_path().empty()
                                                ? std::filesystem::path(".")
                                                : std::filesystem::path(path).parent_path());
        writers_.push_back(std::make_unique<plio_writer>(path, per_line, to.owner->describe()));
        sink.writer = writers_.back().get();
      } else {
        throw emu_error("connect: " + describe(from) + " -> " + describe(to) + " is not a supported connection");
      }
      if (t->elems == 0) t->elems = n;
      if (n != 0 && n != t->elems)
        throw emu_error("connect: " + describe(from) + " moves " + std::to_string(t->elems) +
                        " elements per frame but " + describe(to) + " takes " + std::to_string(n));
      t->sinks.push_back(sink);
    }
    if (t->elems == 0) throw emu_error(describe(from) + ": cannot tell how many elements a frame holds");
    t->staging = std::make_unique<aligned_block>(t->elems * t->elem_bytes);
    transfers_.push_back(std::move(t));
  }

  void check_complete() {
    for (auto& k : kernels_) {
      const node& n = *k->n;
      for (std::size_t i = 0; i < n.in.size(); ++i) {
        const auto kind = n.in[i].kind;
        const endpoint p{k->n, false, static_cast<int>(i)};
        if (kind == port_kind::buffer_in && !k->in_q[i]) throw emu_error(describe(p) + " is not connected");
        if (kind == port_kind::cascade_in && !k->in_cas[i]) throw emu_error(describe(p) + " is not connected");
      }
      for (std::size_t j = 0; j < n.out.size(); ++j)
        if (n.out[j].kind == port_kind::cascade_out && !k->out_cas[j])
          throw emu_error(describe(endpoint{k->n, true, static_cast<int>(j)}) + " is not connected");
    }
    for (auto& [n, sb] : sbs_)
      for (std::size_t i = 0; i < n->in.size(); ++i)
        if (!claimed_.count({n, static_cast<int>(i)}))
          throw emu_error(describe(endpoint{const_cast<node*>(n), false, static_cast<int>(i)}) + " is not connected");
    for (auto& up : reg_.nodes)
      if (up->kind == node_kind::output_plio && !claimed_.count({up.get(), 0}))
        throw emu_error(up->describe() + " is not connected");
  }

  bool kernel_ready(const kernel_task& k) const {
    if (k.runs >= target_) return false;
    for (auto* q : k.in_q)
      if (q && !q->can_pop()) return false;
    for (auto* q : k.out_q)
      if (q && !q->can_push()) return false;
    for (auto* c : k.in_cas)
      if (c && c->writer->runs <= k.runs) return false;
    for (auto* c : k.out_cas)
      if (c && k.runs > c->reader->runs) return false;
    return true;
  }

  void fire(kernel_task& k) {
    call_frame f;
    f.in.assign(k.n->in.size(), nullptr);
    f.out.assign(k.n->out.size(), nullptr);
    f.in_elems = k.in_elems;
    f.out_elems = k.out_elems;
    for (std::size_t i = 0; i < f.in.size(); ++i) {
      if (k.in_q[i])
        f.in[i] = k.in_q[i]->front();
      else if (k.in_cas[i])
        f.in[i] = k.in_cas[i]->link.get();
      else
        f.in[i] = k.rtp[i].data();
    }
    for (std::size_t j = 0; j < f.out.size(); ++j) {
      if (k.out_q[j])
        f.out[j] = k.out_q[j]->back();
      else if (k.out_cas[j])
        f.out[j] = k.out_cas[j]->link.get();
    }
    k.n->invoke(f);
    for (auto* q : k.in_q)
      if (q) q->pop();
    for (std::size_t j = 0; j < k.out_q.size(); ++j) {
      if (!k.out_q[j]) continue;
      if (k.trace[j])
        k.trace[j]->write(reinterpret_cast<const char*>(k.out_q[j]->back()),
                          static_cast<std::streamsize>(k.out_q[j]->bytes()));
      k.out_q[j]->push();
    }
    ++k.runs;
  }

  bool transfer_ready(const transfer_task& t) const {
    if (t.done >= target_) return false;
    if (t.src.queue && !t.src.queue->can_pop()) return false;
    if (t.src.sb && !t.src.sb->can_read(t.src.port)) return false;
    for (auto& s : t.sinks) {
      if (s.queue && !s.queue->can_push()) return false;
      if (s.sb && !s.sb->can_write(s.port)) return false;
    }
    return true;
  }

  void fire(transfer_task& t) {
    unsigned char* buf = t.staging->data();
    const std::size_t bytes = t.elems * t.elem_bytes;
    if (t.src.queue) {
      std::memcpy(buf, t.src.queue->front(), bytes);
      t.src.queue->pop();
    } else if (t.src.sb) {
      t.src.sb->read(t.src.port, buf);
    } else if (t.src.reader) {
      t.src.reader->read(buf, t.elems, t.type);
    }
    for (auto& s : t.sinks) {
      if (s.queue) {
        std::memcpy(s.queue->back(), buf, bytes);
        s.queue->push();
      } else if (s.sb) {
        s.sb->write(s.port, buf);
      } else if (s.writer) {
        s.writer->write(buf, t.elems, t.type);
      }
    }
    ++t.done;
  }

  bool finished() const {
    for (auto& k : kernels_)
      if (k->runs < target_) return false;
    for (auto& t : transfers_)
      if (t->done < target_) return false;
    return true;
  }

  std::string deadlock_report() const {
    std::ostringstream s;
    s << "the graph stopped before completing " << target_ << " iterations (deadlock):";
    for (auto& k : kernels_) {
      if (k->runs >= target_) continue;
      s << "\n  " << k->n->describe() << " ran " << k->runs << " times; waiting for:";
      for (std::size_t i = 0; i < k->in_q.size(); ++i)
        if (k->in_q[i] && !k->in_q[i]->can_pop()) s << " input buffer in[" << i << "]";
      for (std::size_t j = 0; j < k->out_q.size(); ++j)
        if (k->out_q[j] && !k->out_q[j]->can_push()) s << " free output buffer out[" << j << "]";
      for (std::size_t i = 0; i < k->in_cas.size(); ++i)
        if (k->in_cas[i] && k->in_cas[i]->writer->runs <= k->runs)
          s << " cascade in[" << i << "] from " << k->in_cas[i]->writer->n->describe();
      for (std::size_t j = 0; j < k->out_cas.size(); ++j)
        if (k->out_cas[j] && k->runs > k->out_cas[j]->reader->runs)
          s << " cascade reader " << k->out_cas[j]->reader->n->describe();
    }
    for (auto& [n, sb] : sbs_) s << "\n  " << sb->state();
    for (auto& t : transfers_)
      if (t->done < target_) s << "\n  transfer from " << t->src.what << " moved " << t->done << " frames";
    return s.str();
  }

  registry& reg_;
  settings s_;
  std::vector<std::unique_ptr<kernel_task>> kernels_;
  std::map<const node*, kernel_task*> by_node_;
  std::map<const node*, std::unique_ptr<shared_buffer_state>> sbs_;
  std::map<const node*, std::unique_ptr<plio_reader>> readers_;
  std::vector<std::unique_ptr<plio_writer>> writers_;
  std::vector<std::unique_ptr<frame_queue>> queues_;
  std::vector<std::unique_ptr<cascade_state>> cascades_;
  std::vector<std::unique_ptr<transfer_task>> transfers_;
  std::set<std::pair<const node*, int>> claimed_;
  long long target_ = 0;
};

}  // namespace rt
}  // namespace aie4ml_emu
