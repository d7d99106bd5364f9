// Device catalog: the shipped devices load with the numbers of docs/aie-ml-facts.md, lookups by name and
// alias, every number has a source, and bad device files are refused naming the file and the key.
#include <gtest/gtest.h>

#include <functional>

#include "device/catalog.h"
#include "mapping_fixtures.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::read_json;
using testing::source_root;
using testing::temp_dir;
using testing::write_text;

TEST(DeviceCatalog, ShipsTheFourDevices) {
  const auto& cat = DeviceCatalog::builtin();
  for (auto name : {"ve2802", "ve2302", "ve2602", "2ve3858"}) EXPECT_NE(cat.find(name), nullptr) << name;
}

TEST(DeviceCatalog, Ve2802MatchesThePublishedFacts) {
  const Device& d = DeviceCatalog::builtin().get("ve2802");
  // aie-ml-facts.md: 38 x 8 compute tiles, 2 rows of 38 memory tiles of 512 KB, 64 KB / 4 banks.
  EXPECT_EQ(d.columns, 38);
  EXPECT_EQ(d.compute_rows, 8);
  EXPECT_EQ(d.compute_tiles(), 304);
  EXPECT_EQ(d.memory_tiles(), 76);
  EXPECT_EQ(d.memory_tile_bytes, 512 * 1024);
  EXPECT_EQ(d.data_memory_bytes, 64 * 1024);
  EXPECT_EQ(d.bank_bytes(), 16 * 1024);
  EXPECT_EQ(d.macs_per_cycle.at("int8xint8"), 256);
  EXPECT_EQ(d.macs_per_cycle.at("int8xint4"), 512);
  EXPECT_EQ(d.tile_dma.s2mm_channels, 2);
  EXPECT_EQ(d.memory_tile_dma.mm2s_channels, 6);
  EXPECT_EQ(d.plio_default_width_bits, 128);
  EXPECT_DOUBLE_EQ(d.pl_clock_mhz, 312.5);
  EXPECT_FALSE(d.memory_access.east);
  // 194.6 TOPS int8 peak = 304 x 256 x 2 x 1.25e9 (aie-ml-facts.md).
  EXPECT_NEAR(d.peak_tops("int8xint8"), 194.6, 0.05);
}

TEST(DeviceCatalog, LooksUpByNameOrAliasIgnoringCase) {
  const auto& cat = DeviceCatalog::builtin();
  EXPECT_EQ(cat.get("VEK280").name, "ve2802");
  EXPECT_EQ(cat.get("xcve2802").name, "ve2802");
  EXPECT_EQ(cat.get("vek385").name, "2ve3858");
  EXPECT_EQ(cat.get("XC2VE3858").name, "2ve3858");
  EXPECT_EQ(cat.get("ve2302").compute_tiles(), 34);
  EXPECT_EQ(cat.get("ve2602").compute_tiles(), 152);
  EXPECT_EQ(cat.get("2ve3858").compute_tiles(), 144);
}

TEST(DeviceCatalog, UnknownDeviceListsTheKnownOnes) {
  try {
    DeviceCatalog::builtin().get("vck190");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("vck190"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("ve2802"), std::string::npos);
  }
}

// Every number in a shipped device file names its source: a "sources" entry for its dotted key or for
// one of the key's parents.
TEST(DeviceCatalog, EveryNumberHasASource) {
  for (auto& entry : std::filesystem::directory_iterator(source_root() / "devices")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;  // device files only
    const auto j = read_json(entry.path());
    const auto& sources = j.at("sources");
    std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& v,
                                                                           const std::string& key) {
      if (key == "sources") return;
      if (v.is_object()) {
        for (auto& [k, x] : v.items()) walk(x, key.empty() ? k : key + "." + k);
        return;
      }
      if (!v.is_number() && !(v.is_array() && !v.empty() && (v[0].is_number() || v[0].is_array()))) return;
      bool sourced = false;
      for (std::string k = key; !k.empty() && !sourced; k = k.find('.') == std::string::npos ? "" : k.substr(0, k.rfind('.')))
        sourced = sources.contains(k);
      EXPECT_TRUE(sourced) << entry.path().filename() << ": no source for " << key;
    };
    walk(j, "");
  }
}

class BadDeviceFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir("devices");
    good_ = read_json(source_root() / "devices" / "ve2802.json");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Write `j` as the only device file and expect loading to fail mentioning every `needle`.
  void expect_refused(const nlohmann::json& j, std::vector<std::string> needles) {
    write_text(dir_ / "mydev.json", j.dump(2));
    try {
      DeviceCatalog::load(dir_);
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      for (auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    }
  }

  std::filesystem::path dir_;
  nlohmann::json good_;
};

TEST_F(BadDeviceFile, MissingKeyNamesFileAndKey) {
  auto j = good_;
  j["compute_tile"].erase("data_memory_banks");
  expect_refused(j, {"mydev.json", "compute_tile.data_memory_banks", "missing"});
}

TEST_F(BadDeviceFile, WrongTypeNamesKey) {
  auto j = good_;
  j["array"]["columns"] = "38";
  expect_refused(j, {"mydev.json", "array.columns", "integer"});
}

TEST_F(BadDeviceFile, NegativeCountIsRefused) {
  auto j = good_;
  j["memory_tile"]["dma"]["mm2s_channels"] = 0;
  expect_refused(j, {"memory_tile.dma.mm2s_channels", ">= 1"});
}

TEST_F(BadDeviceFile, DefaultPlioWidthMustBeAllowed) {
  auto j = good_;
  j["shim"]["plio"]["default_width_bits"] = 256;
  expect_refused(j, {"shim.plio.default_width_bits", "widths_bits"});
}

TEST_F(BadDeviceFile, DefaultTilingMustBeAKnownShape) {
  auto j = good_;
  j["default_tiling"]["int8xint8"] = {4, 8, 16};
  expect_refused(j, {"default_tiling.int8xint8", "mmul_shapes"});
}

TEST_F(BadDeviceFile, NotJsonIsRefused) {
  write_text(dir_ / "mydev.json", "{ \"name\": ");
  try {
    DeviceCatalog::load(dir_);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mydev.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos);
  }
}

TEST_F(BadDeviceFile, DuplicateAliasNamesBothFiles) {
  auto other = good_;
  other["name"] = "mydev";
  other["aliases"] = {"VEK280"};
  write_text(dir_ / "a_ve2802.json", good_.dump(2));
  expect_refused(other, {"mydev.json", "VEK280", "a_ve2802.json"});
}

TEST_F(BadDeviceFile, UserDeviceNeedsNoCodeChange) {
  auto j = good_;
  j["name"] = "toy";
  j["aliases"] = {"toyboard"};
  j["array"]["columns"] = 6;
  j["array"]["compute_rows"] = 3;
  j["shim"]["noc_columns"] = {2, 3};
  write_text(dir_ / "toy.json", j.dump(2));
  const auto cat = DeviceCatalog::load(dir_);
  const auto& d = cat.get("toyboard");
  EXPECT_EQ(d.compute_tiles(), 18);
  EXPECT_EQ(d.file.filename(), "toy.json");
}

}  // namespace
}  // namespace aie4ml
