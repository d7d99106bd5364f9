// `aie4ml verify DIR [--input X.npy] [--samples N] [--keep-build] [--build-dir D] [--jobs J]`
// Builds the project's host target (its graph.h/graph.cpp and kernels, unchanged, with g++ against
// aie4ml's emu/), runs it on the samples and compares every layer and every output sample with the
// reference interpreter, and the graph it built with design.json (codegen/verify.h).
// Prints `bit-exact: N/N samples` and exits 0, or names the first mismatching layer, sample and
// element (or the graph differences) and exits 1. Progress (build steps, timings) goes to stderr.
#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "codegen/verify.h"
#include "support/error.h"

namespace aie4ml::cli {

namespace {

struct VerifyArgs {
  std::string dir, input, build_dir;
  int64_t samples = 0;
  bool keep = false;
  int jobs = 2;
};

void print_graph_differences(const codegen::VerifyResult& r) {
  constexpr size_t kMax = 10;
  auto list = [](const char* title, const std::vector<std::string>& facts) {
    if (facts.empty()) return;
    fmt::print("  {} ({}):\n", title, facts.size());
    for (size_t i = 0; i < facts.size() && i < kMax; ++i) fmt::print("    {}\n", facts[i]);
    if (facts.size() > kMax) fmt::print("    ...\n");
  };
  fmt::print("graph: differs from design.json\n");
  list("in design.json, not in the graph", r.graph_only_in_design);
  list("in the graph, not in design.json", r.graph_only_in_graph);
}

void run_verify(const VerifyArgs& a) {
  codegen::VerifyOptions o;
  o.project = a.dir;
  o.input = a.input;
  if (a.samples > 0) o.samples = a.samples;
  o.work_dir = a.build_dir;
  o.keep_work_dir = a.keep;
  o.jobs = a.jobs;
  o.progress = [](const std::string& line) {  // progress on stderr: stdout keeps the results scripts read
    fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
  };
  fmt::print("verifying {} on {} samples{}\n", a.dir, a.input.empty() ? "random" : "the",
             a.input.empty() ? "" : fmt::format(" of {}", a.input));
  const auto r = codegen::verify_project(o);
  if (r.graph_matches())
    fmt::print("graph: {} kernels and their connections match design.json ({} facts)\n", r.kernels, r.graph_facts);
  else
    print_graph_differences(r);
  if (!r.layers_exact.empty()) fmt::print("layers bit-exact: {}\n", fmt::join(r.layers_exact, ", "));
  if (r.first_mismatch) fmt::print("first mismatch: {}\n", r.first_mismatch->message);
  fmt::print("bit-exact: {}/{} samples\n", r.exact_samples, r.samples);
  if (a.keep || !a.build_dir.empty()) fmt::print("build kept in {}\n", r.work_dir.string());
  if (!r.passed()) {
    std::fflush(stdout);
    throw CheckFailure(fmt::format("verification failed: {}/{} samples bit-exact{}", r.exact_samples, r.samples,
                                   r.graph_matches() ? "" : ", the graph differs from design.json"));
  }
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto a = std::make_shared<VerifyArgs>();
  auto* cmd = app.add_subcommand("verify", "Build the generated project on the host, run it and prove it bit-exact");
  cmd->add_option("dir", a->dir, "project directory written by `aie4ml compile`")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--input", a->input, "samples, float .npy of shape [N, ...] (default: random codes)")->check(CLI::ExistingFile);
  cmd->add_option("--samples", a->samples, "number of samples (random: default 1000; with --input: at most this many)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--keep-build", a->keep, "keep the build and run directory");
  cmd->add_option("--build-dir", a->build_dir, "build and run in this directory (kept; reused by later runs)");
  cmd->add_option("--jobs,-j", a->jobs, "parallel compile jobs")->check(CLI::Range(1, 64));
  cmd->callback([a] { run_verify(*a); });
}

}  // namespace aie4ml::cli
