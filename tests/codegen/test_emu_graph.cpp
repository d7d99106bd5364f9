// The host emulation of ADF graphs (emu/adf/): tiling parameters against the compiler's independent
// definition (src/design/tiling.h) and a hand-worked example; small graphs built through the public ADF
// API and executed by the scheduler: shared-buffer re-tiling, zero padding, reads of unwritten data,
// ping-pong direct buffers, cascade FIFO order, port numbering, deadlock detection, the graph record.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codegen/graph_check.h"
#include "design/tiling.h"
#include "emu/adf.h"
#include "emu/adf/scheduler.h"

// ADF code leaves tiling fields it does not use at their defaults, as the generated graphs do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace {

namespace fs = std::filesystem;
using aie4ml_emu::emu_error;
using aie4ml_emu::rt::network;
using aie4ml_emu::rt::registry_scope;
using aie4ml_emu::rt::settings;

// ---- tiling parameters ----

adf::tiling_parameters emu_params(const aie4ml::TilingParams& t) {
  adf::tiling_parameters p;
  for (auto v : t.buffer_dimension) p.buffer_dimension.push_back(static_cast<unsigned>(v));
  for (auto v : t.tiling_dimension) p.tiling_dimension.push_back(static_cast<unsigned>(v));
  for (auto v : t.offset) p.offset.push_back(static_cast<int>(v));
  for (auto& s : t.tile_traversal) p.tile_traversal.push_back({s.dimension, static_cast<int>(s.stride), static_cast<int>(s.wrap)});
  for (auto v : t.boundary_dimension) p.boundary_dimension.push_back(static_cast<unsigned>(v));
  return p;
}

TEST(EmuTiling, HandWorkedExampleWithBoundary) {
  // Buffer 4 x 3 (dimension 0 fastest), 2 x 2 tiles from (1,1), two tiles along dimension 0.
  adf::tiling_parameters p{.buffer_dimension = {4, 3}, .tiling_dimension = {2, 2}, .offset = {1, 1},
                           .tile_traversal = {{.dimension = 0, .stride = 2, .wrap = 2}},
                           .boundary_dimension = {4, 3}};
  // tile 0: (1,1) (2,1) (1,2) (2,2) -> 5 6 9 10; tile 1: (3,1) (4,1)=pad (3,2) (4,2)=pad.
  EXPECT_EQ(aie4ml_emu::expand_tiling(p, "t"), (std::vector<int64_t>{5, 6, 9, 10, 7, -1, 11, -1}));
  p.boundary_dimension.clear();
  EXPECT_THROW(aie4ml_emu::expand_tiling(p, "t"), emu_error);  // (4,1) is outside the buffer
}

TEST(EmuTiling, AgreesWithTheCompilersDefinitionOnRandomPatterns) {
  std::mt19937 rng(11);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int compared = 0, outside = 0;
  for (int i = 0; i < 400; ++i) {
    aie4ml::TilingParams t;
    const int rank = pick(1, 3);
    for (int d = 0; d < rank; ++d) {
      t.buffer_dimension.push_back(pick(1, 9));
      t.tiling_dimension.push_back(pick(1, 4));
      t.offset.push_back(pick(0, 3));
    }
    for (int l = 0, n = pick(0, 3); l < n; ++l) t.tile_traversal.push_back({pick(0, rank - 1), pick(1, 4), pick(1, 3)});
    if (pick(0, 1))
      for (int d = 0; d < rank; ++d) t.boundary_dimension.push_back(pick(1, static_cast<int>(t.buffer_dimension[d])));
    const auto want = aie4ml::expand_access(t);
    const bool leaves_buffer = std::find(want.begin(), want.end(), aie4ml::kOutsideBuffer) != want.end();
    if (leaves_buffer) {
      EXPECT_THROW(aie4ml_emu::expand_tiling(emu_params(t), "t"), emu_error);
      ++outside;
    } else {
      EXPECT_EQ(aie4ml_emu::expand_tiling(emu_params(t), "t"), want) << "pattern " << i;
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_GT(outside, 10);
}

TEST(EmuTiling, RejectsInconsistentParameters) {
  adf::tiling_parameters p{.buffer_dimension = {4, 4}, .tiling_dimension = {2}, .offset = {0, 0}, .tile_traversal = {}};
  EXPECT_THROW(aie4ml_emu::expand_tiling(p, "t"), emu_error);
  p.tiling_dimension = {2, 2};
  p.tile_traversal = {{.dimension = 2, .stride = 1, .wrap = 1}};
  EXPECT_THROW(aie4ml_emu::expand_tiling(p, "t"), emu_error);
}

// ---- small graphs ----

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("aie4ml-emu-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path / "data");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(path / rel) << text; }
  std::string read(const std::string& rel) const {
    std::ifstream in(path / rel);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  settings config() const {
    settings s;
    s.input_dir = path.string();
    s.output_dir = (path / "out").string();
    return s;
  }
};

std::vector<int64_t> numbers(const std::string& text) {
  std::istringstream s(text);
  std::vector<int64_t> v;
  int64_t x;
  while (s >> x) v.push_back(x);
  return v;
}

// Kernels of the test graphs; what the block-order kernel saw, in order.
std::vector<int16> g_seen;

void negate(adf::input_buffer<int16>& in, adf::output_buffer<int16>& out) {
  for (size_t i = 0; i < in.size(); ++i) {
    g_seen.push_back(in.data()[i]);
    out.data()[i] = static_cast<int16>(-in.data()[i]);
  }
}

void add_one(adf::input_buffer<int16>& in, adf::output_buffer<int16>& out) {
  for (size_t i = 0; i < in.size(); ++i) out.data()[i] = static_cast<int16>(in.data()[i] + 1);
}

void times_two(adf::input_buffer<int16>& in, adf::output_buffer<int16>& out) {
  for (size_t i = 0; i < in.size(); ++i) out.data()[i] = static_cast<int16>(2 * in.data()[i]);
}

adf::access_pattern rows(unsigned features, unsigned n) {
  return adf::tiling({.buffer_dimension = {features, n}, .tiling_dimension = {features, n}, .offset = {0, 0},
                      .tile_traversal = {{.dimension = 0, .stride = static_cast<int>(features), .wrap = 1},
                                         {.dimension = 1, .stride = static_cast<int>(n), .wrap = 1}}});
}

// 6 features x 4 rows, read and written in 2-feature column blocks (all rows), as the dense kernels'
// input layouts are.
adf::access_pattern column_blocks(std::vector<unsigned> boundary = {}) {
  return adf::tiling({.buffer_dimension = {6, 4}, .tiling_dimension = {2, 4}, .offset = {0, 0},
                      .tile_traversal = {{.dimension = 0, .stride = 2, .wrap = 3}}, .boundary_dimension = boundary});
}

struct BlockGraph {
  adf::kernel k;
  adf::shared_buffer<int16> in_sb, out_sb;
  adf::input_plio pin;
  adf::output_plio pout;
  explicit BlockGraph(std::vector<unsigned> read_boundary = {}, std::vector<unsigned> write_tile = {6, 4}) {
    pin = adf::input_plio::create("in_x", adf::plio_64_bits, "data/in_x.txt", 312.5);
    pout = adf::output_plio::create("out_y", adf::plio_64_bits, "data/out_y.txt", 312.5);
    adf::location<adf::PLIO>(pin) = adf::shim(3);
    k = adf::kernel::create(negate);
    adf::location<adf::kernel>(k) = adf::tile(2, 1);
    adf::dimensions(k.in[0]) = {24};
    adf::dimensions(k.out[0]) = {24};
    in_sb = adf::shared_buffer<int16>::create({6, 4}, 1, 1);
    adf::num_buffers(in_sb) = 2;
    adf::location<adf::buffer>(in_sb) = {adf::address(2, 0, 0), adf::address(2, 0, 64)};
    adf::connect<>(pin.out[0], in_sb.in[0]);
    adf::write_access(in_sb.in[0]) =
        adf::tiling({.buffer_dimension = {6, 4}, .tiling_dimension = {write_tile[0], write_tile[1]}, .offset = {0, 0},
                     .tile_traversal = {{.dimension = 0, .stride = 6, .wrap = 1}, {.dimension = 1, .stride = 4, .wrap = 1}}});
    adf::connect<>(in_sb.out[0], k.in[0]);
    adf::read_access(in_sb.out[0]) = column_blocks(read_boundary);
    out_sb = adf::shared_buffer<int16>::create({6, 4}, 1, 1);
    adf::num_buffers(out_sb) = 2;
    adf::connect<>(k.out[0], out_sb.in[0]);
    adf::write_access(out_sb.in[0]) = column_blocks();
    adf::connect<>(out_sb.out[0], pout.in[0]);
    adf::read_access(out_sb.out[0]) = rows(6, 4);
  }
};

std::string input_text(int iterations) {  // 4 values (one 64-bit word of int16) per line
  std::string t;
  for (int i = 0; i < iterations * 24; ++i) t += std::to_string(i + 1) + ((i % 4 == 3) ? "\n" : " ");
  return t;
}

TEST(EmuGraph, SharedBuffersRetileExactlyAndRoundTrip) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", "T 0 ns\n" + input_text(3) + "TLAST\n");
  BlockGraph g;
  g_seen.clear();
  network net(scope.mine, dir.config());
  net.run(3);
  net.finish();
  // The kernel sees each iteration's 6 x 4 matrix in 2-feature column blocks, rows inside a block.
  std::vector<int16> want;
  for (int it = 0; it < 3; ++it)
    for (int block = 0; block < 3; ++block)
      for (int row = 0; row < 4; ++row)
        for (int f = 2 * block; f < 2 * block + 2; ++f) want.push_back(static_cast<int16>(1 + it * 24 + row * 6 + f));
  EXPECT_EQ(g_seen, want);
  // Written back with the same blocks and read out as rows: the input, negated, 4 values per line.
  const std::string out = dir.read("out/data/out_y.txt");
  std::vector<int64_t> expected;
  for (int i = 0; i < 72; ++i) expected.push_back(-(i + 1));
  EXPECT_EQ(numbers(out), expected);
  EXPECT_EQ(out.substr(0, out.find('\n')), "-1 -2 -3 -4");
  EXPECT_EQ(net.invocations(), 3);
}

TEST(EmuGraph, ReadsOutsideTheBoundaryAreZeroPadding) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(1));
  BlockGraph g({5, 3});  // feature 5 and row 3 are padding
  g_seen.clear();
  network net(scope.mine, dir.config());
  net.run(1);
  ASSERT_EQ(g_seen.size(), 24u);
  for (int block = 0, i = 0; block < 3; ++block)
    for (int row = 0; row < 4; ++row)
      for (int f = 2 * block; f < 2 * block + 2; ++f, ++i)
        EXPECT_EQ(g_seen[i], (f < 5 && row < 3) ? 1 + row * 6 + f : 0) << "feature " << f << " row " << row;
}

TEST(EmuGraph, ReadingElementsNoWriterWroteIsAnError) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(1));
  // The writer now streams only 4 of the 6 features of each row: the reader would get garbage.
  BlockGraph g({}, {4, 4});
  try {
    network net(scope.mine, dir.config());
    net.run(1);
    FAIL() << "no error";
  } catch (const emu_error& e) {
    EXPECT_NE(std::string(e.what()).find("no writer wrote"), std::string::npos) << e.what();
  }
}

TEST(EmuGraph, DataFileThatEndsEarlyIsAnError) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(1));
  BlockGraph g;
  network net(scope.mine, dir.config());
  EXPECT_THROW(net.run(2), emu_error);
}

TEST(EmuGraph, DirectBuffersArePingPongAndKeepOrder) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(5));
  adf::kernel a = adf::kernel::create(add_one), b = adf::kernel::create(times_two);
  for (auto* k : {&a, &b}) {
    adf::dimensions(k->in[0]) = {24};
    adf::dimensions(k->out[0]) = {24};
  }
  adf::input_plio pin = adf::input_plio::create("in_x", adf::plio_64_bits, "data/in_x.txt");
  adf::output_plio pout = adf::output_plio::create("out_y", adf::plio_64_bits, "data/out_y.txt");
  adf::connect<>(pin.out[0], a.in[0]);
  adf::connect<>(a.out[0], b.in[0]);
  adf::connect<>(b.out[0], pout.in[0]);
  network net(scope.mine, dir.config());
  net.run(5);
  net.finish();
  const auto out = numbers(dir.read("out/data/out_y.txt"));
  ASSERT_EQ(out.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(out[i], 2 * (i + 2));
}

// Cascade kernels: the writer sends its invocation count, the reader stores what arrives.
int g_sent = 0;
void cascade_writer(adf::input_buffer<int16>& in, output_cascade<acc32>* out) {
  aie4ml_emu::cascade_link<acc32>::word w{};
  w[0] = g_sent++ * 1000 + in.data()[0];
  out->link().push(w);
}
void cascade_reader(adf::input_buffer<int16>& in, input_cascade<acc32>* cas, adf::output_buffer<int16>& out,
                    const int16 (&bias)[4]) {
  const auto w = cas->link().pop();
  for (size_t i = 0; i < out.size(); ++i) out.data()[i] = static_cast<int16>(w[0] + in.data()[0] + bias[i % 4]);
}

TEST(EmuGraph, PortsFollowTheSignatureAndCascadesKeepOrder) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(3));
  adf::kernel w = adf::kernel::create(cascade_writer), r = adf::kernel::create(cascade_reader);
  // in[] are the input buffer, the input cascade and the parameter array in signature order; out[] the rest.
  ASSERT_EQ(r.in.size(), 3u);
  ASSERT_EQ(r.out.size(), 1u);
  EXPECT_EQ(r.in[1].info().kind, aie4ml_emu::rt::port_kind::cascade_in);
  EXPECT_EQ(r.in[2].info().kind, aie4ml_emu::rt::port_kind::rtp_in);
  EXPECT_EQ(r.in[2].info().rtp_elems, 4);
  EXPECT_EQ(w.out[0].info().type, "acc32");
  adf::port<adf::direction::in> bias;
  adf::connect<adf::parameter>(bias, adf::async(r.in[2]));
  adf::initial_value(r.in[2]) = {0, 1, 2, 3};
  adf::input_plio pin = adf::input_plio::create("in_x", adf::plio_64_bits, "data/in_x.txt");
  adf::output_plio pout = adf::output_plio::create("out_y", adf::plio_64_bits, "data/out_y.txt");
  auto sb = adf::shared_buffer<int16>::create({24}, 1, 2);  // one frame broadcast to both kernels
  adf::write_access(sb.in[0]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {24}, .offset = {0}, .tile_traversal = {}});
  adf::read_access(sb.out[0]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {4}, .offset = {0}, .tile_traversal = {}});
  adf::read_access(sb.out[1]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {4}, .offset = {4}, .tile_traversal = {}});
  adf::dimensions(w.in[0]) = {4};
  adf::dimensions(r.in[0]) = {4};
  adf::dimensions(r.out[0]) = {4};
  adf::connect<>(pin.out[0], sb.in[0]);
  adf::connect<>(sb.out[0], w.in[0]);
  adf::connect<>(sb.out[1], r.in[0]);
  adf::connect<adf::cascade>(w.out[0], r.in[1]);
  adf::connect<>(r.out[0], pout.in[0]);
  g_sent = 0;
  network net(scope.mine, dir.config());
  net.run(3);
  net.finish();
  // Iteration i: writer saw value 1 + 24 i, reader 5 + 24 i; cascade word i * 1000 + (1 + 24 i).
  std::vector<int64_t> want;
  for (int i = 0; i < 3; ++i)
    for (int e = 0; e < 4; ++e) want.push_back(i * 1000 + (1 + 24 * i) + (5 + 24 * i) + e);
  EXPECT_EQ(numbers(dir.read("out/data/out_y.txt")), want);
}

TEST(EmuGraph, CyclesAreReportedAsDeadlock) {
  registry_scope scope;
  TempDir dir;
  dir.write("data/in_x.txt", input_text(2));
  adf::kernel k = adf::kernel::create(add_one);
  adf::dimensions(k.in[0]) = {12};
  adf::dimensions(k.out[0]) = {12};
  adf::input_plio pin = adf::input_plio::create("in_x", adf::plio_64_bits, "data/in_x.txt");
  adf::output_plio pout = adf::output_plio::create("out_y", adf::plio_64_bits, "data/out_y.txt");
  auto sb = adf::shared_buffer<int16>::create({24}, 2, 2);  // half from the PLIO, half from the kernel itself
  adf::write_access(sb.in[0]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {12}, .offset = {0}, .tile_traversal = {}});
  adf::write_access(sb.in[1]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {12}, .offset = {12}, .tile_traversal = {}});
  adf::read_access(sb.out[0]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {12}, .offset = {0}, .tile_traversal = {}});
  adf::read_access(sb.out[1]) = adf::tiling({.buffer_dimension = {24}, .tiling_dimension = {24}, .offset = {0}, .tile_traversal = {}});
  adf::connect<>(pin.out[0], sb.in[0]);
  adf::connect<>(k.out[0], sb.in[1]);
  adf::connect<>(sb.out[0], k.in[0]);
  adf::connect<>(sb.out[1], pout.in[0]);
  network net(scope.mine, dir.config());
  try {
    net.run(1);
    FAIL() << "no deadlock reported";
  } catch (const emu_error& e) {
    EXPECT_NE(std::string(e.what()).find("deadlock"), std::string::npos) << e.what();
  }
}

TEST(EmuGraph, WiringErrorsAreReportedAtInit) {
  {
    registry_scope scope;
    TempDir dir;
    adf::kernel k = adf::kernel::create(add_one);  // nothing connected, no dimensions
    EXPECT_THROW({ network n(scope.mine, dir.config()); }, emu_error);
  }
  {
    registry_scope scope;
    adf::kernel a = adf::kernel::create(add_one);
    adf::kernel b = adf::kernel::create(cascade_writer);
    EXPECT_THROW((adf::connect<adf::cascade>(a.out[0], b.in[0])), emu_error);  // not cascade ports
    EXPECT_THROW((adf::connect<>(a.in[0], b.in[0])), emu_error);               // from an input
  }
}

TEST(EmuGraph, RecordDescribesWhatTheGraphSays) {
  registry_scope scope;
  BlockGraph g;
  const auto record = nlohmann::json::parse(aie4ml_emu::rt::graph_record_json(scope.mine));
  const auto facts = aie4ml::codegen::recorded_graph_facts(record);
  EXPECT_TRUE(facts.count("kernel tile(2,1)"));
  EXPECT_TRUE(facts.count("shared buffer mem(2,0) [6,4] in[0] <- plio 'in_x'"));
  EXPECT_TRUE(facts.count("shared buffer mem(2,0) [6,4] out[0] -> tile(2,1)"));
  EXPECT_TRUE(facts.count("shared buffer mem(2,0) [6,4] num_buffers 2"));
  EXPECT_TRUE(facts.count("plio 'in_x' in width 64 column 3 frequency 312.5"));
  EXPECT_TRUE(facts.count(
      "shared buffer mem(2,0) [6,4] out[0] access buffer [6,4] tile [2,4] offset [0,0] traversal [(0,2,3)] repetition 1 "
      "boundary []"));
}

}  // namespace
