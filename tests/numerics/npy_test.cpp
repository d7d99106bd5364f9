// .npy reading and writing (src/io/npy.h): files written by numpy (tests/models/make_npy_samples.py),
// round trips through our writer (checked again by numpy in tests/scripts), and malformed files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/npy.h"
#include "support/error.h"

namespace aie4ml {
namespace {

namespace fs = std::filesystem;

fs::path sample(const std::string& name) { return fs::path(AIE4ML_TEST_DATA) / "npy" / name; }

// The pattern make_npy_samples.py writes: (i * 7 % 23 - 11) * f.
double pattern(int i, double f) { return (i * 7 % 23 - 11) * f; }

TEST(Npy, ReadsEveryDtypeNumpyWrites) {
  const std::pair<const char*, NpyDtype> cases[] = {{"f4", NpyDtype::Float32}, {"f8", NpyDtype::Float64},
                                                    {"i1", NpyDtype::Int8},    {"i2", NpyDtype::Int16},
                                                    {"i4", NpyDtype::Int32},   {"i8", NpyDtype::Int64},
                                                    {"big_f8", NpyDtype::Float64}, {"v2_i4", NpyDtype::Int32}};
  for (auto [name, dtype] : cases) {
    const NpyArray a = read_npy(sample(std::string(name) + ".npy"));
    EXPECT_EQ(a.dtype, dtype) << name;
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3, 4})) << name;
    const double f = is_integer(dtype) ? 1.0 : 0.25;
    const auto v = a.to_doubles();
    ASSERT_EQ(v.size(), 24u);
    for (int i = 0; i < 24; ++i) EXPECT_EQ(v[i], pattern(i, f)) << name << " element " << i;
    if (is_integer(dtype)) {
      EXPECT_EQ(a.to_int64()[5], static_cast<int64_t>(pattern(5, 1)));
    }
  }
}

TEST(Npy, ScalarsAndEmptyArrays) {
  const NpyArray s = read_npy(sample("scalar_f8.npy"));
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.to_doubles(), std::vector<double>{3.5});
  const NpyArray e = read_npy(sample("empty_i2.npy"));
  EXPECT_EQ(e.shape, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(e.size(), 0);
}

TEST(Npy, RefusesFortranOrderAndUnsupportedDtypes) {
  EXPECT_THROW(read_npy(sample("fortran_f4.npy")), InputError);
  EXPECT_THROW(read_npy(sample("u2.npy")), InputError);
  EXPECT_THROW(read_npy(sample("missing.npy")), InputError);
}

TEST(Npy, RoundTripsEveryDtype) {
  const std::vector<int64_t> ints = {-128, -1, 0, 1, 127, 5};
  for (auto d : {NpyDtype::Int8, NpyDtype::Int16, NpyDtype::Int32, NpyDtype::Int64}) {
    const NpyArray a = NpyArray::from_int64({2, 3}, ints, d);
    const NpyArray b = parse_npy(npy_bytes(a), "mem");
    EXPECT_EQ(b.dtype, d);
    EXPECT_EQ(b.shape, a.shape);
    EXPECT_EQ(b.to_int64(), ints);
  }
  const std::vector<double> reals = {0.1, -2.5, 1e30, -0.0, 3.0, 7.25};
  for (auto d : {NpyDtype::Float32, NpyDtype::Float64}) {
    const NpyArray b = parse_npy(npy_bytes(NpyArray::from_doubles({6}, reals, d)), "mem");
    ASSERT_EQ(b.shape, std::vector<int64_t>{6});
    for (size_t i = 0; i < reals.size(); ++i)
      EXPECT_EQ(b.to_doubles()[i], d == NpyDtype::Float32 ? static_cast<double>(static_cast<float>(reals[i])) : reals[i]);
  }
  // The data starts at a multiple of 64 bytes, as numpy writes it.
  const std::string bytes = npy_bytes(NpyArray::from_int64({3}, {1, 2, 3}, NpyDtype::Int16));
  EXPECT_EQ((bytes.size() - 6) % 64, 0u);
  EXPECT_NE(bytes.find("'shape': (3,)"), std::string::npos);
}

TEST(Npy, ValuesThatDoNotFitTheDtypeAreRefused) {
  EXPECT_THROW(NpyArray::from_int64({1}, {128}, NpyDtype::Int8), InputError);
  EXPECT_THROW(NpyArray::from_int64({2}, {1}, NpyDtype::Int8), InputError);  // too few values
  EXPECT_THROW(NpyArray::from_doubles({1}, {0.5}, NpyDtype::Int32), InputError);
  EXPECT_THROW(NpyArray::from_doubles({1, 1}, {1.5}, NpyDtype::Float32).to_int64("x"), InputError);
}

std::string with_header(const std::string& header, const std::string& data, int major = 1) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const size_t len = header.size();
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  if (major > 1) out += std::string(2, '\0');
  return out + header + data;
}

TEST(Npy, MalformedFilesAreInputErrors) {
  const std::string good_data(8, '\0');
  const std::string ok = with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", good_data);
  EXPECT_EQ(parse_npy(ok, "ok").shape, std::vector<int64_t>{2});
  const std::string bad[] = {
      "",                                                                                         // empty
      "NUMPY123",                                                                                 // no magic
      ok.substr(0, 12),                                                                           // truncated header
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", good_data.substr(0, 7)),  // data
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", good_data + "x"),  // trailing
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }\n", good_data),        // not a tuple
      with_header("{'descr': '<f4', 'shape': (2,), }\n", good_data),                                // missing key
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", good_data),  // extra key
      with_header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", good_data),        // complex
      with_header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }\n", good_data),        // bool
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", good_data),       // negative
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) \n", good_data),          // unclosed
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", good_data, 7),     // version
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }\n", good_data),
  };
  for (size_t i = 0; i < std::size(bad); ++i) EXPECT_THROW(parse_npy(bad[i], "bad"), InputError) << "case " << i;
}

TEST(Npy, WritesFilesAndReportsUnwritablePaths) {
  const auto dir = fs::temp_directory_path() / "aie4ml_npy_test";
  fs::create_directories(dir);
  write_npy(dir / "a.npy", NpyArray::from_doubles({2, 2}, {1, 2, 3, 4}, NpyDtype::Float64));
  EXPECT_EQ(read_npy(dir / "a.npy").to_doubles(), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_THROW(write_npy(dir / "no" / "such" / "dir.npy", NpyArray::from_int64({1}, {1}, NpyDtype::Int8)), InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace aie4ml
