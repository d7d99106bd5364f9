// `aie4ml verify`: prove a generated project computes its quantised model exactly, on the host.
// Reads: the project directory (model.json, design.json, aie/, Makefile), the samples (an .npy file,
//   quantised into the model's input type as `predict` does, or random codes over the input types'
//   ranges with a fixed seed) and aie4ml's emu/.
// Does: writes the samples as PLIO input files into a work directory, builds the project's `host` make
//   target there (g++ against emu/), runs it for as many graph iterations as the samples need with
//   kernel-output tracing and the graph record on, then compares
//   - every layer's output (the trace of each chain's last kernel, unpacked with the kernels' output
//     layout) with the reference interpreter, layer by layer in topological order;
//   - every output PLIO file with the interpreter's value of the tensor it carries (zero padding too);
//   - the recorded graph with design.json (graph_check.h).
// Writes: nothing in the project; the work directory is removed unless kept.
// Checks: a project that does not build or run, or any difference, is a failed verification (the
//   result says what); a directory that is not a project, or samples of the wrong shape, InputError.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace aie4ml::codegen {

struct VerifyOptions {
  std::filesystem::path project;
  std::filesystem::path input;        // .npy samples; empty: random
  std::optional<int64_t> samples;     // at most this many samples (random: exactly; default 1000)
  std::filesystem::path work_dir;     // empty: a fresh temporary directory
  bool keep_work_dir = false;         // keep it (always kept when work_dir is given)
  std::filesystem::path emu_dir;      // empty: data_root() / "emu"
  int jobs = 2;                       // make -j
  uint64_t seed = 7;                  // random samples
  std::function<void(const std::string&)> progress;  // one line per step; may be empty
};

struct VerifyMismatch {
  std::string where;     // "layer fc2" or "output PLIO 'out_y' (tensor y)"
  int64_t sample = 0, element = 0;
  int64_t expected = 0, actual = 0;
  std::string message;   // the whole sentence
};

struct VerifyResult {
  int64_t samples = 0, exact_samples = 0;  // samples whose every output element is exact
  std::vector<std::string> layers_exact;   // layers whose every element of every sample is exact
  std::optional<VerifyMismatch> first_mismatch;
  std::vector<std::string> graph_only_in_design, graph_only_in_graph;
  size_t graph_facts = 0;
  int kernels = 0;
  int64_t iterations = 0;
  double build_seconds = 0, run_seconds = 0;
  std::filesystem::path work_dir;          // where the build lives (when kept)
  bool graph_matches() const { return graph_only_in_design.empty() && graph_only_in_graph.empty(); }
  bool passed() const { return exact_samples == samples && !first_mismatch && graph_matches(); }
};

// Throws InputError on bad input (not a project, bad samples) and CheckFailure when the project does
// not build or its run fails (message with the tail of the log); differences are in the result.
VerifyResult verify_project(const VerifyOptions& options);

}  // namespace aie4ml::codegen
