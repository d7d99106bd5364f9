// The board files of a generated project without building anything (board_project.h):
// - system.cfg and system_tgen.cfg connect every PLIO port of the Design exactly once, in the right
//   direction, to a PL kernel that is instantiated once and defined in pl/ (parsed here independently of
//   the generator and checked against the Design's PLIO list, also for a design with split ports);
// - the checker itself rejects configurations with a port missing, doubled or reversed;
// - the Makefile has the board targets and the platform default, a configured platform replaces it;
// - the config field Model.Platform parses, round-trips and refuses bad values.
// The movers' behaviour (bit-exact round trip through the emulated graph) is tests/scripts/board_roundtrip.sh.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codegen/board_project.h"
#include "codegen/project_writer.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "passes/canonicalize.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "support/error.h"

namespace aie4ml::codegen {
namespace {

namespace fs = std::filesystem;

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }
fs::path test_model(const std::string& name) { return fs::path(AIE4ML_TEST_DATA) / "qdq" / (name + ".onnx"); }

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("aie4ml-board-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
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

struct Project {
  TempDir dir;
  Model model;
  Design design;
};

std::unique_ptr<Project> write(const std::string& name, const ProjectOptions& options = {},
                               const std::function<void(Design&)>& edit = nullptr) {
  auto p = std::make_unique<Project>();
  Config c;
  p->model = import_onnx(test_model(name));
  canonicalize(p->model);
  quantize_model(p->model, c);
  p->design = plan_design(p->model, c, ve2802());
  if (edit) edit(p->design);
  write_project(p->design, p->model, ve2802(), p->dir.path, options);
  return p;
}

// Problems of a v++ link configuration against the Design's PLIO list (empty: none). Parsed from the
// [connectivity] syntax: nk=<kernel>:<count>:<instances '.'-separated>,
// stream_connect=<instance>.<port>:ai_engine_0.<plio> (input) or ai_engine_0.<plio>:<instance>.<port>.
std::vector<std::string> link_problems(const std::string& cfg, const Design& d, const fs::path& project) {
  std::vector<std::string> problems;
  std::map<std::string, int> instances;       // instance -> times declared
  std::map<std::string, std::string> kernel_of;
  std::map<std::string, std::vector<std::string>> plio_links;  // plio -> "in:<instance>" / "out:<instance>"
  std::map<std::string, int> instance_links;
  static const std::regex nk(R"(^nk=(\w+):(\d+):([\w.]+)$)");
  static const std::regex to_aie(R"(^stream_connect=(\w+)\.(\w+):ai_engine_0\.(\w+)$)");
  static const std::regex from_aie(R"(^stream_connect=ai_engine_0\.(\w+):(\w+)\.(\w+)$)");
  std::istringstream in(cfg);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      section = line;
      continue;
    }
    std::smatch m;
    if (section != "[connectivity]") continue;
    if (std::regex_match(line, m, nk)) {
      std::vector<std::string> names;
      std::stringstream s(m[3].str());
      for (std::string n; std::getline(s, n, '.');) names.push_back(n);
      if (std::stoi(m[2].str()) != static_cast<int>(names.size())) problems.push_back("count mismatch: " + line);
      for (auto& n : names) {
        ++instances[n];
        kernel_of[n] = m[1].str();
      }
    } else if (std::regex_match(line, m, to_aie)) {
      plio_links[m[3].str()].push_back("in:" + m[1].str());
      ++instance_links[m[1].str()];
    } else if (std::regex_match(line, m, from_aie)) {
      plio_links[m[1].str()].push_back("out:" + m[2].str());
      ++instance_links[m[2].str()];
    } else {
      problems.push_back("unparsed line: " + line);
    }
  }
  std::set<std::string> plio_names;
  for (auto& p : d.plio) {
    plio_names.insert(p.name);
    const auto& links = plio_links[p.name];
    if (links.size() != 1) {
      problems.push_back(p.name + ": connected " + std::to_string(links.size()) + " times");
      continue;
    }
    const std::string dir = links[0].substr(0, links[0].find(':'));
    const std::string inst = links[0].substr(links[0].find(':') + 1);
    if (dir != p.direction) problems.push_back(p.name + ": connected as '" + dir + "', the design says '" + p.direction + "'");
    if (instances[inst] != 1) problems.push_back(p.name + ": instance " + inst + " declared " + std::to_string(instances[inst]) + " times");
    const std::string src = read(project / "pl" / (kernel_of[inst] + ".cpp"));
    if (src.find("extern \"C\" void " + kernel_of[inst] + "(") == std::string::npos)
      problems.push_back(p.name + ": kernel " + kernel_of[inst] + " is not defined in pl/");
  }
  for (auto& [plio, links] : plio_links)
    if (!plio_names.count(plio)) problems.push_back("connection to unknown PLIO " + plio);
  for (auto& [inst, n] : instances)
    if (instance_links[inst] != 1) problems.push_back(inst + ": " + std::to_string(instance_links[inst]) + " stream connections");
  return problems;
}

class BoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(test_model("qdq8_l3"))) GTEST_SKIP() << "test models not generated (" << AIE4ML_TEST_DATA << ")";
  }
};

TEST_F(BoardTest, SystemCfgConnectsEveryPlioExactlyOnce) {
  for (auto* model : {"qdq8_l3", "qdq16_l2"}) {
    const auto p = write(model);
    ASSERT_FALSE(p->design.plio.empty());
    for (auto* cfg : {"system.cfg", "system_tgen.cfg"}) {
      const auto problems = link_problems(read(p->dir.path / cfg), p->design, p->dir.path);
      EXPECT_TRUE(problems.empty()) << model << " " << cfg << ": " << problems.front();
    }
    // The names connected are the PLIO names the graph creates.
    const std::string graph = read(p->dir.path / "aie/graph.h");
    for (auto& port : p->design.plio)
      EXPECT_NE(graph.find("_plio::create(\"" + port.name + "\","), std::string::npos) << model << " " << port.name;
    // Each mover runs at its PLIO's clock.
    EXPECT_NE(read(p->dir.path / "system.cfg").find("freqHz=312500000:"), std::string::npos);
  }
}

// A Design whose input tensor arrives on two PLIO ports (feature halves): both get movers and links.
TEST_F(BoardTest, SplitPortsGetOneMoverEach) {
  const auto p = write("qdq8_l3", {}, [](Design& d) {
    for (size_t i = 0; i < d.plio.size(); ++i)
      if (d.plio[i].direction == "in") {
        PlioPort second = d.plio[i];
        const int64_t mid = d.plio[i].feature_range.begin + d.plio[i].feature_range.size() / 2;
        d.plio[i].feature_range.end = mid;
        second.feature_range.begin = mid;
        second.name += "_hi";
        d.plio.insert(d.plio.begin() + static_cast<long>(i) + 1, second);
        break;
      }
  });
  int inputs = 0;
  for (auto& port : p->design.plio) inputs += port.direction == "in";
  ASSERT_EQ(inputs, 2);
  for (auto* cfg : {"system.cfg", "system_tgen.cfg"}) {
    const auto problems = link_problems(read(p->dir.path / cfg), p->design, p->dir.path);
    EXPECT_TRUE(problems.empty()) << cfg << ": " << problems.front();
  }
  const std::string ports = read(p->dir.path / "host/ports.h");
  for (auto& port : p->design.plio) EXPECT_NE(ports.find("{\"" + port.name + "\""), std::string::npos) << port.name;
}

TEST_F(BoardTest, LinkCheckRejectsBadConfigurations) {
  const auto p = write("qdq8_l3");
  const std::string good = read(p->dir.path / "system.cfg");
  ASSERT_TRUE(link_problems(good, p->design, p->dir.path).empty());
  std::string first_link;
  std::istringstream in(good);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("stream_connect=") && first_link.empty()) first_link = line;
  ASSERT_FALSE(first_link.empty());
  auto without = good;
  without.erase(without.find(first_link), first_link.size() + 1);
  EXPECT_FALSE(link_problems(without, p->design, p->dir.path).empty()) << "a missing connection";
  auto doubled = good;
  doubled.insert(doubled.find(first_link), first_link + "\n");
  EXPECT_FALSE(link_problems(doubled, p->design, p->dir.path).empty()) << "a doubled connection";
  // The same port wired the other way round.
  const std::regex swap(R"(stream_connect=(\w+)\.(\w+):ai_engine_0\.(\w+))");
  EXPECT_FALSE(link_problems(std::regex_replace(good, swap, "stream_connect=ai_engine_0.$3:$1.$2"), p->design, p->dir.path).empty());
}

TEST_F(BoardTest, MakefileHasTheBoardTargetsAndThePlatform) {
  const auto p = write("qdq8_l3");
  const std::string mk = read(p->dir.path / "Makefile");
  for (auto* target : {"\nhw_link:", "\npackage:", "\nhw_emu:", "\nhost_xrt:", "\ncheck_movers:", "\nhost_stub:",
                       "v++ --link --target $(TARGET) --platform $(PLATFORM) --config $(LINK_CFG)", "v++ --package",
                       "--package.defer_aie_run", "LINK_CFG ?= system.cfg", "-lxrt_coreutil"})
    EXPECT_NE(mk.find(target), std::string::npos) << target;
  EXPECT_NE(mk.find(std::string("PLATFORM_NAME ?= ") + kDefaultPlatform + "\n"), std::string::npos);
  // Every mover source is in the Makefile's lists.
  for (auto& e : fs::directory_iterator(p->dir.path / "pl"))
    if (e.path().extension() == ".cpp") {
      EXPECT_NE(mk.find(" " + e.path().stem().string()), std::string::npos) << e.path();
    }

  ProjectOptions o;
  o.platform = "my_custom_vek280_platform";
  const auto q = write("qdq8_l3", o);
  EXPECT_NE(read(q->dir.path / "Makefile").find("PLATFORM_NAME ?= my_custom_vek280_platform\n"), std::string::npos);
  EXPECT_NE(read(q->dir.path / "README.md").find("## Run it on the board (my_custom_vek280_platform)"), std::string::npos);
}

TEST(BoardConfig, PlatformIsAModelField) {
  const Config c = Config::from_json(nlohmann::json::parse(R"({"Model": {"Platform": "xilinx_vek280_base_202410_1"}})"));
  ASSERT_TRUE(c.platform.has_value());
  EXPECT_EQ(*c.platform, "xilinx_vek280_base_202410_1");
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(Config::from_json(c.to_json()).platform, c.platform);
  EXPECT_FALSE(Config::from_json(nlohmann::json::parse(R"({"Model": {}})")).platform.has_value());
  EXPECT_FALSE(Config::from_json(nlohmann::json::parse(R"({"Model": {}})")).to_json()["Model"].contains("Platform"));
  for (auto* bad : {R"({"Model": {"Platform": 3}})", R"({"Model": {"Platform": ""}})", R"({"Model": {"Platform": "a b"}})"}) {
    try {
      Config::from_json(nlohmann::json::parse(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("Model.Platform"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace aie4ml::codegen
