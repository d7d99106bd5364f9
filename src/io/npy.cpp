// .npy reader and writer (see npy.h for the supported subset and why it is not xnpy).
#include "io/npy.h"

#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
static_assert(std::endian::native == std::endian::little, "the .npy module assumes a little-endian host");

struct DtypeInfo {
  NpyDtype dtype;
  char kind;  // 'f' or 'i'
  int size;
  std::string_view name;
};
constexpr DtypeInfo kDtypes[] = {
    {NpyDtype::Float32, 'f', 4, "float32"}, {NpyDtype::Float64, 'f', 8, "float64"},
    {NpyDtype::Int8, 'i', 1, "int8"},       {NpyDtype::Int16, 'i', 2, "int16"},
    {NpyDtype::Int32, 'i', 4, "int32"},     {NpyDtype::Int64, 'i', 8, "int64"},
};

const DtypeInfo& info(NpyDtype d) {
  for (auto& i : kDtypes)
    if (i.dtype == d) return i;
  return kDtypes[0];
}

// A minimal parser for the header: a Python dict literal whose values are strings, booleans or tuples
// of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  struct Value {
    enum { String, Bool, Tuple } kind;
    std::string str;
    bool flag = false;
    std::vector<int64_t> ints;
  };

  std::map<std::string, Value> dict() {
    std::map<std::string, Value> out;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      if (out.count(key)) fail(fmt::format("key '{}' appears twice", key));
      out[key] = value();
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after the dictionary");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(fmt::format("{}: malformed .npy header ({} at offset {})", file_, what, pos_));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  int64_t integer() {
    skip_space();
    const size_t start = pos_;
    int64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("dimension too large");
      v = v * 10 + (s_[pos_++] - '0');
    }
    if (pos_ == start) fail("expected a non-negative integer");
    // numpy on some platforms writes 3L for long integers
    if (peek() == 'L') ++pos_;
    return v;
  }
  Value value() {
    skip_space();
    Value v{};
    if (peek() == '\'' || peek() == '"') {
      v.kind = Value::String;
      v.str = string_literal();
    } else if (s_.substr(pos_, 4) == "True") {
      v.kind = Value::Bool, v.flag = true, pos_ += 4;
    } else if (s_.substr(pos_, 5) == "False") {
      v.kind = Value::Bool, v.flag = false, pos_ += 5;
    } else if (peek() == '(') {
      v.kind = Value::Tuple;
      ++pos_;
      while (true) {
        skip_space();
        if (peek() == ')') break;
        v.ints.push_back(integer());
        skip_space();
        if (peek() == ',') {
          ++pos_;
        } else if (peek() != ')') {
          fail("expected ',' or ')' in the shape");
        } else if (v.ints.size() == 1) {
          // "(5)" is an int in Python, not a tuple; numpy always writes "(5,)".
          fail("a one-dimensional shape must be written (n,)");
        }
      }
      ++pos_;
    } else {
      fail("expected a string, True/False or a tuple");
    }
    return v;
  }

  std::string_view s_;
  std::string file_;
  size_t pos_ = 0;
};

// Map a numpy descr ("<f4", "|i1", ">i8", ...) onto a dtype; sets `swap` for big-endian data.
NpyDtype parse_descr(const std::string& descr, bool& swap, const std::string& file) {
  auto unsupported = [&] {
    return InputError(fmt::format("{}: unsupported .npy dtype '{}' (supported: float32, float64, int8, int16, "
                                  "int32, int64)", file, descr));
  };
  if (descr.size() < 3) throw unsupported();
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') throw unsupported();
  int size = 0;
  for (size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(descr[i]))) throw unsupported();
    size = size * 10 + (descr[i] - '0');
    if (size > 64) throw unsupported();
  }
  for (auto& d : kDtypes)
    if (d.kind == descr[1] && d.size == size) {
      if (order == '|' && size != 1) throw unsupported();
      swap = order == '>' && size > 1;
      return d.dtype;
    }
  throw unsupported();
}

void byteswap_items(std::vector<unsigned char>& data, int size) {
  for (size_t i = 0; i + size <= data.size(); i += size)
    for (int a = 0, b = size - 1; a < b; ++a, --b) std::swap(data[i + a], data[i + b]);
}

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <class T>
void store(unsigned char* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

double element_as_double(NpyDtype d, const unsigned char* p) {
  switch (d) {
    case NpyDtype::Float32: return load<float>(p);
    case NpyDtype::Float64: return load<double>(p);
    case NpyDtype::Int8: return load<int8_t>(p);
    case NpyDtype::Int16: return load<int16_t>(p);
    case NpyDtype::Int32: return load<int32_t>(p);
    case NpyDtype::Int64: return static_cast<double>(load<int64_t>(p));
  }
  return 0;
}

int64_t checked_size(const std::vector<int64_t>& shape, const std::string& what) {
  int64_t n = 1;
  for (auto d : shape) {
    if (d < 0) throw InputError(fmt::format("{}: negative dimension {}", what, d));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / 16 / d)
      throw InputError(fmt::format("{}: array too large", what));
    n *= d;
  }
  return n;
}

std::pair<int64_t, int64_t> integer_range(NpyDtype d) {
  const int bits = itemsize(d) * 8;
  if (bits == 64) return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  return {-(int64_t{1} << (bits - 1)), (int64_t{1} << (bits - 1)) - 1};
}

std::string header_text(const NpyArray& a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += fmt::format("{}, ", a.shape[i]);
  if (a.shape.size() == 1) shape.pop_back();  // "(5,)"
  else if (!a.shape.empty()) shape.resize(shape.size() - 2);
  shape += ")";
  const auto& d = info(a.dtype);
  return fmt::format("{{'descr': '{}{}{}', 'fortran_order': False, 'shape': {}, }}", d.size == 1 ? '|' : '<', d.kind,
                     d.size, shape);
}

}  // namespace

std::string_view to_string(NpyDtype d) { return info(d).name; }
int itemsize(NpyDtype d) { return info(d).size; }
bool is_integer(NpyDtype d) { return info(d).kind == 'i'; }

int64_t NpyArray::size() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::vector<double> NpyArray::to_doubles() const {
  const int s = itemsize(dtype);
  std::vector<double> out(static_cast<size_t>(size()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = element_as_double(dtype, data.data() + i * s);
  return out;
}

std::vector<int64_t> NpyArray::to_int64(const std::string& what) const {
  const int s = itemsize(dtype);
  std::vector<int64_t> out(static_cast<size_t>(size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char* p = data.data() + i * s;
    switch (dtype) {
      case NpyDtype::Int8: out[i] = load<int8_t>(p); break;
      case NpyDtype::Int16: out[i] = load<int16_t>(p); break;
      case NpyDtype::Int32: out[i] = load<int32_t>(p); break;
      case NpyDtype::Int64: out[i] = load<int64_t>(p); break;
      default: {
        const double v = element_as_double(dtype, p);
        if (!(std::floor(v) == v && std::abs(v) < 0x1p63))
          throw InputError(fmt::format("{}: element {} ({}) is not an integer", what, i, v));
        out[i] = static_cast<int64_t>(v);
      }
    }
  }
  return out;
}

NpyArray NpyArray::from_doubles(std::vector<int64_t> shape, const std::vector<double>& values, NpyDtype dtype) {
  if (is_integer(dtype)) {
    std::vector<int64_t> ints(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      if (!(std::floor(v) == v && std::abs(v) < 0x1p63))
        throw InputError(fmt::format("npy: value {} at {} is not an integer", v, i));
      ints[i] = static_cast<int64_t>(v);
    }
    return from_int64(std::move(shape), ints, dtype);
  }
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  if (checked_size(a.shape, "npy") != static_cast<int64_t>(values.size()))
    throw InputError(fmt::format("npy: {} values do not fill the shape", values.size()));
  a.data.resize(values.size() * itemsize(dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == NpyDtype::Float32) store(a.data.data() + 4 * i, static_cast<float>(values[i]));
    else store(a.data.data() + 8 * i, values[i]);
  }
  return a;
}

NpyArray NpyArray::from_int64(std::vector<int64_t> shape, const std::vector<int64_t>& values, NpyDtype dtype) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  if (checked_size(a.shape, "npy") != static_cast<int64_t>(values.size()))
    throw InputError(fmt::format("npy: {} values do not fill the shape", values.size()));
  const int s = itemsize(dtype);
  a.data.resize(values.size() * s);
  for (size_t i = 0; i < values.size(); ++i) {
    unsigned char* p = a.data.data() + i * s;
    const int64_t v = values[i];
    if (is_integer(dtype)) {
      auto [lo, hi] = integer_range(dtype);
      if (v < lo || v > hi)
        throw InputError(fmt::format("npy: value {} at {} does not fit {}", v, i, to_string(dtype)));
    }
    switch (dtype) {
      case NpyDtype::Float32: store(p, static_cast<float>(v)); break;
      case NpyDtype::Float64: store(p, static_cast<double>(v)); break;
      case NpyDtype::Int8: store(p, static_cast<int8_t>(v)); break;
      case NpyDtype::Int16: store(p, static_cast<int16_t>(v)); break;
      case NpyDtype::Int32: store(p, static_cast<int32_t>(v)); break;
      case NpyDtype::Int64: store(p, v); break;
    }
  }
  return a;
}

NpyArray parse_npy(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& what) { return InputError(fmt::format("{}: not a valid .npy file: {}", name, what)); };
  if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic) throw fail("missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) throw fail(fmt::format("unsupported format version {}.{}", major, int(bytes[7])));
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) throw fail("truncated header");
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i) header_len |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  const size_t data_start = 8 + len_bytes + header_len;
  if (bytes.size() < data_start) throw fail("truncated header");
  std::string_view header = bytes.substr(8 + len_bytes, header_len);

  auto dict = HeaderParser(header, name).dict();
  for (auto& key : {"descr", "fortran_order", "shape"})
    if (!dict.count(key)) throw fail(fmt::format("header has no '{}'", key));
  if (dict.size() != 3) throw fail("header has keys other than descr, fortran_order and shape");
  const auto& descr = dict["descr"];
  const auto& fortran = dict["fortran_order"];
  const auto& shape = dict["shape"];
  if (descr.kind != HeaderParser::Value::String) throw fail("'descr' is not a string");
  if (fortran.kind != HeaderParser::Value::Bool) throw fail("'fortran_order' is not True/False");
  if (shape.kind != HeaderParser::Value::Tuple) throw fail("'shape' is not a tuple");
  if (fortran.flag)
    throw InputError(fmt::format("{}: Fortran-ordered .npy arrays are not supported (save np.ascontiguousarray(x))", name));

  NpyArray a;
  bool swap = false;
  a.dtype = parse_descr(descr.str, swap, name);
  a.shape = shape.ints;
  const int64_t n = checked_size(a.shape, name);
  const size_t expected = static_cast<size_t>(n) * itemsize(a.dtype);
  const size_t available = bytes.size() - data_start;
  if (available < expected)
    throw fail(fmt::format("truncated data: {} bytes for {} elements of {} (need {})", available, n,
                           to_string(a.dtype), expected));
  if (available > expected) throw fail(fmt::format("{} bytes of trailing data", available - expected));
  a.data.assign(bytes.begin() + data_start, bytes.end());
  if (swap) byteswap_items(a.data, itemsize(a.dtype));
  return a;
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read '{}'", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_npy(ss.str(), path.string());
}

std::string npy_bytes(const NpyArray& a) {
  if (static_cast<int64_t>(a.data.size()) != checked_size(a.shape, "npy") * itemsize(a.dtype))
    throw InputError("npy: data length does not match the shape");
  std::string header = header_text(a);
  // Pad with spaces so that the data starts at a multiple of 64 bytes; the header ends with '\n'.
  size_t prefix = 10;
  int major = 1;
  if (header.size() + 1 + 64 > 65535) prefix = 12, major = 2;
  const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string out(kMagic);
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  return out;
}

void write_npy(const std::filesystem::path& path, const NpyArray& a) {
  const std::string bytes = npy_bytes(a);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(fmt::format("cannot write '{}'", path.string()));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw InputError(fmt::format("failed writing '{}'", path.string()));
}

}  // namespace aie4ml
