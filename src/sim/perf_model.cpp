// The performance model: Design -> process network -> event-driven runs -> figures (see perf_model.h).
#include "sim/perf_model.h"

#include "design/conv_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sim/perf_components.h"
#include "sim/perf_events.h"
#include "support/error.h"

namespace aie4ml::perf {

namespace {

// Accumulates a batch's steps, merging consecutive busy periods of the same label.
class Steps {
 public:
  void busy(double cycles, const std::string& label) {
    if (cycles <= 0) return;
    if (!v_.empty() && v_.back().kind == Step::Kind::Busy && v_.back().mark == label) {
      v_.back().cycles += cycles;
      return;
    }
    Step s;
    s.kind = Step::Kind::Busy;
    s.cycles = cycles;
    s.mark = label;
    v_.push_back(s);
  }
  void acquire_read(Buffer* b) { push(Step::Kind::AcquireRead, b); }
  void acquire_write(Buffer* b) { push(Step::Kind::AcquireWrite, b); }
  void release_read(Buffer* b, double later = 0) { push(Step::Kind::ReleaseRead, b, later); }
  void release_write(Buffer* b, double later = 0) { push(Step::Kind::ReleaseWrite, b, later); }
  void send(CascadeLink* l, int64_t token) { push_link(Step::Kind::Send, l, token); }
  void receive(CascadeLink* l, int64_t token) { push_link(Step::Kind::Receive, l, token); }
  void mark(const std::string& name, double later = 0) {
    Step s;
    s.kind = Step::Kind::Mark;
    s.mark = name;
    s.cycles = later;
    v_.push_back(s);
  }
  std::vector<Step> take() { return std::move(v_); }

 private:
  void push(Step::Kind k, Buffer* b, double cycles = 0) {
    Step s;
    s.kind = k;
    s.buffer = b;
    s.cycles = cycles;
    v_.push_back(s);
  }
  void push_link(Step::Kind k, CascadeLink* l, int64_t token) {
    Step s;
    s.kind = k;
    s.link = l;
    s.token = token;
    v_.push_back(s);
  }
  std::vector<Step> v_;
};

using StepWriter = std::function<void(Steps&, int64_t batch)>;

struct ProcessInfo {
  std::string layer, stage, kind;
};

// The Design as engine objects.
class Network {
 public:
  Network(const Design& d, const Device& dev, const PerfParams& p, const SimOptions& o) : d_(d), dev_(dev), p_(p) {
    // The published placement keeps a free column between layers, so its direct buffers are DMA copies.
    const bool copy_direct = o.transport == TransportView::PublishedRules;
    make_kernel_buffers(copy_direct);
    std::vector<const SharedBuffer*> through, stored;
    for (auto& sb : d_.shared_buffers)
      (o.transport == TransportView::PublishedRules && streams_through(sb) ? through : stored).push_back(&sb);
    for (auto* sb : stored) engine.add_buffer(sb->name, std::max(1, sb->num_buffers));
    for (auto& l : d_.layers)
      for (auto& k : l.kernels) add_kernel(l, k);
    for (auto* sb : stored) add_shared_buffer_ports(*sb);
    for (auto* sb : through) add_stream_through(*sb);
    for (auto& db : d_.direct_buffers)
      if (db.mode != "shared_memory" || copy_direct) add_direct_dma(db);
    for (auto& [key, group] : channels_) add_channel_process(key, group);
  }

  Engine engine;
  std::map<const Process*, ProcessInfo> info;
  const Process* plio_in = nullptr;
  const Process* plio_out = nullptr;

 private:
  struct ChannelPart {
    StepWriter write;
    ProcessInfo info;
  };

  // PublishedRules: one writer port and one reader port, and either a PLIO end (a PLIO stream is
  // broadcast to every chain of the first layer) or a single consumer kernel.
  static bool streams_through(const SharedBuffer& sb) {
    if (sb.writers.size() != 1 || sb.readers.size() != 1) return false;
    const auto& src = sb.writers.front().source;
    return (src && !src->plio.empty()) || sb.readers.front().destinations.size() == 1;
  }

  static int copies_of(const KernelInstance& k, const std::string& role) {
    const auto* b = k.buffer(role);
    return b && b->copies() > 0 ? b->copies() : 2;
  }

  void make_kernel_buffers(bool copy_direct) {
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        if (k.writes_output) kout_[k.name] = &engine.add_buffer(k.name + ".out", copies_of(k, "output"));
    for (auto& db : d_.direct_buffers)
      if (db.mode == "shared_memory" && !copy_direct)
        kin_[db.consumer] = kout_.at(db.producer);  // one copy set, two cores
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        if (!kin_.count(k.name)) kin_[k.name] = &engine.add_buffer(k.name + ".in", copies_of(k, "input"));
  }

  CascadeLink* link(const std::string& from, const std::string& to) {
    auto key = from + "->" + to;
    auto it = links_.find(key);
    if (it != links_.end()) return it->second;
    return links_[key] = &engine.add_link(key, p_.cascade_link_cycles);
  }

  void add_kernel(const LayerDesign& l, const KernelInstance& k) {
    const DenseKernelCost c = kernel_timing(l, k, p_, d_.batch);
    CascadeLink* in_link = nullptr;
    CascadeLink* out_link = nullptr;
    for (auto& cl : d_.cascades) {
      if (cl.to == k.name) in_link = link(cl.from, cl.to);
      if (cl.from == k.name) out_link = link(cl.from, cl.to);
    }
    Buffer* in = kin_.at(k.name);
    Buffer* out = k.writes_output ? kout_.at(k.name) : nullptr;
    in->add_reader();
    if (out) out->add_writer();
    const double runtime = p_.kernel_iteration_cycles + p_.lock_acquire_cycles * (out ? 2 : 1);
    const int64_t blocks_per_column = c.column_iterations ? c.block_iterations / c.column_iterations : 0;
    auto program = [=](int64_t b) {
      Steps s;
      s.acquire_read(in);
      if (out) s.acquire_write(out);
      s.mark("compute_start");
      s.busy(runtime, "runtime");
      s.busy(static_cast<double>(c.call_cycles), "compute");
      int64_t token = b * c.block_iterations;
      for (int64_t col = 0; col < c.column_iterations; ++col) {
        s.busy(static_cast<double>(c.column_cycles), "compute");
        for (int64_t r = 0; r < blocks_per_column; ++r, ++token) {
          if (in_link) s.receive(in_link, token);
          s.busy(static_cast<double>(c.block_init_cycles + c.block_loop_cycles), "compute");
          if (out_link) s.send(out_link, token);
          s.busy(static_cast<double>(c.block_leave_cycles), "compute");
        }
      }
      s.mark("compute_end");
      s.release_read(in);
      if (out) s.release_write(out);
      return s.take();
    };
    auto& proc = engine.add_process(k.name, Process::Kind::Kernel, program);
    info[&proc] = {l.name, "compute", "kernel"};
  }

  const LayerDesign* layer_of_kernel(const std::string& kernel) const {
    for (auto& l : d_.layers)
      for (auto& k : l.kernels)
        if (k.name == kernel) return &l;
    return nullptr;
  }

  void add_shared_buffer_ports(const SharedBuffer& sb) {
    Buffer* buf = engine.buffer(sb.name);
    const double mt_rate = dma_bytes_per_cycle(dev_);
    for (auto& w : sb.writers) {
      if (!w.source) continue;
      const int64_t bytes = port_bytes(w, sb.element_bytes);
      const auto at = memtile_point(w.dma_tile);
      buf->add_writer();
      if (!w.source->plio.empty()) {
        const PlioPort* port = plio(w.source->plio);
        const double rate = plio_bytes_per_cycle(*port, dev_);
        const double in_flight = p_.plio_latency_cycles + route_cycles(shim_point(port->column), at, p_);
        auto program = [=](int64_t) {
          Steps s;
          s.acquire_write(buf);
          s.mark("first_word");
          s.busy(bytes / rate, "transfer");
          s.mark("last_word");
          s.release_write(buf, in_flight);
          return s.take();
        };
        auto& proc = engine.add_process(port->name, Process::Kind::PlioIn, program);
        info[&proc] = {first_consumer(sb), "plio in", "plio"};
        if (!plio_in) plio_in = &proc;
        continue;
      }
      Buffer* src = kout_.at(w.source->kernel);
      src->add_reader();
      const double cycles =
          port_transfer_cycles(w, sb.element_bytes, std::min(mt_rate, tile_dma_bytes_per_cycle(dev_)), p_);
      const auto* l = layer_of_kernel(w.source->kernel);
      const double in_flight = route_cycles(compute_point(w.source->tile, dev_), at, p_);
      const double setup = p_.dma_setup_cycles;
      channels_[channel_key("s2mm", w.dma_tile, w.dma_channel, sb.name + "." + w.name)].push_back(
          {[=](Steps& s, int64_t) {
             s.acquire_read(src);
             s.acquire_write(buf);
             s.busy(setup, "dma setup");
             s.busy(cycles, "transfer");
             s.release_read(src);
             s.release_write(buf, in_flight);
           },
           {l ? l->name : "", "memory tile", "dma"}});
    }
    for (auto& r : sb.readers) {
      const int64_t bytes = port_bytes(r, sb.element_bytes);
      const auto at = memtile_point(r.dma_tile);
      buf->add_reader();
      const bool to_plio = r.destinations.size() == 1 && !r.destinations[0].plio.empty();
      if (to_plio) {
        const PlioPort* port = plio(r.destinations[0].plio);
        const double rate = plio_bytes_per_cycle(*port, dev_);
        const double in_flight = p_.plio_latency_cycles + route_cycles(at, shim_point(port->column), p_);
        const double setup = p_.dma_setup_cycles;
        auto program = [=](int64_t) {
          Steps s;
          s.acquire_read(buf);
          s.busy(setup, "dma setup");
          s.mark("first_word", in_flight);
          s.busy(bytes / rate, "transfer");
          s.mark("last_word", in_flight);
          s.release_read(buf);
          return s.take();
        };
        auto& proc = engine.add_process(port->name, Process::Kind::PlioOut, program);
        info[&proc] = {sb.producer, "plio out", "plio"};
        if (!plio_out) plio_out = &proc;
        continue;
      }
      std::vector<std::pair<Buffer*, double>> dests;
      std::string layer;
      for (auto& e : r.destinations) {
        if (e.kernel.empty()) continue;
        Buffer* kin = kin_.at(e.kernel);
        kin->add_writer();
        dests.emplace_back(kin, route_cycles(at, compute_point(e.tile, dev_), p_));
        if (const auto* l = layer_of_kernel(e.kernel)) layer = l->name;
      }
      const double cycles = port_transfer_cycles(r, sb.element_bytes, dma_bytes_per_cycle(dev_), p_);
      const double setup = p_.dma_setup_cycles;
      channels_[channel_key("mm2s", r.dma_tile, r.dma_channel, sb.name + "." + r.name)].push_back(
          {[=](Steps& s, int64_t) {
             s.acquire_read(buf);
             for (auto& [kin, _] : dests) s.acquire_write(kin);
             s.busy(setup, "dma setup");
             s.busy(cycles, "transfer");
             s.release_read(buf);
             for (auto& [kin, later] : dests) s.release_write(kin, later);
           },
           {layer, "memory tile", "dma"}});
    }
  }

  // One writer port and one reader port streamed from source to destinations without a memory-tile copy.
  void add_stream_through(const SharedBuffer& sb) {
    const auto& w = sb.writers.front();
    const auto& r = sb.readers.front();
    const int64_t bytes = std::max(port_bytes(w, sb.element_bytes), port_bytes(r, sb.element_bytes));
    const bool from_plio = w.source && !w.source->plio.empty();
    const bool to_plio = r.destinations.size() == 1 && !r.destinations[0].plio.empty();
    const PlioPort* in_port = from_plio ? plio(w.source->plio) : nullptr;
    const PlioPort* out_port = to_plio ? plio(r.destinations[0].plio) : nullptr;
    GridPoint from_point = from_plio ? shim_point(in_port->column) : compute_point(w.source->tile, dev_);
    Buffer* src = from_plio ? nullptr : kout_.at(w.source->kernel);
    if (src) src->add_reader();
    std::vector<std::pair<Buffer*, double>> dests;
    std::string layer;
    for (auto& e : r.destinations) {
      if (e.kernel.empty()) continue;
      Buffer* kin = kin_.at(e.kernel);
      kin->add_writer();
      dests.emplace_back(
          kin, (from_plio ? p_.plio_latency_cycles : 0) + route_cycles(from_point, compute_point(e.tile, dev_), p_));
      if (const auto* l = layer_of_kernel(e.kernel)) layer = l->name;
    }
    double rate = tile_dma_bytes_per_cycle(dev_);
    if (in_port) rate = std::min(rate, plio_bytes_per_cycle(*in_port, dev_));
    if (out_port) rate = std::min(rate, plio_bytes_per_cycle(*out_port, dev_));
    const double setup = from_plio ? 0 : p_.dma_setup_cycles;
    const double out_flight =
        out_port ? p_.plio_latency_cycles + route_cycles(from_point, shim_point(out_port->column), p_) : 0;
    auto program = [=](int64_t) {
      Steps s;
      if (src) s.acquire_read(src);
      for (auto& [kin, _] : dests) s.acquire_write(kin);
      s.busy(setup, "dma setup");
      if (from_plio) s.mark("first_word");
      if (to_plio) s.mark("first_word", out_flight);
      s.busy(bytes / rate, "transfer");
      if (to_plio) s.mark("last_word", out_flight);
      if (src) s.release_read(src);
      for (auto& [kin, later] : dests) s.release_write(kin, later);
      return s.take();
    };
    const auto kind = from_plio ? Process::Kind::PlioIn : to_plio ? Process::Kind::PlioOut : Process::Kind::Dma;
    const std::string name = from_plio ? in_port->name : to_plio ? out_port->name : sb.name;
    auto& proc = engine.add_process(name, kind, program);
    info[&proc] = {from_plio ? layer
                   : to_plio ? sb.producer
                             : layer,
                   from_plio ? "plio in"
                   : to_plio ? "plio out"
                             : "direct dma",
                   from_plio || to_plio ? "plio" : "dma"};
    if (from_plio && !plio_in) plio_in = &proc;
    if (to_plio && !plio_out) plio_out = &proc;
  }

  void add_direct_dma(const DirectBuffer& db) {
    Buffer* src = kout_.at(db.producer);
    Buffer* dst = kin_.at(db.consumer);
    src->add_reader();
    dst->add_writer();
    const auto* pk = d_.kernel(db.producer);
    const auto* ck = d_.kernel(db.consumer);
    const double in_flight = route_cycles(compute_point(pk->tile, dev_), compute_point(ck->tile, dev_), p_);
    const double rate = tile_dma_bytes_per_cycle(dev_);
    const double setup = p_.dma_setup_cycles;
    const int64_t bytes = db.bytes;
    const auto* l = layer_of_kernel(db.consumer);
    channels_[channel_key("tile", pk->tile, db.producer_channel, db.name)].push_back(
        {[=](Steps& s, int64_t) {
           s.acquire_read(src);
           s.acquire_write(dst);
           s.busy(setup, "dma setup");
           s.busy(bytes / rate, "transfer");
           s.release_read(src);
           s.release_write(dst, in_flight);
         },
         {l ? l->name : "", "direct dma", "dma"}});
  }

  // Ports served by the same DMA channel run one after another; each channel is one process.
  std::string channel_key(const std::string& dir, TileCoord t, int channel, const std::string& port) {
    if (channel < 0) return fmt::format("{} {}", dir, port);  // unassigned: a channel of its own
    auto key = fmt::format("{} ({},{}) ch{}", dir, t.col, t.row, channel);
    channel_names_[key].push_back(port);
    return key;
  }

  void add_channel_process(const std::string& key, const std::vector<ChannelPart>& parts) {
    auto program = [parts](int64_t b) {
      Steps s;
      for (auto& part : parts) part.write(s, b);
      return s.take();
    };
    std::string name = key;
    if (auto it = channel_names_.find(key); it != channel_names_.end()) {
      name.clear();
      for (auto& port : it->second) name += (name.empty() ? "" : "+") + port;
    } else {
      name = key.substr(key.find(' ') + 1);
    }
    auto& proc = engine.add_process(name, Process::Kind::Dma, program);
    info[&proc] = parts.front().info;
  }

  const PlioPort* plio(const std::string& name) const {
    for (auto& p : d_.plio)
      if (p.name == name) return &p;
    throw std::logic_error("perf model: unknown PLIO " + name);
  }

  static std::string first_consumer(const SharedBuffer& sb) { return sb.consumers.empty() ? "" : sb.consumers.front(); }

  const Design& d_;
  const Device& dev_;
  const PerfParams& p_;
  std::map<std::string, Buffer*> kin_, kout_;
  std::map<std::string, CascadeLink*> links_;
  std::map<std::string, std::vector<ChannelPart>> channels_;
  std::map<std::string, std::vector<std::string>> channel_names_;
};

double mark(const Process* p, int64_t batch, const std::string& name) {
  if (!p || static_cast<int64_t>(p->records().size()) <= batch) return 0;
  auto& m = p->records()[batch].marks;
  auto it = m.find(name);
  return it == m.end() ? 0 : it->second;
}

// Walks back from the first output word along the waits that delayed each process.
std::vector<PathSegment> critical_path(const Network& net, double t0) {
  std::vector<PathSegment> path;
  const Process* cur = net.plio_out;
  int64_t batch = 0;
  double t_end = mark(cur, 0, "first_word");
  for (int guard = 0; cur && guard < 100000; ++guard) {
    const auto& rec = cur->records()[batch];
    const auto& inf = net.info.at(cur);
    const BatchRecord::Wait* w = nullptr;
    for (auto& x : rec.waits)
      if (x.ended <= t_end + 1e-9) w = &x;
    const double from = w ? w->ended : rec.start;
    const std::string kind = inf.kind == "kernel" ? "kernel" : inf.kind == "plio" ? "plio" : "dma";
    if (t_end > from) path.push_back({kind + " " + cur->name(), inf.stage, inf.layer, from - t0, t_end - t0});
    if (!w || !w->cause) break;
    const bool cascade = w->on.find("->") != std::string::npos;
    if (w->ended > w->cause_time)
      path.push_back({(cascade ? "cascade " : "in flight: ") + w->on, cascade ? "cascade" : "in flight", inf.layer,
                      w->cause_time - t0, w->ended - t0});
    cur = w->cause;
    batch = w->cause_batch;
    t_end = w->cause_time;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

int64_t single_kernel_cycles(const LayerDesign& l, const KernelInstance& k, const PerfParams& p, int64_t batch) {
  if (l.is_tensor_op()) return kernel_timing(l, k, p, batch).cycles;  // one kernel, no cascade
  auto desc = kernel_desc(l, k);
  desc.pos = cascade_pos::single;
  if (l.is_conv()) return conv_kernel_cycles(l, k, p, batch);  // one conv kernel is single already
  return dense_kernel_cost(desc, p.core).cycles;
}

}  // namespace

PerfResult simulate(const Design& d, const Device& dev, const PerfParams& params, const SimOptions& options) {
  if (d.layers.empty()) throw InputError("performance model: the design has no layers");
  PerfResult r;
  r.device = d.device;
  r.params_file = params.file.filename().string();
  r.clock_mhz = dev.aie_clock_mhz;
  r.batch = d.batch;
  r.tiles_used = d.tiles_used();
  r.tiles_total = d.tiles_total();

  // One batch through an idle array: latency and the critical path.
  Network first(d, dev, params, options);
  if (!first.plio_in || !first.plio_out) throw InputError("performance model: the design has no input or output PLIO");
  first.engine.run(1);
  const double t0 = mark(first.plio_in, 0, "first_word");
  r.latency_cycles = mark(first.plio_out, 0, "first_word") - t0;
  r.latency_last_cycles = mark(first.plio_out, 0, "last_word") - t0;
  r.critical_path = critical_path(first, t0);

  // Back-to-back batches: the steady-state interval and who is busiest.
  const int n = params.interval_batches;
  Network steady(d, dev, params, options);
  steady.engine.run(n);
  const int from = n / 2;
  r.interval_cycles =
      (mark(steady.plio_out, n - 1, "last_word") - mark(steady.plio_out, from - 1, "last_word")) / (n - from);

  std::map<std::string, double> busy;
  for (auto& p : steady.engine.processes()) {
    double sum = 0;
    for (int b = from; b < n; ++b) sum += p->records()[b].busy;
    busy[p->name()] = sum / (n - from);
    if (busy[p->name()] > r.bottleneck.busy_cycles) {
      const auto& inf = steady.info.at(p.get());
      r.bottleneck = {inf.kind, p->name(), inf.layer, busy[p->name()]};
    }
  }

  const double hz = dev.aie_clock_mhz * 1e6;
  r.latency_ns = r.latency_cycles / hz * 1e9;
  r.latency_last_ns = r.latency_last_cycles / hz * 1e9;
  r.interval_ns = r.interval_cycles / hz * 1e9;
  r.throughput_samples_per_s = r.interval_cycles > 0 ? d.batch / (r.interval_cycles / hz) : 0;

  double achieved = 0, baseline = 0, peak = 0;
  for (auto& l : d.layers) {
    LayerPerf lp;
    lp.name = l.name;
    lp.op = l.op;
    const std::string variant = l.kernels.empty() ? std::string() : l.kernels.front().variant;
    lp.kernel = variant == "conv_direct"           ? "conv direct"
                : variant == "conv_memtile_im2col" ? "conv memtile im2col"
                : l.is_conv()                      ? "conv im2col"
                : variant == "tensor_op"   ? "tensor op"
                                           : "dense";
    lp.in_features = l.in_features;
    lp.out_features = l.out_features;
    lp.cas_length = l.cas_length;
    lp.cas_num = l.cas_num;
    lp.tiles = l.tiles();
    lp.tiling = {l.tile_m, l.tile_k, l.tile_n};
    // A conv layer: batch x positions GEMM rows of its window; a Dense over tokens: batch x T rows
    // (design/conv_layout.h positions()).
    const int64_t macs_per_sample =  // a tensor-op layer (Add, Concat, pools) does no MACs
        l.is_tensor_op() ? 0 : conv_layout::positions(l) * conv_layout::window(l) * l.out_features;
    lp.macs_per_batch = d.batch * macs_per_sample;
    r.macs_per_sample += macs_per_sample;
    const int peak_macs = dev.macs_per_cycle.count(l.type_pair) ? dev.macs_per_cycle.at(l.type_pair) : 0;
    double util = 0, base = 0;
    lp.compute_start_cycles = 1e300;
    for (auto& k : l.kernels) {
      const auto c = kernel_timing(l, k, params, d.batch);
      KernelPerf kp{k.name, l.name, k.variant, k.tile, c.cycles, busy[k.name], c.cycles / r.interval_cycles, c.macs};
      r.kernels.push_back(kp);
      lp.kernel_cycles = std::max(lp.kernel_cycles, c.cycles);
      util += kp.utilisation;
      base += static_cast<double>(c.macs) / single_kernel_cycles(l, k, params, d.batch);
      const auto* proc = first.engine.process(k.name);
      lp.compute_start_cycles = std::min(lp.compute_start_cycles, mark(proc, 0, "compute_start") - t0);
      lp.compute_end_cycles = std::max(lp.compute_end_cycles, mark(proc, 0, "compute_end") - t0);
    }
    lp.utilisation = util / l.kernels.size();
    const double per_cycle = lp.macs_per_batch / r.interval_cycles;
    lp.efficiency_vs_peak = peak_macs ? per_cycle / (peak_macs * lp.tiles) : 0;
    lp.efficiency_vs_single_kernel = base > 0 ? per_cycle / base : 0;
    achieved += per_cycle;
    baseline += base;
    peak += static_cast<double>(peak_macs) * lp.tiles;
    r.layers.push_back(lp);
  }
  r.efficiency_vs_peak = peak > 0 ? achieved / peak : 0;
  r.efficiency_vs_single_kernel = baseline > 0 ? achieved / baseline : 0;
  r.gops = 2.0 * r.macs_per_sample * r.throughput_samples_per_s / 1e9;
  return r;
}

PerfResult simulate(const Design& design, const Device& device, const SimOptions& options) {
  return simulate(design, device, params_for(device), options);
}

}  // namespace aie4ml::perf
