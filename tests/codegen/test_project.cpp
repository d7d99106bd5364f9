// The project writer without building anything: deterministic output, no host-only constructs where
// AMD's compiler would reject them, a graph.h that says what the Design says, the kernel-spec refusals,
// and the PLIO data format.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "codegen/kernel_spec.h"
#include "codegen/plio_data.h"
#include "codegen/project_writer.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "support/error.h"

namespace aie4ml::codegen {
namespace {

namespace fs = std::filesystem;

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

fs::path test_model(const std::string& name) { return fs::path(AIE4ML_TEST_DATA) / "qdq" / (name + ".onnx"); }

Model quantised(const std::string& name, const Config& config) {
  Model m = import_onnx(test_model(name));
  canonicalize(m);
  quantize_model(m, config);
  return m;
}

Config config_with(int batch, std::map<std::string, std::pair<int, int>> grids = {}) {
  Config c;
  c.batch_size = batch;
  for (auto& [layer, g] : grids) {
    c.layers[layer].cascade_length = g.first;
    c.layers[layer].cascade_num = g.second;
  }
  return c;
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("aie4ml-project-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Written {
  TempDir dir;
  Design design;
  ProjectSummary summary;
};

std::unique_ptr<Written> write(const std::string& model, const Config& config) {
  auto w = std::make_unique<Written>();
  const Model m = quantised(model, config);
  w->design = plan_design(m, config, ve2802());
  w->summary = write_project(w->design, m, ve2802(), w->dir.path);
  return w;
}

class ProjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(test_model("qdq8_l3"))) GTEST_SKIP() << "test models not generated (" << AIE4ML_TEST_DATA << ")";
  }
};

TEST_F(ProjectTest, SameInputsGiveByteIdenticalProjects) {
  const Config c = config_with(8, {{"fc1_node", {2, 1}}});
  const auto a = write("qdq8_l3", c);
  const auto b = write("qdq8_l3", c);
  ASSERT_EQ(a->summary.files, b->summary.files);
  for (auto& f : a->summary.files) EXPECT_EQ(read(a->dir.path / f), read(b->dir.path / f)) << f;
  for (auto* f : {"aie/graph.h", "aie/graph.cpp", "aie/layers.h", "aie/parameters.h", "aie/kernels/dense.h", "Makefile",
                  "aie.cfg", "README.md", "data/in_x.txt", "data/golden_out_y.txt"})
    EXPECT_NE(std::find(a->summary.files.begin(), a->summary.files.end(), f), a->summary.files.end()) << f;
}

// Comments and string literals removed: what a compiler sees.
std::string code_only(const std::string& text) {
  static const std::regex comments(R"(//[^\n]*|/\*[\s\S]*?\*/)");
  static const std::regex strings(R"("(\\.|[^"\\])*")");
  return std::regex_replace(std::regex_replace(text, comments, ""), strings, "\"\"");
}

// What aiecompiler rejects or cannot run in kernel code: host I/O, heap containers, exceptions,
// threads, dynamic allocation, the C library's printing and assertions.
const std::regex& kernel_forbidden() {
  static const std::regex r(
      R"(#\s*include\s*<(iostream|fstream|sstream|vector|map|set|list|deque|string|thread|mutex|filesystem|functional|memory|cstdio|stdio\.h|cassert|exception|stdexcept)>|\bstd::(cout|cerr|vector|string|map|function|thread|unique_ptr|shared_ptr)\b|\b(printf|fprintf|puts|malloc|free|assert|throw|try|catch)\b|\bnew\s+\w|\bdelete\s)");
  return r;
}

TEST(HostConstructCheck, FlagsHostCodeAndIgnoresComments) {
  for (auto* bad : {"#include <iostream>\n", "#include <vector>", "  std::vector<int> v;", "printf(\"x\");",
                    "if (x) throw 1;", "int* p = new int[3];", "try { f(); } catch (...) {}"})
    EXPECT_TRUE(std::regex_search(code_only(bad), kernel_forbidden())) << bad;
  for (auto* fine : {"// printf is not for kernels\n", "/* throw */ int x;", "const char* s = \"try\";",
                     "aie::vector<int8, 32> v;", "#include <type_traits>", "int renew = 1;"})
    EXPECT_FALSE(std::regex_search(code_only(fine), kernel_forbidden())) << fine;
}

TEST_F(ProjectTest, KernelSideSourcesHaveNoHostOnlyConstructs) {
  const std::regex& forbidden = kernel_forbidden();
  for (auto* model : {"qdq8_l3", "qdq16_l2"}) {
    const auto w = write(model, config_with(8));
    int checked = 0;
    for (auto& f : w->summary.files) {
      // Kernel side: what the AIE compiler builds for the cores. graph.h/graph.cpp and the weight
      // headers are graph code (compiled for the host by the ADF front end) and get a lighter check.
      const bool kernel_side = f.starts_with("aie/src/") || f.starts_with("aie/kernels/") || f == "aie/layers.h" ||
                               f == "aie/parameters.h";
      const bool graph_side = f.starts_with("aie/") && !kernel_side;
      if (!kernel_side && !graph_side) continue;
      const std::string code = code_only(read(w->dir.path / f));
      std::smatch m;
      if (kernel_side) {
        EXPECT_FALSE(std::regex_search(code, m, forbidden)) << model << " " << f << ": " << m.str();
      } else {
        static const std::regex host_io(R"(#\s*include\s*<(iostream|cstdio|thread)>|\b(printf|std::cout|throw|try|catch)\b)");
        EXPECT_FALSE(std::regex_search(code, m, host_io)) << model << " " << f << ": " << m.str();
      }
      ++checked;
    }
    EXPECT_GE(checked, 8) << model;
  }
}

TEST_F(ProjectTest, GraphSaysWhatTheDesignSays) {
  const auto w = write("qdq8_l3", config_with(8, {{"fc0_node", {1, 2}}, {"fc1_node", {2, 1}}}));
  const std::string g = read(w->dir.path / "aie/graph.h");
  int kernels = 0;
  for (auto& l : w->design.layers)
    for (auto& k : l.kernels) {
      ++kernels;
      EXPECT_NE(g.find("adf::location<adf::kernel>(k_" + k.name + ") = adf::tile(" + std::to_string(k.tile.col) + ", " +
                       std::to_string(k.tile.row) + ");"),
                std::string::npos)
          << k.name;
      EXPECT_NE(g.find("k_" + k.name + " = adf::kernel::create(" + c_identifier(l.name) + "_" + k.variant + ");"),
                std::string::npos)
          << k.name;
    }
  EXPECT_EQ(kernels, w->summary.kernels);
  for (auto& c : w->design.cascades)
    EXPECT_NE(g.find("adf::connect<adf::cascade>(k_" + c.from + ".out[0], k_" + c.to + ".in[1]);"), std::string::npos);
  for (auto& sb : w->design.shared_buffers) EXPECT_NE(g.find("adf::num_buffers(" + sb.name + ") = 2;"), std::string::npos);
  for (auto& p : w->design.plio) {
    EXPECT_NE(g.find("\"" + p.name + "\", adf::plio_128_bits, \"data/" + p.name + ".txt\", 312.5)"), std::string::npos);
    EXPECT_NE(g.find("adf::location<adf::PLIO>(plio_" + p.name + ") = adf::shim(" + std::to_string(p.column) + ");"),
              std::string::npos);
  }
  // The Makefile offers every flow the README describes.
  const std::string mk = read(w->dir.path / "Makefile");
  for (auto* target : {"\nhost:", "\nx86sim:", "\naiesim:", "\nhw:", "\ncheck_host:", "v++ -c $(AIE_FLAGS) --target=x86sim",
                       "x86simulator --pkg-dir", "aiesimulator --pkg-dir", "AIE4ML_EMU ?= /"})
    EXPECT_NE(mk.find(target), std::string::npos) << target;
}

TEST_F(ProjectTest, KernelSpecRefusesWhatTheKernelsCannotComputeExactly) {
  const Config c = config_with(8);
  const Model m = quantised("qdq8_l3", c);
  const Design d = plan_design(m, c, ve2802());
  const auto& l = d.layers[0];
  EXPECT_NO_THROW(dense_kernel_spec(l, m, d.batch));
  auto expect_refusal = [&](Model bad, LayerDesign layer, const std::string& words) {
    try {
      dense_kernel_spec(layer, bad, d.batch);
      ADD_FAILURE() << "accepted: " << words;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(layer.name), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  {
    Model bad = m;
    bad.tensor(l.output_tensor).type.fixed.width = 6;  // narrower than its 8-bit container
    expect_refusal(bad, l, "container");
  }
  {
    Model bad = m;
    bad.tensor(l.output_tensor).type.fixed.overflow = OverflowMode::SatZero;
    expect_refusal(bad, l, "AP_SAT_ZERO");
  }
  {
    LayerDesign leaky = l;
    leaky.activation = "leaky_relu";
    expect_refusal(m, leaky, "leaky_relu");
  }
  {
    Model bad = m;
    bad.tensor(l.bias_tensor).type.fixed.frac += 1;
    expect_refusal(bad, l, "accumulator scale");
  }
}

TEST(PlioData, WritesWordsPerLineAndReadsBackWithPadding) {
  PlioPort p;
  p.name = "in_x";
  p.width_bits = 64;
  p.element_bits = 16;  // 4 values per line
  p.feature_range = {0, 3};
  p.row_elements = 4;   // 3 features padded to one 64-bit word
  p.rows = 2;
  const std::vector<int64_t> x{1, 2, 3, 4, 5, 6, 7, 8, 9};  // 3 samples x 3 features
  const std::string text = plio_text(p, x, 3, 3);
  EXPECT_EQ(text, "1 2 3 0\n4 5 6 0\n7 8 9 0\n0 0 0 0\n");  // 2 iterations of 2 rows
  EXPECT_EQ(plio_iterations(p, 3), 2);
  const auto values = parse_plio_values("T 100 ns\n" + text + "TLAST\n", "f");
  std::vector<int64_t> back(9, -1);
  EXPECT_FALSE(scatter_plio_values(p, values, back, 3, 3));
  EXPECT_EQ(back, x);
  auto dirty = values;
  dirty[3] = 5;  // a padding element that is not zero
  EXPECT_TRUE(scatter_plio_values(p, dirty, back, 3, 3));
  EXPECT_TRUE(scatter_plio_values(p, std::vector<int64_t>(values.begin(), values.begin() + 8), back, 3, 3));
  EXPECT_THROW(parse_plio_values("1 2 x 4\n", "f"), CheckFailure);
}

}  // namespace
}  // namespace aie4ml::codegen
