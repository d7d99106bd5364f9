// Config parsing and validation (src/io/config.h): the hls4ml vocabulary, warnings for keys aie4ml
// ignores, and InputError naming the key path for wrong types and invalid values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/config.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using nlohmann::json;

FixedType fixed(const std::optional<NumericType>& t) {
  EXPECT_TRUE(t && t->is_fixed());
  return t ? t->fixed : FixedType{};
}

TEST(Config, ParsesTheDesignExample) {
  const json j = json::parse(R"({"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 16, "Objective": "throughput",
      "TileBudget": 40},
    "LayerName": {"fc1": {"Precision": {"weight": "ap_fixed<8,1>", "bias": "ap_fixed<16,6>",
                                        "result": "ap_fixed<8,3,AP_RND_CONV,AP_SAT>", "accum": "ap_fixed<32,16>"},
                          "CascadeLength": 2, "CascadeNum": 4, "Tiling": [4,8,8], "Placement": [3, 1]}}})");
  const Config c = Config::from_json(j);
  EXPECT_EQ(fixed(c.default_precision), (FixedType{8, 5, true, RoundingMode::Trn, OverflowMode::Wrap}));
  EXPECT_EQ(c.batch_size, 16);
  EXPECT_EQ(c.objective, "throughput");
  EXPECT_EQ(c.tile_budget, 40);
  const LayerConfig* l = c.layer("fc1");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(fixed(l->precision.weight).frac, 7);
  EXPECT_EQ(fixed(l->precision.bias).frac, 10);
  EXPECT_EQ(fixed(l->precision.result), (FixedType{8, 5, true, RoundingMode::RndConv, OverflowMode::Sat}));
  EXPECT_EQ(fixed(l->precision.accum).width, 32);
  EXPECT_EQ(l->cascade_length, 2);
  EXPECT_EQ(l->cascade_num, 4);
  EXPECT_EQ(l->tiling, (std::array<int, 3>{4, 8, 8}));
  EXPECT_EQ(l->placement, std::make_pair(3, 1));
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.layer("fc2"), nullptr);
}

TEST(Config, StringLayerPrecisionSetsWeightAndResult) {
  const Config c = Config::from_json(json::parse(R"({"LayerName": {"fc": {"Precision": "ap_fixed<16,6>"}}})"));
  const auto& p = c.layer("fc")->precision;
  EXPECT_EQ(fixed(p.weight).frac, 10);
  EXPECT_EQ(fixed(p.result).frac, 10);
  EXPECT_FALSE(p.bias);  // the bias follows the accumulator
  EXPECT_FALSE(p.accum);
}

TEST(Config, DefaultsWhenEmptyAndHlsConfigWrapper) {
  const Config empty = Config::from_json(json::object());
  EXPECT_FALSE(empty.default_precision);
  EXPECT_EQ(empty.batch_size, 8);
  EXPECT_EQ(empty.objective, "latency");
  const Config wrapped = Config::from_json(json::parse(
      R"({"Backend": "Vitis", "HLSConfig": {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1}}})"));
  EXPECT_EQ(fixed(wrapped.default_precision).width, 16);
  EXPECT_EQ(wrapped.warnings.size(), 2u);  // Backend at the top level, Model.ReuseFactor
}

TEST(Config, UnknownKeysAreWarningsNamingThePath) {
  const Config c = Config::from_json(json::parse(R"({"Model": {"Precision": "ap_fixed<8,3>", "ReuseFactor": 4,
      "Strategy": "Latency"}, "LayerType": {}, "LayerName": {"fc1": {"ReuseFactor": 2,
      "Precision": {"weight": "ap_fixed<8,1>", "table": "ap_fixed<18,8>"}}}})"));
  ASSERT_EQ(c.warnings.size(), 5u);
  auto has = [&](const std::string& text) {
    for (auto& w : c.warnings)
      if (w.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("Model: key 'ReuseFactor'"));
  EXPECT_TRUE(has("Model: key 'Strategy'"));
  EXPECT_TRUE(has("key 'LayerType'"));
  EXPECT_TRUE(has("LayerName.fc1: key 'ReuseFactor'"));
  EXPECT_TRUE(has("LayerName.fc1.Precision: key 'table'"));
}

// The message of the InputError thrown for `text`, or "" when none is thrown.
std::string error_of(const std::string& text) {
  try {
    Config::from_json(json::parse(text), "cfg.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, InvalidValuesNameTheKeyPath) {
  struct Case {
    const char* json;
    const char* path;
  };
  const Case cases[] = {
      {R"({"Model": {"BatchSize": 0}})", "Model.BatchSize"},
      {R"({"Model": {"BatchSize": "8"}})", "Model.BatchSize"},
      {R"({"Model": {"BatchSize": 2.5}})", "Model.BatchSize"},
      {R"({"Model": {"Objective": "fast"}})", "Model.Objective"},
      {R"({"Model": {"Precision": "ap_fixd<8,3>"}})", "Model.Precision"},
      {R"({"Model": {"Precision": 8}})", "Model.Precision"},
      {R"({"Model": {"Precision": "ap_fixed<8,3,AP_FOO>"}})", "Model.Precision"},
      {R"({"Model": {"TileBudget": -1}})", "Model.TileBudget"},
      {R"({"Model": []})", "Model"},
      {R"({"LayerName": []})", "LayerName"},
      {R"({"LayerName": {"fc1": 3}})", "LayerName.fc1"},
      {R"({"LayerName": {"fc1": {"Precision": {"weight": "ap_fixed<0,3>"}}}})", "LayerName.fc1.Precision.weight"},
      {R"({"LayerName": {"fc1": {"Precision": {"result": true}}}})", "LayerName.fc1.Precision.result"},
      {R"({"LayerName": {"fc1": {"Precision": 16}}})", "LayerName.fc1.Precision"},
      {R"({"LayerName": {"fc1": {"CascadeLength": 0}}})", "LayerName.fc1.CascadeLength"},
      {R"({"LayerName": {"fc1": {"CascadeNum": "4"}}})", "LayerName.fc1.CascadeNum"},
      {R"({"LayerName": {"fc1": {"Tiling": [4, 8]}}})", "LayerName.fc1.Tiling"},
      {R"({"LayerName": {"fc1": {"Tiling": [4, 0, 8]}}})", "LayerName.fc1.Tiling[1]"},
      {R"({"LayerName": {"fc1": {"Placement": [-1, 0]}}})", "LayerName.fc1.Placement[0]"},
      {R"({"LayerName": {"scores": {"ParallelHeads": "no"}}})", "LayerName.scores.ParallelHeads"},
      {R"([1, 2])", "top level"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of(c.json);
    EXPECT_NE(msg.find(std::string("cfg.json: ") + c.path), std::string::npos) << c.json << " -> '" << msg << "'";
  }
}

TEST(Config, JsonRoundTrip) {
  const Config a = Config::from_json(json::parse(R"({"Model": {"Precision": "ap_fixed<8,3,AP_RND,AP_SAT_SYM>",
      "BatchSize": 4, "Device": "ve2802"}, "LayerName": {"fc1": {"Precision": {"weight": "ap_int<8>", "accum": "ap_int<32>"},
      "Tiling": [4, 8, 8]}, "act": {"Precision": {"result": "ap_ufixed<8,0,AP_RND_CONV,AP_SAT>"}},
      "scores": {"ParallelHeads": false}}})"));
  const Config b = Config::from_json(a.to_json());
  EXPECT_EQ(a.to_json(), b.to_json());
  EXPECT_EQ(fixed(b.default_precision), (FixedType{8, 5, true, RoundingMode::Rnd, OverflowMode::SatSym}));
  EXPECT_EQ(b.device, "ve2802");
  EXPECT_EQ(fixed(b.layer("act")->precision.result), (FixedType{8, 8, false, RoundingMode::RndConv, OverflowMode::Sat}));
  EXPECT_EQ(b.layer("fc1")->tiling, (std::array<int, 3>{4, 8, 8}));
  EXPECT_EQ(b.layer("scores")->parallel_heads, false);
  EXPECT_FALSE(b.layer("fc1")->parallel_heads.has_value());
}

TEST(Config, LoadReportsFileProblems) {
  const auto dir = std::filesystem::temp_directory_path() / "aie4ml_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.json") << "{\"Model\": ";
  EXPECT_THROW(Config::load(dir / "bad.json"), InputError);
  EXPECT_THROW(Config::load(dir / "missing.json"), InputError);
  std::ofstream(dir / "good.json") << R"({"Model": {"BatchSize": 3}})";
  EXPECT_EQ(Config::load(dir / "good.json").batch_size, 3);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aie4ml
