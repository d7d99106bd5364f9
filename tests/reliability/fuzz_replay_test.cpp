// Replays the fuzz inputs through the normal libraries, with the fuzzers' own entry points
// (fuzz/fuzz_entries.h):
// - every input in fuzz/regressions/<target>/ once crashed a fuzz target; now it must be refused with an
//   InputError whose message says what is wrong (kExpected: the fix, in words a user reads), and every
//   committed regression must have such an expectation;
// - every seed in fuzz/corpus/<target>/ must be accepted, so fuzzing starts from inputs that reach the
//   deepest stage of its target (for config: quantisation and a legal mapping).
// Any other exception, crash or sanitizer report fails the test (test_reliability also runs under
// ASan + UBSan in tools/sanitize_and_fuzz.sh).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/fuzz_entries.h"

namespace aie4ml {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = fs::path(AIE4ML_SOURCE_ROOT) / "fuzz";

// What each regression must now be told, by file (target/name).
const std::map<std::string, std::string> kExpected = {
    {"config/number_overflow.json", "not valid JSON: [json.exception.out_of_range.406] number overflow"},
    {"onnx/dequantize_without_inputs.onnx", "has 0 inputs; DequantizeLinear (opset"},
    {"onnx/huge_input_dims.onnx", "elements per sample"},
    {"onnx/invalid_utf8_name.onnx", "is not valid UTF-8 text"},
    {"onnx/node_without_output.onnx", "the node has no output"},
};

struct Input {
  std::string target, file;  // file: target/name
  fs::path path;
};

void PrintTo(const Input& in, std::ostream* os) { *os << in.file; }

std::vector<Input> inputs_under(const std::string& folder) {
  std::vector<Input> out;
  for (const std::string target : {"onnx", "config", "npy"}) {
    const fs::path dir = kFuzzDir / folder / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) out.push_back({target, target + "/" + e.path().filename().string(), e.path()});
  }
  std::sort(out.begin(), out.end(), [](const Input& a, const Input& b) { return a.file < b.file; });
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fuzz::Result replay(const Input& in) {
  const std::string bytes = read_bytes(in.path);
  if (in.target == "onnx") return fuzz::run_onnx(bytes);
  if (in.target == "config") return fuzz::run_config(bytes);
  return fuzz::run_npy(bytes);
}

std::string test_name(const ::testing::TestParamInfo<Input>& info) {
  std::string n = info.param.file;
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

class Regression : public ::testing::TestWithParam<Input> {};

TEST_P(Regression, IsRefusedWithTheExpectedMessage) {
  const auto& in = GetParam();
  const auto expected = kExpected.find(in.file);
  ASSERT_NE(expected, kExpected.end()) << in.file << " has no expected message in kExpected";
  const auto r = replay(in);
  ASSERT_EQ(r.outcome, fuzz::Outcome::Refused) << in.file << " is accepted";
  EXPECT_NE(r.message.find(expected->second), std::string::npos) << "message: " << r.message;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Regression, ::testing::ValuesIn(inputs_under("regressions")), test_name);

class Seed : public ::testing::TestWithParam<Input> {};

TEST_P(Seed, IsAccepted) {
  const auto r = replay(GetParam());
  EXPECT_EQ(r.outcome, fuzz::Outcome::Accepted) << GetParam().file << ": " << r.message;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Seed, ::testing::ValuesIn(inputs_under("corpus")), test_name);

TEST(FuzzFiles, EveryExpectationHasItsRegressionFile) {
  for (const auto& [file, message] : kExpected) EXPECT_TRUE(fs::exists(kFuzzDir / "regressions" / file)) << file;
}

TEST(FuzzFiles, SeedsExistForEveryTarget) {
  for (const std::string target : {"onnx", "config", "npy"})
    EXPECT_FALSE(fs::is_empty(kFuzzDir / "corpus" / target)) << target;
}

}  // namespace
}  // namespace aie4ml
