// The whole mapping pipeline: a model that needs more tiles than the published 296 places legally,
// repeated runs give byte-identical design.json, the JSON round-trips, and the outputs for `compile`.
#include <gtest/gtest.h>

#include "codegen/placement_svg.h"
#include "codegen/write_design.h"
#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/plan_design.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::config_with;
using testing::mlp;
using testing::read_json;
using testing::temp_dir;
using testing::ve2802;

// 512 -> 1024 -> 1024 -> 1024 -> 1024 -> 1024 -> 200, int8. At 16 KB of weights per tile it needs at
// least 32 + 4 x 64 + 14 = 302 tiles (1024 x 200 needs 13 tiles of weights, and no 13-kernel grid within
// 8 x 8 exists, so 14): more than the published 296 of 304.
Model big_mlp() { return mlp("big", {512, 1024, 1024, 1024, 1024, 1024, 200}); }

TEST(PlanDesign, BigMlpUsesMoreThan296TilesLegally) {
  const Model m = big_mlp();
  const Design d = plan_design(m, Config{}, ve2802());
  EXPECT_GE(d.tiles_used(), 297);
  EXPECT_LE(d.tiles_used(), 304);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  // Every tile holds at most one bank of weights, so the tile count is at least the weight banks needed.
  int64_t banks = 0;
  for (auto& l : d.layers) banks += (l.in_features * l.out_features + 16383) / 16384;
  EXPECT_GE(d.tiles_used(), banks);
  EXPECT_TRUE(d.placement.optimal);
}

TEST(PlanDesign, BigMlpDesignJsonIsByteIdenticalAcrossRuns) {
  const Model m = big_mlp();
  const auto a = plan_design(m, Config{}, ve2802()).dump();
  const auto b = plan_design(m, Config{}, ve2802()).dump();
  EXPECT_EQ(a, b);
}

TEST(PlanDesign, JsonRoundTrips) {
  const Design d = plan_design(mlp("jet", {16, 64, 32, 32, 5}), Config{}, ve2802());
  const auto text = d.dump();
  const Design back = Design::from_json(nlohmann::json::parse(text));
  EXPECT_EQ(back.dump(), text);
  EXPECT_TRUE(check_design(back, ve2802()).empty());
}

TEST(PlanDesign, LoadRefusesOtherJson) {
  EXPECT_THROW(Design::from_json(nlohmann::json{{"format", "something"}}), InputError);
  auto j = plan_design(mlp("m", {16, 16}), Config{}, ve2802()).to_json();
  j["layers"][0].erase("kernels");
  EXPECT_THROW(Design::from_json(j), InputError);
}

TEST(PlanDesign, OtherDevices) {
  const auto& cat = DeviceCatalog::builtin();
  for (auto name : {"ve2302", "ve2602", "2ve3858"}) {
    const Device& dev = cat.get(name);
    const Design d = plan_design(mlp("jet", {16, 64, 32, 32, 5}), Config{}, dev);
    EXPECT_EQ(d.device, dev.name);
    EXPECT_TRUE(check_design(d, dev).empty()) << name;
    for (auto& l : d.layers) EXPECT_LE(l.cas_num, dev.compute_rows);
  }
}

TEST(PlanDesign, UserDeviceFileWorksWithoutCodeChanges) {
  auto dir = temp_dir("userdev");
  auto j = read_json(testing::source_root() / "devices" / "ve2802.json");
  j["name"] = "toy";
  j["aliases"] = nlohmann::json::array();
  j["array"]["columns"] = 5;
  j["array"]["compute_rows"] = 2;
  j["shim"]["noc_columns"] = {2};
  testing::write_text(dir / "toy.json", j.dump());
  const auto cat = DeviceCatalog::load(dir);
  const Device& toy = cat.get("toy");
  const Design d = plan_design(mlp("jet", {16, 64, 32, 32, 5}), Config{}, toy);
  EXPECT_LE(d.tiles_used(), 10);
  EXPECT_TRUE(check_design(d, toy).empty());
  // The big model does not fit a 10-tile device: the message says what it needs.
  try {
    plan_design(big_mlp(), Config{}, toy);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'fc1'"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

// On a 3 x 2 array, fc1 (2x1), fc2 (1x2), fc3 (2x1) admit no layout in column bands of consecutive
// layers (2 + 1 + 2 columns, or stacks taller than 2 rows), but fc2 in one column with fc1 and fc3
// stacked beside it fits: partition falls back to the fewest tiles and the placement search finds the packing.
TEST(PlanDesign, PackingBeyondBandsFallsBackToTheSearch) {
  auto dir = temp_dir("tinydev");
  auto j = read_json(testing::source_root() / "devices" / "ve2802.json");
  j["name"] = "tiny";
  j["aliases"] = nlohmann::json::array();
  j["array"]["columns"] = 3;
  j["array"]["compute_rows"] = 2;
  j["shim"]["noc_columns"] = {2};
  testing::write_text(dir / "tiny.json", j.dump());
  const auto cat = DeviceCatalog::load(dir);
  const Device& tiny = cat.get("tiny");
  const Design d = plan_design(mlp("m", {32, 32, 32, 16}), config_with({{2, 1}, {1, 2}, {2, 1}}), tiny);
  EXPECT_EQ(d.tiles_used(), 6);
  // fc2 takes a whole column at one side, fc1 and fc3 share the other two columns.
  EXPECT_TRUE(d.layers[1].origin == (TileCoord{0, 0}) || d.layers[1].origin == (TileCoord{2, 0}));
  EXPECT_EQ(d.layers[0].origin.col, d.layers[2].origin.col);
  EXPECT_TRUE(check_design(d, tiny).empty());
  std::filesystem::remove_all(dir);
}

TEST(MappingOutputs, WritesDesignSvgAndReportFields) {
  const Model m = mlp("jet", {16, 64, 32, 32, 5});
  const Design d = plan_design(m, config_with({{1, 4}, {4, 2}, {2, 2}, {2, 1}}), ve2802());
  auto dir = temp_dir("outputs");
  testing::write_text(dir / "report.json",
                      R"({"latency_ns": 700.5, "layers": [{"name": "fc1", "kernel_cycles": 123}]})");
  write_mapping_outputs(d, dir);
  EXPECT_EQ(Design::from_json(read_json(dir / "design.json")).dump(), d.dump());
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["device"], "ve2802");
  EXPECT_EQ(report["tiles_used"], 18);
  EXPECT_EQ(report["tiles_total"], 304);
  EXPECT_EQ(report["latency_ns"], 700.5);  // other stages' keys survive
  ASSERT_EQ(report["layers"].size(), 4u);
  EXPECT_EQ(report["layers"][0]["kernel_cycles"], 123);
  EXPECT_EQ(report["layers"][1]["cas_length"], 4);
  EXPECT_EQ(report["layers"][1]["cas_num"], 2);
  EXPECT_EQ(report["layers"][1]["tiles"], 8);
  EXPECT_EQ(report["layers"][1]["tiling"], nlohmann::json({4, 8, 8}));
  EXPECT_EQ(report["layers"][3]["out_features"], 5);
  EXPECT_TRUE(std::filesystem::exists(dir / "placement.svg"));
  for (auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_NE(e.path().extension(), ".tmp") << "left a temporary file";
  std::filesystem::remove_all(dir);
}

TEST(MappingOutputs, SvgShowsLayersMemoryTilesAndPlio) {
  const Design d = plan_design(mlp("jet", {16, 64, 32, 32, 5}), config_with({{1, 4}, {4, 2}, {2, 2}, {2, 1}}), ve2802());
  const auto svg = placement_svg(d);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  for (auto& l : d.layers) EXPECT_NE(svg.find(l.name + ": "), std::string::npos);
  EXPECT_NE(svg.find("memory tile"), std::string::npos);
  EXPECT_NE(svg.find("PLIO in_x"), std::string::npos);
  EXPECT_NE(svg.find("PLIO out_y"), std::string::npos);
  // 18 kernel tiles coloured, 304 - 18 free.
  size_t free_tiles = 0;
  for (size_t p = svg.find("free</title>"); p != std::string::npos; p = svg.find("free</title>", p + 1)) ++free_tiles;
  EXPECT_EQ(free_tiles, 304u - 18u);
  EXPECT_EQ(svg, placement_svg(d));
}

}  // namespace
}  // namespace aie4ml
