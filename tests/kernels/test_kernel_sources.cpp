// kernels/ must stay AIE-legal: the files are copied into generated projects for AMD's aiecompiler.
// Scan them for host-only constructs (iostream, exceptions, heap, std::vector/string, stdio) and check
// they include only what the AIE toolchain provides.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string without_comments(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto c = line.find("//");
    out += (c == std::string::npos ? line : line.substr(0, c)) + "\n";
  }
  return out;
}

TEST(KernelSources, OnlyAieLegalConstructs) {
  const std::filesystem::path dir = std::filesystem::path(AIE4ML_SOURCE_ROOT) / "kernels";
  const std::vector<std::pair<std::regex, std::string>> forbidden{
      {std::regex(R"(\bthrow\b|\btry\b|\bcatch\b)"), "exceptions"},
      {std::regex(R"(\bnew\b|\bdelete\b|\bmalloc\b|\bfree\s*\()"), "heap"},
      {std::regex(R"(std::(vector|string|map|cout|cerr|printf|unique_ptr|shared_ptr))"), "host-only std types"},
      {std::regex(R"(\bprintf\b|\bputs\b|\bfopen\b)"), "stdio"},
  };
  const std::regex include(R"(#include\s*[<"]([^>"]+)[>"])");
  const std::set<std::string> allowed_includes{"adf.h", "aie_api/aie.hpp", "aie_api/aie_adf.hpp", "type_traits",
                                               "dense_schedule.h", "dense.h", "tensor_ops.h", "conv.h",
                                               "conv_direct_schedule.h", "conv_direct.h", "tensor_ops_plan.h",
                                               "cstring"};  // memcpy: tensor_ops.h's 32-bit word stores
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".hpp" && ext != ".cc" && ext != ".cpp") continue;
    ++files;
    std::ifstream f(entry.path());
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string code = without_comments(ss.str());
    for (const auto& [re, what] : forbidden)
      EXPECT_FALSE(std::regex_search(code, re)) << entry.path().filename() << " uses " << what;
    for (std::sregex_iterator it(code.begin(), code.end(), include), end; it != end; ++it)
      EXPECT_TRUE(allowed_includes.count((*it)[1].str())) << entry.path().filename() << " includes " << (*it)[1];
  }
  EXPECT_GE(files, 2);
}

}  // namespace
