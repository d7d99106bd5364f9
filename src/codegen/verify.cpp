// `aie4ml verify` (see verify.h).
#include "codegen/verify.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codegen/graph_check.h"
#include "codegen/kernel_spec.h"
#include "codegen/plio_data.h"
#include "design/conv_layout.h"
#include "design/tensor_op_layout.h"
#include "design/design.h"
#include "io/npy.h"
#include "ir/model.h"
#include "passes/pack_weights.h"
#include "sim/convert.h"
#include "sim/bf16_kernels.h"
#include "sim/interpreter.h"
#include "support/error.h"
#include "support/paths.h"

namespace aie4ml::codegen {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read '{}'", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json read_json(const fs::path& p, const char* what) {
  try {
    return nlohmann::json::parse(read_text(p));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{} '{}' is not valid JSON: {}", what, p.string(), e.what()));
  }
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw InputError(fmt::format("cannot write '{}'", p.string()));
}

std::string quote(const fs::path& p) {
  std::string s = "'";
  for (char c : p.string()) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

std::string tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  for (size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

// Runs a shell command; each output line goes to `on_line`; returns the exit status and the output.
std::pair<int, std::string> run_command(const std::string& cmd, const std::function<void(const std::string&)>& on_line) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw CheckFailure(fmt::format("cannot run '{}'", cmd));
  std::string all, line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      all += line;
      if (on_line) on_line(line.substr(0, line.size() - 1));
      line.clear();
    }
  }
  all += line;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, all};
}

struct Project {
  Model model;
  Design design;
  std::vector<DenseKernelSpec> specs;
};

Project load_project(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw InputError(fmt::format("'{}' is not a directory", dir.string()));
  for (auto* f : {"model.json", "design.json"})
    if (!fs::exists(dir / f))
      throw InputError(fmt::format("'{}' has no {}: is it a directory written by `aie4ml compile`?", dir.string(), f));
  if (!fs::exists(dir / "aie" / "graph.cpp") || !fs::exists(dir / "Makefile"))
    throw InputError(fmt::format("'{}' has no AIE project (aie/graph.cpp, Makefile); `aie4ml compile` said why when it "
                                 "wrote the directory",
                                 dir.string()));
  Project p{Model::from_json(read_json(dir / "model.json", "model")), Design::from_json(read_json(dir / "design.json", "design")), {}};
  p.specs = kernel_specs(p.design, p.model);
  return p;
}

// --input gives one array: the model must have one input.
const std::string& the_input(const std::vector<std::string>& input_names) {
  if (input_names.size() != 1)
    throw InputError(fmt::format("the model has {} inputs; --input gives one", input_names.size()));
  return input_names[0];
}

// The values of --input for input `name` (`per` elements per sample), at most --samples of them.
std::vector<double> npy_input_values(const VerifyOptions& o, const std::string& name, int64_t per, int64_t& samples) {
  const NpyArray x = read_npy(o.input);
  if (x.shape.empty() || per <= 0 || x.shape[0] * per != x.size())
    throw InputError(fmt::format("{}: shape does not hold samples of {} elements for input '{}'", o.input.string(), per,
                                 name));
  samples = o.samples ? std::min(*o.samples, x.shape[0]) : x.shape[0];
  std::vector<double> values = x.to_doubles();
  values.resize(static_cast<size_t>(samples * per));
  return values;
}

// The model's input codes: from the .npy (quantised as `predict` does) or random.
std::vector<std::vector<int64_t>> sample_inputs(const VerifyOptions& o, const IntegerInterpreter& interp, int64_t& samples) {
  std::vector<std::vector<int64_t>> inputs;
  if (!o.input.empty()) {
    const std::string& name = the_input(interp.input_names());
    const std::vector<double> values = npy_input_values(o, name, interp.sample_elements(name), samples);
    std::vector<int64_t> codes(values.size());
    sim::quantize_values(values.data(), codes.data(), static_cast<int64_t>(values.size()), interp.type(name));
    inputs.push_back(std::move(codes));
    return inputs;
  }
  samples = o.samples.value_or(1000);
  std::mt19937_64 rng(o.seed);
  for (auto& name : interp.input_names()) {
    const FixedType& t = interp.type(name);
    const uint64_t span = static_cast<uint64_t>(t.max_code()) - static_cast<uint64_t>(t.min_code()) + 1;
    std::vector<int64_t> v(static_cast<size_t>(samples * interp.sample_elements(name)));
    for (auto& e : v) e = t.min_code() + static_cast<int64_t>(rng() % span);
    inputs.push_back(std::move(v));
  }
  return inputs;
}

// bf16 models: the .npy samples rounded to bf16, or uniform values in [-2, 2) rounded to bf16.
std::vector<std::vector<int64_t>> bf16_sample_inputs(const VerifyOptions& o, const Bf16Interpreter& interp, int64_t& samples) {
  std::vector<std::vector<int64_t>> inputs;
  if (!o.input.empty()) {
    const std::string& name = the_input(interp.input_names());
    const std::vector<double> values = npy_input_values(o, name, interp.sample_elements(name), samples);
    std::vector<int64_t> codes(values.size());
    std::transform(values.begin(), values.end(), codes.begin(), sim::bf16_code_of);
    inputs.push_back(std::move(codes));
    return inputs;
  }
  samples = o.samples.value_or(1000);
  std::mt19937_64 rng(o.seed);
  for (auto& name : interp.input_names()) {
    std::vector<int64_t> v(static_cast<size_t>(samples * interp.sample_elements(name)));
    for (auto& e : v) e = sim::bf16_code_of(static_cast<double>(rng() >> 11) * 0x1p-53 * 4.0 - 2.0);
    inputs.push_back(std::move(v));
  }
  return inputs;
}

// A kernel output element of a container type, from raw bytes.
int64_t element(const std::string& type, const char* p) {
  if (type == "int8") return static_cast<int8_t>(*p);
  if (type == "uint8") return static_cast<uint8_t>(*p);
  int16_t v16;
  std::memcpy(&v16, p, 2);
  if (type == "int16" || type == "bfloat16") return v16;  // bf16: the bit pattern, as sim/bf16_kernels.h codes
  return static_cast<uint16_t>(v16);
}

int type_bytes(const std::string& type) { return type.find("16") != std::string::npos ? 2 : 1; }

class Comparer {
 public:
  Comparer(const Project& p, const std::map<std::string, std::vector<int64_t>>& ref, const Interpreter<int64_t>& interp,
           int64_t samples, int64_t iterations, PlioElement element)
      : p_(p), ref_(ref), interp_(interp), samples_(samples), iterations_(iterations), element_(element) {}

  // Every layer's output from the kernel traces; records the first mismatch in layer order.
  void layers(const fs::path& trace_dir, VerifyResult& r) {
    for (size_t i = 0; i < p_.design.layers.size(); ++i) {
      const auto& l = p_.design.layers[i];
      const auto& s = p_.specs[i];
      // Per sample: a conv's channels x positions, a tensor op's out_features, a dense layer over tokens
      // T x out_features.
      const int64_t features =
          conv_layout::output_elements(l) * (l.is_conv() || l.is_tensor_op() ? 1 : l.rows_per_sample);
      std::vector<int64_t> y(static_cast<size_t>(samples_ * features), 0);
      for (auto& k : l.kernels)
        if (k.writes_output) (l.is_conv() || l.is_tensor_op()) ? unpack_conv(trace_dir, l, s, k, y) : unpack_chain(trace_dir, l, s, k, y);
      const auto want = layer_reference(l);
      if (auto m = first_difference(want, y, features)) {
        m->where = fmt::format("layer {}", l.name);
        m->message = fmt::format("layer {} (output {}), sample {}, element {}: expected {}, got {}", l.name, l.output_tensor,
                                 m->sample, m->element, m->expected, m->actual);
        if (!r.first_mismatch) r.first_mismatch = m;
      } else {
        r.layers_exact.push_back(l.name);
      }
    }
  }

  // Output PLIO files vs the tensors they carry; counts exact samples.
  void outputs(const fs::path& out_dir, VerifyResult& r) {
    std::vector<char> sample_ok(static_cast<size_t>(samples_), 1);
    for (auto& port : p_.design.plio) {
      if (port.direction != "out") continue;
      const fs::path file = out_dir / "data" / (port.name + ".txt");
      if (!fs::exists(file)) throw CheckFailure(fmt::format("the host run wrote no '{}'", file.string()));
      const auto values = parse_plio_values(read_text(file), file.string(), element_);
      const int64_t features = interp_.sample_elements(port.tensor);
      const auto& want = ref_.at(port.tensor);
      std::vector<int64_t> got = want;  // features outside this port's range compare equal
      for (int64_t s = 0; s < samples_; ++s)
        for (int64_t f = port.feature_range.begin; f < std::min(port.feature_range.end, features); ++f)
          got[static_cast<size_t>(s * features + f)] = std::numeric_limits<int64_t>::min();
      const std::string where = fmt::format("output PLIO '{}' (tensor {})", port.name, port.tensor);
      if (auto bad = scatter_plio_values(port, values, got, features, samples_)) {
        sample_ok[static_cast<size_t>(std::min(bad->sample, samples_ - 1))] = 0;
        if (!r.first_mismatch) r.first_mismatch = VerifyMismatch{where, bad->sample, bad->feature, 0, bad->actual, bad->message};
      }
      for (int64_t s = 0; s < samples_; ++s)
        for (int64_t f = 0; f < features; ++f) {
          const size_t i = static_cast<size_t>(s * features + f);
          if (got[i] == want[i]) continue;
          sample_ok[static_cast<size_t>(s)] = 0;
          if (!r.first_mismatch)
            r.first_mismatch = VerifyMismatch{where, s, f, want[i], got[i],
                                              fmt::format("{}, sample {}, element {}: expected {}, got {}", where, s, f, want[i], got[i])};
        }
    }
    r.exact_samples = std::count(sample_ok.begin(), sample_ok.end(), 1);
  }

 private:
  // What the layer writes, from the interpreter: its output tensor, or for a head of parallel heads
  // (design/design.h "Parallel heads") its part of it per sample: the context's channels [b, e) of every
  // row of its output view, the scores' or weights' block [head][T][T] of the model's [H, T, T].
  std::vector<int64_t> layer_reference(const LayerDesign& l) const {
    const auto& full = ref_.at(l.output_tensor);
    if (!l.head) return full;
    const int64_t per_sample = interp_.sample_elements(l.output_tensor);
    const bool channels = l.op == "MatMul" && l.tensor_op.at(tensor_op_layout::MM_FORM) == tensor_op_layout::kContext;
    std::vector<int64_t> part;
    for (int64_t s = 0; s < samples_; ++s) {
      const int64_t base = s * per_sample;
      if (!channels) {
        const int64_t at = base + l.head->index * l.out_features;
        part.insert(part.end(), full.begin() + at, full.begin() + at + l.out_features);
        continue;
      }
      const ChannelView& v = *l.output_view;
      for (int64_t row = 0; row < per_sample / v.row_channels; ++row)
        for (int64_t c = v.channels.begin; c < v.channels.end; ++c) part.push_back(full[static_cast<size_t>(base + row * v.row_channels + c)]);
    }
    return part;
  }

  // A conv kernel's frames: the batch channels-last (x[b][position][channel]) -> the model's NCHW order.
  void unpack_conv(const fs::path& trace_dir, const LayerDesign& l, const DenseKernelSpec& s, const KernelInstance& k,
                   std::vector<int64_t>& y) const {
    const fs::path file = trace_dir / fmt::format("kernel_{}_{}_out0.bin", k.tile.col, k.tile.row);
    const std::string bytes = fs::exists(file) ? read_text(file) : std::string();
    const int eb = type_bytes(s.c_type);
    // A tensor-op kernel writes the same channels-last rows, or row-major ones (attention, token tensors:
    // out_channels = out_features, one position) (design/tensor_op_layout.h).
    const int64_t channels = l.is_tensor_op() ? tensor_op_layout::out_channels(l) : l.out_features;
    const int64_t positions = l.is_tensor_op() ? tensor_op_layout::out_positions(l) : conv_layout::out_positions(l);
    const int64_t per_sample = channels * positions;
    const int64_t frame = p_.design.batch * per_sample;
    if (static_cast<int64_t>(bytes.size()) < iterations_ * frame * eb)
      throw CheckFailure(fmt::format("kernel {} at tile({},{}) produced {} bytes of output; {} iterations make {}", k.name,
                                     k.tile.col, k.tile.row, bytes.size(), iterations_, iterations_ * frame * eb));
    for (int64_t it = 0; it < iterations_; ++it)
      for (int64_t e = 0; e < frame; ++e) {
        const int64_t sample = it * p_.design.batch + e / per_sample, pos = e % per_sample / channels, c = e % channels;
        if (sample >= samples_) continue;
        y[static_cast<size_t>(sample * per_sample + c * positions + pos)] =
            element(s.c_type, bytes.data() + (it * frame + e) * eb);
      }
  }

  void unpack_chain(const fs::path& trace_dir, const LayerDesign& l, const DenseKernelSpec& s, const KernelInstance& k,
                    std::vector<int64_t>& y) const {
    const fs::path file = trace_dir / fmt::format("kernel_{}_{}_out0.bin", k.tile.col, k.tile.row);
    const std::string bytes = fs::exists(file) ? read_text(file) : std::string();
    const int eb = type_bytes(s.c_type);
    const int64_t frame = s.grid.output_elems();
    if (static_cast<int64_t>(bytes.size()) < iterations_ * frame * eb)
      throw CheckFailure(fmt::format("kernel {} at tile({},{}) produced {} bytes of output; {} iterations make {}", k.name,
                                     k.tile.col, k.tile.row, bytes.size(), iterations_, iterations_ * frame * eb));
    const auto map = output_pack_map(s.grid, k.chain);  // packed element -> row * out_features + feature
    for (int64_t it = 0; it < iterations_; ++it)
      for (int64_t e = 0; e < frame; ++e) {
        const int64_t dst = map[static_cast<size_t>(e)];
        if (dst < 0) continue;
        // GEMM row (batch x rows_per_sample per iteration); a sample's tokens are consecutive rows
        const int64_t row = it * p_.design.batch * l.rows_per_sample + dst / l.out_features;
        if (row >= samples_ * l.rows_per_sample) continue;
        y[static_cast<size_t>(row * l.out_features + dst % l.out_features)] =
            element(s.c_type, bytes.data() + (it * frame + e) * eb);
      }
  }

  std::optional<VerifyMismatch> first_difference(const std::vector<int64_t>& want, const std::vector<int64_t>& got,
                                                 int64_t features) const {
    for (size_t i = 0; i < got.size(); ++i)
      if (got[i] != want[i])
        return VerifyMismatch{"", static_cast<int64_t>(i) / features, static_cast<int64_t>(i) % features, want[i], got[i], ""};
    return std::nullopt;
  }

  const Project& p_;
  const std::map<std::string, std::vector<int64_t>>& ref_;
  const Interpreter<int64_t>& interp_;
  int64_t samples_, iterations_;
  PlioElement element_;
};

fs::path fresh_work_dir() {
  const fs::path base = fs::temp_directory_path();
  for (int i = 0;; ++i) {
    fs::path p = base / fmt::format("aie4ml-verify-{}-{}", ::getpid(), i);
    std::error_code ec;
    if (fs::create_directory(p, ec)) return p;
    if (ec) throw InputError(fmt::format("cannot create a work directory in '{}': {}", base.string(), ec.message()));
  }
}

// A kept build directory serves one project: make decides by timestamps, so objects of another
// project's (older) sources must never be taken for this one's.
void reuse_build_only_for(const fs::path& work, const fs::path& project) {
  const fs::path stamp = work / "project.txt";
  std::string previous;
  if (fs::exists(stamp)) previous = read_text(stamp);
  if (previous != project.string() + "\n") {
    fs::remove_all(work / "build");
    write_text(stamp, project.string() + "\n");
  }
}

void say(const VerifyOptions& o, const std::string& line) {
  if (o.progress) o.progress(line);
}

// Where the emulation runtime object and the precompiled emulation headers (EMU_PCH) are kept between
// verifications: they depend only on emu/ and the compiler flags (the Makefile rebuilds them when a
// header there is newer), so every project shares them.
fs::path emu_cache(const fs::path& emu) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the emu path
  for (unsigned char c : emu.string()) h = (h ^ c) * 1099511628211ull;
  return fs::temp_directory_path() / fmt::format("aie4ml-emu-cache-{}", ::getuid()) / fmt::format("{:016x}", h);
}

void build_host(const VerifyOptions& o, const fs::path& project, const fs::path& work, const fs::path& emu, VerifyResult& r) {
  const auto start = Clock::now();
  say(o, fmt::format("building the host target (make host: g++ against {}) ...", emu.string()));
  const std::string cmd =
      fmt::format("make --no-print-directory -C {} host HOST_DIR={} AIE4ML_EMU={} EMU_BUILD_DIR={} EMU_PCH=1 -j{}", quote(project),
                  quote(work / "build"), quote(emu), quote(emu_cache(emu)), std::max(1, o.jobs));
  const auto [status, log] = run_command(cmd, [&](const std::string& line) {
    const auto c = line.find(" -c ");
    if (c == std::string::npos) return;
    const auto end = line.find(' ', c + 4);
    const std::string src = line.substr(c + 4, end == std::string::npos ? std::string::npos : end - c - 4);
    if (src.ends_with("kernels_unity.cc"))
      say(o, "  compiling the kernel sources aie/src/*.cc (one unit)");
    else if (src.ends_with("host_prelude.h"))
      say(o, fmt::format("  precompiling the emulation headers {} (kept for later runs)", src));
    else if (src.ends_with("host_runtime.cpp"))
      say(o, fmt::format("  compiling the emulation runtime {} (kept for later runs)", src));
    else
      say(o, fmt::format("  compiling {}", src));
  });
  r.build_seconds = seconds_since(start);
  if (status != 0)
    throw CheckFailure(fmt::format("the project's host target does not build (make exit status {}):\n{}", status, tail(log, 30)));
  say(o, fmt::format("built in {:.1f} s", r.build_seconds));
}

void run_host(const VerifyOptions& o, const fs::path& work, VerifyResult& r) {
  const auto start = Clock::now();
  say(o, fmt::format("running {} graph iterations ({} samples) ...", r.iterations, r.samples));
  const std::string cmd = fmt::format(
      "env AIE4ML_INPUT_DIR={} AIE4ML_OUTPUT_DIR={} AIE4ML_TRACE_DIR={} AIE4ML_GRAPH_RECORD={} AIE4ML_ITERATIONS={} {}",
      quote(work / "in"), quote(work / "out"), quote(work / "trace"), quote(work / "graph.json"), r.iterations,
      quote(work / "build" / "aie4ml_host"));
  const auto [status, log] = run_command(cmd, nullptr);
  r.run_seconds = seconds_since(start);
  if (status != 0) throw CheckFailure(fmt::format("the host run failed (exit status {}):\n{}", status, tail(log, 30)));
  say(o, fmt::format("ran in {:.1f} s", r.run_seconds));
}

}  // namespace

VerifyResult verify_project(const VerifyOptions& o) {
  const Project p = load_project(o.project);
  // The reference: the integer interpreter, or for bf16 models the bf16 one (docs/numerics.md "bf16").
  const bool bf16 = is_bf16_model(p.model);
  std::optional<IntegerInterpreter> int_interp;
  std::optional<Bf16Interpreter> bf16_interp;
  if (bf16) bf16_interp.emplace(p.model);
  else int_interp.emplace(p.model);
  const Interpreter<int64_t>& interp = bf16 ? static_cast<const Interpreter<int64_t>&>(*bf16_interp) : *int_interp;
  const PlioElement element = bf16 ? PlioElement::Bf16 : PlioElement::Integer;
  VerifyResult r;
  for (auto& l : p.design.layers) r.kernels += static_cast<int>(l.kernels.size());
  const auto inputs = bf16 ? bf16_sample_inputs(o, *bf16_interp, r.samples) : sample_inputs(o, *int_interp, r.samples);
  if (r.samples < 1) throw InputError("no samples to verify");
  const auto ref = interp.trace(inputs, r.samples);
  r.iterations = (r.samples + p.design.batch - 1) / p.design.batch;

  // Absolute: make runs in the project directory, so a relative --build-dir would land inside it.
  const fs::path work = o.work_dir.empty() ? fresh_work_dir() : fs::absolute(o.work_dir).lexically_normal();
  fs::create_directories(work);
  r.work_dir = work;
  const fs::path emu = o.emu_dir.empty() ? fs::absolute(data_root() / "emu").lexically_normal() : o.emu_dir;
  struct Cleanup {
    fs::path dir;
    bool keep;
    ~Cleanup() {
      std::error_code ec;
      if (!keep) fs::remove_all(dir, ec);
    }
  } cleanup{work, o.keep_work_dir || !o.work_dir.empty()};
  for (auto* sub : {"in", "out", "trace"}) fs::remove_all(work / sub);
  fs::remove(work / "graph.json");
  reuse_build_only_for(work, fs::absolute(o.project).lexically_normal());

  for (auto& port : p.design.plio)
    if (port.direction == "in")
      write_text(work / "in" / "data" / (port.name + ".txt"),
                 plio_text(port, conv_layout::to_array_layout(p.design, port.tensor, ref.at(port.tensor), r.samples),
                           interp.sample_elements(port.tensor), r.samples, element));
  build_host(o, fs::absolute(o.project), work, emu, r);
  run_host(o, work, r);

  const auto graph = compare_graph(p.design, read_json(work / "graph.json", "graph record"));
  r.graph_facts = graph.facts;
  r.graph_only_in_design = graph.only_in_design;
  r.graph_only_in_graph = graph.only_in_graph;
  Comparer cmp(p, ref, interp, r.samples, r.iterations, element);
  cmp.layers(work / "trace", r);
  cmp.outputs(work / "out", r);
  return r;
}

}  // namespace aie4ml::codegen
