// The independent legality checker: silent on designs the planner makes, and for every rule a
// hand-broken design that it must catch.
#include <gtest/gtest.h>

#include <functional>

#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/plan_design.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::config_with;
using testing::mlp;
using testing::ve2802;

// A small but complete design: 3 layers, shared buffers with broadcast and 2 chains, PLIO in and out.
const Design& base() {
  static const Design d = plan_design(mlp("base", {128, 256, 64, 10}), config_with({{2, 2}, {2, 2}, {1, 1}}), ve2802());
  return d;
}

// A design with a direct buffer.
const Design& direct_base() {
  static const Design d = plan_design(mlp("direct", {16, 16, 16}), config_with({{1, 1}, {1, 1}}), ve2802());
  return d;
}

std::vector<std::string> rules_broken(const Design& d) {
  std::vector<std::string> r;
  for (auto& v : check_design(d, ve2802())) r.push_back(v.rule);
  return r;
}

void expect_caught(const Design& original, const std::string& rule, const std::function<void(Design&)>& breakit) {
  ASSERT_TRUE(check_design(original, ve2802()).empty());
  Design d = original;
  breakit(d);
  const auto rules = rules_broken(d);
  EXPECT_NE(std::find(rules.begin(), rules.end(), rule), rules.end())
      << "rule " << rule << " not reported; got " << ::testing::PrintToString(rules);
}

KernelInstance& kern(Design& d, const std::string& name) {
  for (auto& l : d.layers)
    for (auto& k : l.kernels)
      if (k.name == name) return k;
  throw std::logic_error("no kernel " + name);
}

BufferAlloc& buf(KernelInstance& k, const std::string& role) {
  for (auto& b : k.buffers)
    if (b.role == role) return b;
  throw std::logic_error("no buffer " + role);
}

SharedBuffer& sb(Design& d, const std::string& tensor) {
  for (auto& s : d.shared_buffers)
    if (s.tensor == tensor) return s;
  throw std::logic_error("no shared buffer for " + tensor);
}

TEST(CheckDesign, PlannedDesignsAreLegal) {
  EXPECT_TRUE(check_design(base(), ve2802()).empty());
  EXPECT_TRUE(check_design(direct_base(), ve2802()).empty());
  EXPECT_NO_THROW(require_legal(base(), ve2802()));
}

TEST(CheckDesign, KernelOutsideTheArray) {
  expect_caught(base(), "array-bounds", [](Design& d) { kern(d, "fc3_c0_p0").tile = {38, 0}; });
}

TEST(CheckDesign, TwoKernelsOnOneTile) {
  expect_caught(base(), "tile-occupancy", [](Design& d) { kern(d, "fc3_c0_p0").tile = kern(d, "fc1_c0_p0").tile; });
}

TEST(CheckDesign, MissingKernel) {
  expect_caught(base(), "layer-shape", [](Design& d) { d.layers[0].kernels.pop_back(); });
}

TEST(CheckDesign, UnsupportedTiling) {
  expect_caught(base(), "layer-shape", [](Design& d) { d.layers[2].tile_n = 16; });
}

TEST(CheckDesign, MisalignedSlice) {
  expect_caught(base(), "slices", [](Design& d) {
    auto& l = d.layers[0];
    l.k_slice = 60;  // not a multiple of 16
    l.in_padded = 120;
  });
}

TEST(CheckDesign, SlicesNotCoveringTheFeatures) {
  expect_caught(base(), "slices", [](Design& d) { kern(d, "fc1_c1_p1").n_range = {64, 128}; });
}

TEST(CheckDesign, WeightsBeyondOneBank) {
  expect_caught(base(), "weights-bank", [](Design& d) {
    auto& l = d.layers[0];  // 2 x 2 over 128 x 256: 64 x 128 slices; make them 128 x 256
    l.k_slice = 128;
    l.n_slice = 256;
    l.in_padded = 256;
    l.out_padded = 512;
  });
}

TEST(CheckDesign, InputBufferTooSmall) {
  expect_caught(base(), "buffer-size", [](Design& d) { buf(kern(d, "fc2_c0_p1"), "input").bytes = 64; });
}

TEST(CheckDesign, BufferStraddlesTwoBanks) {
  expect_caught(base(), "bank-bounds", [](Design& d) {
    auto& b = buf(kern(d, "fc1_c0_p0"), "weights");
    b.offsets[0] = 16384 - 1024;  // 8 KB of weights starting 1 KB before the end of bank 0
  });
}

TEST(CheckDesign, OverlappingBuffers) {
  expect_caught(base(), "memory-overlap", [](Design& d) {
    auto& k = kern(d, "fc1_c0_p0");
    auto& in = buf(k, "input");
    auto& st = buf(k, "stack");
    st.offsets[0] = in.offsets[0];
    st.banks[0] = in.banks[0];
  });
}

TEST(CheckDesign, MoreBytesThanTheTileHas) {
  expect_caught(base(), "memory-budget", [](Design& d) {
    auto& k = kern(d, "fc1_c0_p0");
    for (int i = 0; i < 5; ++i) {  // five more full banks of data in a 4-bank tile
      BufferAlloc extra{fmt::format("extra{}", i), "heap", 16384, k.tile, {i % 4}, {(i % 4) * 16384}};
      k.buffers.push_back(extra);
    }
  });
}

TEST(CheckDesign, BufferInAnUnreachableMemory) {
  expect_caught(base(), "neighbour-access", [](Design& d) {
    auto& k = kern(d, "fc1_c0_p0");
    auto& b = buf(k, "heap");
    b.home = {k.tile.col + 1, k.tile.row};  // east: AIE-ML cores do not reach their east neighbour
  });
}

TEST(CheckDesign, BufferInTheMemoryTileRow) {
  expect_caught(base(), "neighbour-access", [](Design& d) {
    auto& k = kern(d, "fc1_c0_p0");
    buf(k, "heap").home = {k.tile.col, k.tile.row - 1};  // row -1: the memory tile below
  });
}

TEST(CheckDesign, TileDmaChannelUsedTwice) {
  expect_caught(base(), "tile-dma", [](Design& d) {
    auto& s = sb(d, "h1");
    auto& k = kern(d, "fc2_c0_p0");
    s.readers[0].destinations[0].channel = 1;  // fc2_c0_p0 now uses S2MM 1 ...
    // ... and so does a second stream into the same tile.
    Endpoint again{k.name, "", k.tile, 1};
    s.readers[0].destinations.push_back(again);
  });
}

TEST(CheckDesign, TileDmaChannelThatDoesNotExist) {
  expect_caught(base(), "tile-dma", [](Design& d) { sb(d, "h2").writers[0].source->channel = 2; });
}

TEST(CheckDesign, CascadeBetweenNonNeighbours) {
  expect_caught(base(), "cascade", [](Design& d) {
    kern(d, "fc1_c0_p1").tile = {20, 7};  // the chain's second kernel moves away
  });
}

TEST(CheckDesign, MissingCascadeLink) {
  expect_caught(base(), "cascade", [](Design& d) { d.cascades.pop_back(); });
}

TEST(CheckDesign, TooManyReaderPorts) {
  expect_caught(base(), "shared-buffer", [](Design& d) {
    auto& s = sb(d, "h1");
    while (s.readers.size() < 9) s.readers.push_back(s.readers.back());
  });
}

TEST(CheckDesign, SingleBufferedSharedBuffer) {
  expect_caught(base(), "shared-buffer", [](Design& d) { sb(d, "h1").num_buffers = 1; });
}

TEST(CheckDesign, MemoryTileThatDoesNotExist) {
  expect_caught(base(), "memtile-location", [](Design& d) { sb(d, "h1").location = {3, 2}; });
}

TEST(CheckDesign, MemoryTileOverfull) {
  expect_caught(base(), "memtile-capacity", [](Design& d) {
    auto& s = sb(d, "h1");
    s.dimension = {256, 1100};  // 256 x 1100 x 2 copies = 563200 bytes > 512 KB
    for (auto* ports : {&s.writers, &s.readers})
      for (auto& p : *ports) p.access.buffer_dimension = s.dimension;
  });
}

TEST(CheckDesign, MemoryTileChannelTwice) {
  expect_caught(base(), "memtile-dma", [](Design& d) {
    auto& s = sb(d, "h1");
    s.readers[1].dma_tile = s.readers[0].dma_tile;
    s.readers[1].dma_channel = s.readers[0].dma_channel;
  });
}

TEST(CheckDesign, MemoryTileChannelOutOfReach) {
  expect_caught(base(), "memtile-dma", [](Design& d) {
    auto& s = sb(d, "h1");
    s.writers[0].dma_tile = {s.location.col + 2, s.location.row};  // two tiles away: no DMA reaches
    s.writers[0].dma_channel = 0;
  });
}

TEST(CheckDesign, NeighbourChannelThatCannotReachNeighbours) {
  expect_caught(base(), "memtile-dma", [](Design& d) {
    auto& s = sb(d, "h1");
    s.writers[0].dma_tile = {s.location.col + 1, s.location.row};
    s.writers[0].dma_channel = 5;  // only channels 0-3 reach the east/west memory tile
  });
}

TEST(CheckDesign, PlioWidthNotSupported) {
  expect_caught(base(), "plio", [](Design& d) { d.plio[0].width_bits = 256; });
}

TEST(CheckDesign, TooManyPlioInOneColumn) {
  expect_caught(base(), "plio", [](Design& d) {
    auto p = d.plio[0];
    for (int i = 0; i < 4; ++i) {  // 5 x 128-bit inputs = 10 channels > 8 in one column
      p.name = fmt::format("extra{}", i);
      d.plio.push_back(p);
    }
  });
}

TEST(CheckDesign, PlioFasterThanThePlClock) {
  expect_caught(base(), "plio", [](Design& d) { d.plio[0].frequency_mhz = 1000; });
}

TEST(CheckDesign, ReaderOffsetShifted) {
  expect_caught(base(), "data-layout", [](Design& d) { sb(d, "h1").readers[1].access.offset[0] -= 8; });
}

TEST(CheckDesign, WriterTraversalSwapped) {
  expect_caught(base(), "data-layout", [](Design& d) {
    auto& t = sb(d, "h1").writers[0].access.tile_traversal;
    std::swap(t[0], t[1]);  // batch blocks inner: not the kernel's output order
  });
}

TEST(CheckDesign, BoundaryDropsRealFeatures) {
  expect_caught(base(), "data-layout", [](Design& d) { sb(d, "h1").readers[1].access.boundary_dimension[0] = 200; });
}

TEST(CheckDesign, KernelInputNeverDelivered) {
  expect_caught(base(), "dataflow", [](Design& d) { sb(d, "h1").readers[1].destinations.pop_back(); });
}

TEST(CheckDesign, OutputGoesNowhere) {
  expect_caught(base(), "dataflow", [](Design& d) { sb(d, "h2").writers.pop_back(); });
}

TEST(CheckDesign, DirectBufferHomeNotShared) {
  expect_caught(direct_base(), "neighbour-access", [](Design& d) { d.direct_buffers[0].home = {30, 5}; });
}

TEST(CheckDesign, DirectBufferLayoutMismatch) {
  expect_caught(direct_base(), "data-layout", [](Design& d) { d.layers[1].tile_k = 16; });
}

TEST(CheckDesign, RequireLegalListsTheRules) {
  Design d = base();
  kern(d, "fc3_c0_p0").tile = kern(d, "fc1_c0_p0").tile;
  try {
    require_legal(d, ve2802());
    FAIL();
  } catch (const CheckFailure& e) {
    EXPECT_NE(std::string(e.what()).find("[tile-occupancy]"), std::string::npos);
  }
}

}  // namespace
}  // namespace aie4ml
