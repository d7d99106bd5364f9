// The Vitis project writer (see project_writer.h).
#include "codegen/project_writer.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "codegen/aie_sources.h"
#include "codegen/board_project.h"
#include "codegen/kernel_spec.h"
#include "codegen/plio_data.h"
#include "sim/interpreter.h"
#include "sim/bf16_kernels.h"
#include "design/conv_layout.h"
#include "support/error.h"
#include "support/paths.h"

namespace aie4ml::codegen {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& dir, const std::string& rel, const std::string& text) {
  const fs::path p = dir / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw InputError(fmt::format("failed writing '{}'", p.string()));
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read '{}'", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The kernel library headers, sorted by name.
std::vector<SourceFile> kernel_library(const fs::path& kernels_dir) {
  std::vector<fs::path> headers;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(kernels_dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".h") headers.push_back(e.path());
  if (ec || headers.empty()) throw InputError(fmt::format("no kernel library headers in '{}'", kernels_dir.string()));
  std::sort(headers.begin(), headers.end());
  std::vector<SourceFile> out;
  for (auto& h : headers) out.push_back({"aie/kernels/" + h.filename().string(), read_file(h)});
  return out;
}

// Uniform codes over a type's range, from a fixed-seed generator (modulo mapping: the same numbers on
// every platform, unlike std::uniform_int_distribution).
std::vector<int64_t> random_codes(std::mt19937_64& rng, size_t n, const FixedType& t) {
  const int64_t lo = t.min_code(), hi = t.max_code();
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  std::vector<int64_t> v(n);
  for (auto& x : v) x = span == 0 ? static_cast<int64_t>(rng()) : lo + static_cast<int64_t>(rng() % span);
  return v;
}

// bf16 models (passes/to_bf16.h): uniform values in [-2, 2) rounded to bf16, from the same generator.
std::vector<SourceFile> bf16_data_files(const Design& d, const Model& m, const ProjectOptions& o) {
  const Bf16Interpreter interp(m);
  const int64_t samples = o.data_iterations * d.batch;
  std::mt19937_64 rng(o.seed);
  std::vector<std::vector<int64_t>> inputs;
  for (auto& name : interp.input_names()) {
    std::vector<int64_t> v(static_cast<size_t>(samples * interp.sample_elements(name)));
    for (auto& x : v) x = sim::bf16_code_of(static_cast<double>(rng() >> 11) * 0x1p-53 * 4.0 - 2.0);
    inputs.push_back(std::move(v));
  }
  const auto trace = interp.trace(inputs, samples);
  std::vector<SourceFile> files;
  for (auto& p : d.plio) {
    auto it = trace.find(p.tensor);
    if (it == trace.end()) throw InputError(fmt::format("PLIO '{}' carries tensor '{}', which the model does not compute", p.name, p.tensor));
    const std::string text = plio_text(p, it->second, interp.sample_elements(p.tensor), samples, PlioElement::Bf16);
    files.push_back({p.direction == "in" ? fmt::format("data/{}.txt", p.name) : fmt::format("data/golden_{}.txt", p.name), text});
  }
  return files;
}

std::vector<SourceFile> data_files(const Design& d, const Model& m, const ProjectOptions& o) {
  if (is_bf16_model(m)) return bf16_data_files(d, m, o);
  IntegerInterpreter interp(m);
  const int64_t samples = o.data_iterations * d.batch;
  std::mt19937_64 rng(o.seed);
  std::vector<std::vector<int64_t>> inputs;
  for (auto& name : interp.input_names())
    inputs.push_back(random_codes(rng, static_cast<size_t>(samples * interp.sample_elements(name)), interp.type(name)));
  const auto trace = interp.trace(inputs, samples);
  std::vector<SourceFile> files;
  for (auto& p : d.plio) {
    auto it = trace.find(p.tensor);
    if (it == trace.end()) throw InputError(fmt::format("PLIO '{}' carries tensor '{}', which the model does not compute", p.name, p.tensor));
    const int64_t features = interp.sample_elements(p.tensor);
    const std::string text = plio_text(p, conv_layout::to_array_layout(d, p.tensor, it->second, samples), features, samples);
    files.push_back({p.direction == "in" ? fmt::format("data/{}.txt", p.name) : fmt::format("data/golden_{}.txt", p.name), text});
  }
  return files;
}

std::string makefile(const Design& d, const std::vector<DenseKernelSpec>& specs, const fs::path& emu_dir,
                     const std::string& platform) {
  std::vector<std::string> kernel_sources, outputs;
  for (auto& s : specs) kernel_sources.push_back(fmt::format("aie/src/{}.cc", s.prefix));
  for (auto& p : d.plio)
    if (p.direction == "out") outputs.push_back(p.name);
  return fmt::format(
      R"MK(# Vitis project of model '{model}' for {device}, generated by aie4ml; see README.md.
#   make host        build the graph with g++ against aie4ml's AIE API/ADF emulation (no AMD tools)
#   make run_host    run it on data/*.txt -> host_output/data/
#   make check_host  run it and compare with the golden outputs data/golden_*.txt
#   make x86sim      v++ --mode aie --target x86sim, then x86simulator   (needs Vitis and PLATFORM)
#   make aiesim      v++ --mode aie --target hw, then aiesimulator       (needs Vitis and PLATFORM)
#   make hw          v++ --mode aie --target hw: libadf.a for the system link
AIE4ML_EMU ?= {emu}
PLATFORM_NAME ?= {platform}
PLATFORM ?= $(if $(PLATFORM_REPO_PATHS),$(PLATFORM_REPO_PATHS)/$(PLATFORM_NAME)/$(PLATFORM_NAME).xpfm)
CXX ?= g++
HOST_DIR ?= build/host
HOST_CXXFLAGS ?= -std=c++20 -O1
# aie/graph.cpp only builds the graph, once per run (the kernels and the runtime do the work): -O0
# compiles it in half the time and changes no result.
GRAPH_CXXFLAGS ?= $(filter-out -O%,$(HOST_CXXFLAGS)) -O0
HOST_OUTPUT ?= host_output
EMU_BUILD_DIR ?= $(HOST_DIR)/emu
# EMU_PCH=1 (what `aie4ml verify` sets): the emulation headers (emu/host_prelude.h) are precompiled into
# EMU_BUILD_DIR once per compiler and flags, and every build sharing that EMU_BUILD_DIR skips parsing
# them. Off by default: for a single build, precompiling costs about what it saves.
EMU_PCH ?=

GRAPH := aie/graph.cpp
KERNEL_SOURCES := {kernel_sources}
OUTPUTS := {outputs}
# The host build compiles the kernel sources as one translation unit (they share all their headers).
KERNEL_UNITY := $(HOST_DIR)/aie/kernels_unity.cc
HOST_OBJECTS := $(HOST_DIR)/$(GRAPH).o $(KERNEL_UNITY).o
EMU_RUNTIME := $(EMU_BUILD_DIR)/host_runtime.o
EMU_HEADERS := $(wildcard $(AIE4ML_EMU)/*.h $(AIE4ML_EMU)/adf/*.h $(AIE4ML_EMU)/aie_api/*.hpp $(AIE4ML_EMU)/aie_api/detail/*.hpp)
# The precompiled prelude for compiler flags $(1): its folder is named by a checksum of the compiler, its
# version and the flags, so that a shared EMU_BUILD_DIR holds one per combination. GCC also checks a
# precompiled header itself and reads the header text instead when it does not fit.
emu_pch = $(EMU_BUILD_DIR)/pch-$(firstword $(shell printf '%s|%s' '$(CXX) $(1)' "$$($(CXX) --version 2>&1 | head -n1)" | cksum))/host_prelude.h.gch
GRAPH_PCH := $(if $(EMU_PCH),$(call emu_pch,$(GRAPH_CXXFLAGS)))
KERNEL_PCH := $(if $(EMU_PCH),$(call emu_pch,$(HOST_CXXFLAGS)))
# -include finds the .gch in its folder, searched first; without EMU_PCH nothing changes.
use_pch = $(if $(1),-I$(dir $(1)) -include host_prelude.h)
AIE_FLAGS = --mode aie --platform=$(PLATFORM) --config=aie.cfg

.PHONY: host run_host check_host x86sim aiesim hw check_platform clean

host: $(HOST_DIR)/aie4ml_host

$(HOST_DIR)/$(GRAPH).o: $(GRAPH) | $(GRAPH_PCH)
	@mkdir -p $(dir $@)
	$(CXX) $(GRAPH_CXXFLAGS) -DAIE4ML_HOST -MMD -MP $(call use_pch,$(GRAPH_PCH)) -I$(AIE4ML_EMU) -Iaie -c $< -o $@

$(KERNEL_UNITY): Makefile
	@mkdir -p $(dir $@)
	@printf '#include "$(CURDIR)/%s"\n' $(KERNEL_SOURCES) > $@

$(KERNEL_UNITY).o: $(KERNEL_UNITY) | $(KERNEL_PCH)
	$(CXX) $(HOST_CXXFLAGS) -DAIE4ML_HOST -MMD -MP $(call use_pch,$(KERNEL_PCH)) -I$(AIE4ML_EMU) -Iaie -c $< -o $@

$(GRAPH_PCH): PCH_FLAGS = $(GRAPH_CXXFLAGS)
$(KERNEL_PCH): PCH_FLAGS = $(HOST_CXXFLAGS)
$(EMU_BUILD_DIR)/pch-%/host_prelude.h.gch: $(AIE4ML_EMU)/host_prelude.h $(EMU_HEADERS)
	@mkdir -p $(dir $@)
	$(CXX) $(PCH_FLAGS) -DAIE4ML_HOST -I$(AIE4ML_EMU) -x c++-header -c $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

# The emulation's graph runtime: the same for every project, so EMU_BUILD_DIR may be shared between them.
$(EMU_RUNTIME): $(AIE4ML_EMU)/adf/host_runtime.cpp $(EMU_HEADERS)
	@mkdir -p $(dir $@)
	$(CXX) $(HOST_CXXFLAGS) -I$(AIE4ML_EMU) -c $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

$(HOST_DIR)/aie4ml_host: $(HOST_OBJECTS) $(EMU_RUNTIME)
	$(CXX) $(HOST_CXXFLAGS) $^ -o $@ -pthread

-include $(HOST_OBJECTS:.o=.d)

run_host: host
	AIE4ML_OUTPUT_DIR=$(HOST_OUTPUT) $(HOST_DIR)/aie4ml_host

# Compare the numbers of every output PLIO file with its golden file (timestamp/TLAST lines dropped).
define compare_outputs
	@for f in $(OUTPUTS); do \
	  grep -v '^[[:space:]]*T' $(1)/data/$$f.txt | diff -w -q - data/golden_$$f.txt >/dev/null \
	    && echo "$$f: matches data/golden_$$f.txt" || {{ echo "$$f: DIFFERS from data/golden_$$f.txt"; exit 1; }}; \
	done
endef

check_host: run_host
	$(call compare_outputs,$(HOST_OUTPUT))

check_platform:
	@test -n "$(PLATFORM)" || {{ echo "set PLATFORM to your platform (.xpfm), e.g. make $(MAKECMDGOALS) PLATFORM=..."; exit 1; }}

x86sim: check_platform
	v++ -c $(AIE_FLAGS) --target=x86sim --work_dir=./Work_x86sim $(GRAPH)
	x86simulator --pkg-dir=./Work_x86sim --input-dir=. --output-dir=./x86simulator_output
	$(call compare_outputs,x86simulator_output)

aiesim: hw
	aiesimulator --pkg-dir=./Work --input-dir=. --output-dir=./aiesimulator_output
	$(call compare_outputs,aiesimulator_output)

hw: check_platform
	v++ -c $(AIE_FLAGS) --target=hw --work_dir=./Work $(GRAPH)

clean:
	rm -rf build $(HOST_OUTPUT) Work Work_x86sim x86simulator_output aiesimulator_output libadf.a *.log .Xil
)MK",
      fmt::arg("model", d.model), fmt::arg("device", d.device), fmt::arg("emu", emu_dir.string()), fmt::arg("platform", platform),
      fmt::arg("kernel_sources", fmt::join(kernel_sources, " ")), fmt::arg("outputs", fmt::join(outputs, " ")));
}

std::string aie_cfg(const Design& d) {
  double mhz = 0;
  for (auto& p : d.plio) mhz = std::max(mhz, p.frequency_mhz);
  return fmt::format(
      "# v++ --mode aie configuration of model '{}' for {} (generated by aie4ml).\n"
      "# Kernel locations, buffer addresses, stack sizes and PLIO columns are constraints in aie/graph.h.\n"
      "[aie]\ninclude=.\ninclude=aie\ninclude=aie/kernels\npl-freq={}\n",
      d.model, d.device, mhz);
}

std::string readme(const Design& d, const std::vector<DenseKernelSpec>& specs, int64_t iterations) {
  std::string layers;
  for (size_t i = 0; i < d.layers.size(); ++i) {
    const auto& l = d.layers[i];
    layers += fmt::format("| {} | {} -> {} | {} | {} x {} | {} | `aie/src/{}.cc` |\n", l.name, l.in_features, l.out_features,
                          l.activation, l.cas_length, l.cas_num, specs[i].a_type + " x " + specs[i].b_type + " -> " + specs[i].c_type,
                          specs[i].prefix);
  }
  std::string plio;
  for (auto& p : d.plio)
    plio += fmt::format("| {} | {} | {} | {}-bit @ {} MHz, shim column {} | `data/{}{}.txt` |\n", p.name, p.direction, p.tensor,
                        p.width_bits, p.frequency_mhz, p.column, p.direction == "in" ? "" : "golden_", p.name);
  return fmt::format(
      R"MD(# {model} on {device}

An AIE-ML firmware project generated by aie4ml: {kernels} kernels on {tiles} of the {total} tiles, {batch}
samples per graph iteration. The files are derived from `design.json`; recompile rather than edit them.

| layer | features | activation | cascade length x chains | types | source |
|---|---|---|---|---|---|
{layers}
| PLIO | direction | tensor | port | data |
|---|---|---|---|---|
{plio}
`data/` holds {iterations} graph iterations of random inputs (fixed seed) and the outputs aie4ml's reference
interpreter computes for them; every value is an integer code, one PLIO word per line.

## Build and simulate

- Host, no AMD tools: `make check_host` builds `aie/graph.cpp` and the kernels with g++ against aie4ml's
  emulation of the AIE API and ADF (`AIE4ML_EMU`, default the aie4ml installation this project came from),
  runs the graph on `data/` and compares with the golden files. `aie4ml verify <this directory>` does the
  same on as many samples as you like and checks every layer and the graph against `design.json`.
  Flags: `HOST_CXXFLAGS` (kernels), `GRAPH_CXXFLAGS` (`aie/graph.cpp`, -O0); with `EMU_PCH=1` and a shared
  `EMU_BUILD_DIR` the emulation headers are precompiled once for all builds.
- x86simulator: `make x86sim PLATFORM=<path to the .xpfm>` (Vitis, `v++ --mode aie --target x86sim`),
  outputs in `x86simulator_output/data/`, compared with the golden files.
- aiesimulator: `make aiesim PLATFORM=...` (`v++ --mode aie --target hw`, then `aiesimulator`), outputs
  in `aiesimulator_output/data/`, compared with the golden files.
- Hardware: `make hw PLATFORM=...` gives `libadf.a` for `v++ --link` with your PL design; the graph instance
  is `top` (XRT: `xrt::graph(device, uuid, "top")`).

Layout: `aie/graph.h` (the graph: kernels with their tiles, buffer addresses, cascades, memory-tile shared
buffers with tiling parameters, PLIO ports), `aie/graph.cpp` (instance and simulator `main`),
`aie/parameters.h` (layer constants), `aie/layers.h` and `aie/src/` (kernel functions),
`aie/weights/` (packed weights and biases, runtime parameters loaded once), `aie/kernels/` (the kernel
library), `aie.cfg` (v++ options), `design.json`, `report.json`, `placement.svg`.
)MD",
      fmt::arg("model", d.model), fmt::arg("device", d.device), fmt::arg("kernels", [&] {
        int n = 0;
        for (auto& l : d.layers) n += static_cast<int>(l.kernels.size());
        return n;
      }()),
      fmt::arg("tiles", d.tiles_used()), fmt::arg("total", d.tiles_total()), fmt::arg("batch", d.batch),
      fmt::arg("layers", layers), fmt::arg("plio", plio), fmt::arg("iterations", iterations));
}

}  // namespace

ProjectSummary write_project(const Design& design, const Model& model, const Device& device, const fs::path& dir,
                             const ProjectOptions& options) {
  const auto specs = kernel_specs(design, model);
  const fs::path kernels_dir = options.kernels_dir.empty() ? data_root() / "kernels" : options.kernels_dir;
  const fs::path emu_dir = options.emu_dir.empty() ? fs::absolute(data_root() / "emu").lexically_normal() : options.emu_dir;
  std::vector<SourceFile> files = aie_sources(design, specs, device, options.data_iterations);
  for (auto& f : kernel_library(kernels_dir)) files.push_back(std::move(f));
  for (auto& f : data_files(design, model, options)) files.push_back(std::move(f));
  // The board flow (PL data movers, system link, XRT program): board_project.h.
  const std::string platform = options.platform.empty() ? kDefaultPlatform : options.platform;
  const auto board = board_ports(design, model);
  for (auto* part : {&board_movers, &board_link})
    for (auto& f : (*part)(design, board)) files.push_back(std::move(f));
  for (auto& f : board_host(design, board, options.data_iterations)) files.push_back(std::move(f));
  files.push_back({"Makefile", makefile(design, specs, emu_dir, platform) + board_makefile(design, board, platform)});
  files.push_back({"aie.cfg", aie_cfg(design)});
  files.push_back({"README.md", readme(design, specs, options.data_iterations) + board_readme(design, board, platform)});

  ProjectSummary summary;
  for (auto& l : design.layers) summary.kernels += static_cast<int>(l.kernels.size());
  for (auto& f : files) {
    write_file(dir, f.path, f.text);
    summary.files.push_back(f.path);
  }
  std::sort(summary.files.begin(), summary.files.end());
  return summary;
}

}  // namespace aie4ml::codegen
