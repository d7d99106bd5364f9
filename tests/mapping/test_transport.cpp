// Transport: direct buffers where legal, memory-tile shared buffers with the published tiling parameters
// and broadcast otherwise, sharding beyond the port limit, PLIO for graph IO.
#include <gtest/gtest.h>

#include "design/tiling.h"
#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/plan_design.h"

namespace aie4ml {
namespace {

using testing::config_with;
using testing::mlp;
using testing::ve2802;

const SharedBuffer* buffer_of(const Design& d, const std::string& tensor) {
  for (auto& sb : d.shared_buffers)
    if (sb.tensor == tensor) return &sb;
  return nullptr;
}

TEST(Transport, PublishedMlpSharedBufferTiling) {
  const Model m = mlp("mlp", {128, 256, 64});
  const Design d = plan_design(m, config_with({{2, 2}, {2, 2}}), ve2802());
  const auto* sb = buffer_of(d, "h1");
  ASSERT_NE(sb, nullptr);
  // [features, batch] = [256, 8], double-buffered; fc1 has 2 chains (writers), fc2 2 positions (readers).
  EXPECT_EQ(sb->dimension, (std::vector<int64_t>{256, 8}));
  EXPECT_EQ(sb->num_buffers, 2);
  ASSERT_EQ(sb->writers.size(), 2u);
  ASSERT_EQ(sb->readers.size(), 2u);
  // Writer tiles [tile_n, tile_m] = [8, 4] over the chain's 128 features: 16 x 2 blocks.
  const auto& w1 = sb->writers[1].access;
  EXPECT_EQ(w1.tiling_dimension, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(w1.offset, (std::vector<int64_t>{128, 0}));
  EXPECT_EQ(w1.tile_traversal, (std::vector<TraversalStep>{{0, 8, 16}, {1, 4, 2}}));
  // Reader tiles [tile_k, tile_m] = [8, 4] over the position's 128 features, zero beyond the real ones.
  const auto& r1 = sb->readers[1].access;
  EXPECT_EQ(r1.tiling_dimension, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(r1.offset, (std::vector<int64_t>{128, 0}));
  EXPECT_EQ(r1.boundary_dimension, (std::vector<int64_t>{256, 8}));
  // Broadcast: each reader feeds both chains of its column.
  EXPECT_EQ(sb->readers[0].destinations.size(), 2u);
  EXPECT_EQ(sb->readers[0].destinations[0].kernel, "fc2_c0_p0");
  EXPECT_EQ(sb->readers[0].destinations[1].kernel, "fc2_c1_p0");
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

TEST(Transport, ReaderStreamIsTheKernelInputLayout) {
  const Model m = mlp("mlp", {128, 256, 64});
  const Design d = plan_design(m, config_with({{2, 2}, {2, 2}}), ve2802());
  const auto* sb = buffer_of(d, "h1");
  const auto addrs = expand_access(sb->readers[0].access);
  // Kernel input layout: 4 x 8 blocks, block row outer: first block = rows 0-3 of features 0-7.
  ASSERT_EQ(addrs.size(), 8u * 128u);
  EXPECT_EQ(addrs[0], 0);        // (feature 0, row 0)
  EXPECT_EQ(addrs[7], 7);        // (feature 7, row 0)
  EXPECT_EQ(addrs[8], 256);      // (feature 0, row 1): rows are 256 features apart
  EXPECT_EQ(addrs[32], 8);       // second block: features 8-15, row 0
  EXPECT_EQ(addrs[16 * 32], 4 * 256);  // after 16 blocks: rows 4-7
}

TEST(Transport, DirectBufferBetweenSingleKernels) {
  const Model m = mlp("tiny", {16, 16, 16});
  const Design d = plan_design(m, config_with({{1, 1}, {1, 1}}), ve2802());
  ASSERT_EQ(d.direct_buffers.size(), 1u);
  const auto& db = d.direct_buffers[0];
  EXPECT_EQ(db.tensor, "h1");
  // fc2 is placed east of fc1, so its core reaches fc1's memory (its west neighbour).
  EXPECT_EQ(db.mode, "shared_memory");
  EXPECT_EQ(db.home, d.layers[0].kernels[0].tile);
  EXPECT_EQ(buffer_of(d, "h1"), nullptr);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

TEST(Transport, NoDirectBufferWhenLayoutsDiffer) {
  const Model m = mlp("tiny", {16, 16, 16});
  Config c = config_with({{1, 1}, {1, 1}});
  c.layers["fc2"].tiling = MmulShape{2, 8, 8};  // blocks of 2 batch rows, fc1 writes blocks of 4
  const Design d = plan_design(m, c, ve2802());
  EXPECT_TRUE(d.direct_buffers.empty());
  EXPECT_NE(buffer_of(d, "h1"), nullptr);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

TEST(Transport, GraphInputsAndOutputsArePlio) {
  const Model m = mlp("jet", {16, 64, 32, 32, 5});
  const Design d = plan_design(m, config_with({{1, 4}, {4, 2}, {2, 2}, {2, 1}}), ve2802());
  ASSERT_EQ(d.plio.size(), 2u);
  const auto& in = d.plio[0];
  const auto& out = d.plio[1];
  EXPECT_EQ(in.direction, "in");
  EXPECT_EQ(in.tensor, "x");
  EXPECT_EQ(in.width_bits, 128);
  EXPECT_DOUBLE_EQ(in.frequency_mhz, 312.5);
  EXPECT_EQ(in.row_elements, 16);
  EXPECT_EQ(out.direction, "out");
  EXPECT_EQ(out.tensor, "y");
  EXPECT_EQ(out.feature_range, (Range{0, 5}));
  EXPECT_EQ(out.row_elements, 16);  // 5 int8 features padded to one 128-bit word
  EXPECT_EQ(out.rows, 8);
  // The input buffer is read by fc1's single position and broadcast to its 4 chains.
  const auto* sb = buffer_of(d, "x");
  ASSERT_NE(sb, nullptr);
  ASSERT_EQ(sb->readers.size(), 1u);
  EXPECT_EQ(sb->readers[0].destinations.size(), 4u);
  EXPECT_EQ(sb->writers[0].source->plio, in.name);
}

TEST(Transport, ShardsBeyondEightReaders) {
  // CascadeLength 10 (an override may exceed the automatic limit of 8): 10 reader ports on the input.
  const Model m = mlp("wide", {1280, 64});
  const Design d = plan_design(m, config_with({{10, 1}}), ve2802());
  std::vector<const SharedBuffer*> shards;
  for (auto& sb : d.shared_buffers)
    if (sb.tensor == "x") shards.push_back(&sb);
  ASSERT_GE(shards.size(), 2u);
  size_t readers = 0;
  for (auto* s : shards) {
    EXPECT_LE(s->readers.size(), 8u);
    readers += s->readers.size();
  }
  EXPECT_EQ(readers, 10u);
  // Each shard is fed by its own PLIO part.
  int plio_in = 0;
  for (auto& p : d.plio) plio_in += p.direction == "in";
  EXPECT_EQ(plio_in, static_cast<int>(shards.size()));
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

TEST(Transport, EightWritersUseNeighbourChannels) {
  // 8 chains write one buffer: more S2MM ports than one memory tile's 6 channels.
  const Model m = mlp("tall", {128, 1024, 64});
  const Design d = plan_design(m, config_with({{1, 8}, {8, 1}}), ve2802());
  const auto* sb = buffer_of(d, "h1");
  ASSERT_NE(sb, nullptr);
  ASSERT_EQ(sb->writers.size(), 8u);
  int elsewhere = 0;
  for (auto& w : sb->writers) elsewhere += w.dma_tile != sb->location;
  EXPECT_GE(elsewhere, 2);  // a memory tile has 6 S2MM channels; the rest come from a neighbour
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

}  // namespace
}  // namespace aie4ml
