// Protobuf parsing of ONNX files and the model-level checks (see onnx_reader.h).
#include "frontend/onnx_reader.h"

#include <array>
#include <climits>
#include <cmath>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml::frontend {

namespace {

constexpr std::array<std::string_view, 3> kQonnxDomains{"onnx.brevitas", "finn.custom_op.general",
                                                        "qonnx.custom_op.general"};

// IEEE half -> float (FLOAT16 initializers are rare, but a model that has one must not be misread).
double half_to_double(uint16_t h) {
  const int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(mant + 1024, exp - 25);
  return sign ? -v : v;
}

double bf16_to_double(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

size_t elem_size(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: case onnx::TensorProto::INT32: case onnx::TensorProto::UINT32: return 4;
    case onnx::TensorProto::DOUBLE: case onnx::TensorProto::INT64: case onnx::TensorProto::UINT64: return 8;
    case onnx::TensorProto::INT16: case onnx::TensorProto::UINT16: case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16: return 2;
    case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8: case onnx::TensorProto::BOOL: return 1;
    default: return 0;
  }
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

double raw_element(const char* p, int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return load<float>(p);
    case onnx::TensorProto::DOUBLE: return load<double>(p);
    case onnx::TensorProto::INT32: return load<int32_t>(p);
    case onnx::TensorProto::UINT32: return load<uint32_t>(p);
    case onnx::TensorProto::INT64: return static_cast<double>(load<int64_t>(p));
    case onnx::TensorProto::UINT64: return static_cast<double>(load<uint64_t>(p));
    case onnx::TensorProto::INT16: return load<int16_t>(p);
    case onnx::TensorProto::UINT16: return load<uint16_t>(p);
    case onnx::TensorProto::INT8: return load<int8_t>(p);
    case onnx::TensorProto::UINT8: return load<uint8_t>(p);
    case onnx::TensorProto::BOOL: return load<uint8_t>(p) ? 1.0 : 0.0;
    case onnx::TensorProto::FLOAT16: return half_to_double(load<uint16_t>(p));
    case onnx::TensorProto::BFLOAT16: return bf16_to_double(load<uint16_t>(p));
    default: return 0;
  }
}

// Values stored in the typed repeated fields (the storage ONNX defines per element type).
std::vector<double> typed_values(const onnx::TensorProto& t) {
  std::vector<double> v;
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      v.assign(t.float_data().begin(), t.float_data().end());
      break;
    case onnx::TensorProto::DOUBLE:
      v.assign(t.double_data().begin(), t.double_data().end());
      break;
    case onnx::TensorProto::INT64:
      for (auto x : t.int64_data()) v.push_back(static_cast<double>(x));
      break;
    case onnx::TensorProto::UINT32: case onnx::TensorProto::UINT64:
      for (auto x : t.uint64_data()) v.push_back(static_cast<double>(x));
      break;
    case onnx::TensorProto::FLOAT16:
      for (auto x : t.int32_data()) v.push_back(half_to_double(static_cast<uint16_t>(x)));
      break;
    case onnx::TensorProto::BFLOAT16:
      for (auto x : t.int32_data()) v.push_back(bf16_to_double(static_cast<uint16_t>(x)));
      break;
    default:  // INT32, INT16, INT8, UINT16, UINT8, BOOL live in int32_data
      v.assign(t.int32_data().begin(), t.int32_data().end());
  }
  return v;
}

// Structurally valid UTF-8 (no overlong forms or surrogates). Protobuf does not check the string
// fields of proto2 files, and names end up in model.json, whose writer refuses invalid UTF-8.
bool is_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + extra >= s.size()) return false;
    uint32_t cp = extra == 0 ? c : c & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

void require_utf8(const std::string& s, const std::string& file, const std::function<std::string()>& what) {
  if (!is_utf8(s)) throw InputError(fmt::format("'{}': {} is not valid UTF-8 text", file, what()));
}

// Every name that can reach the Model IR and its JSON (string attributes are matched against fixed
// vocabularies by the importers, op types and domains only appear in messages).
void check_graph_names(const onnx::GraphProto& g, const std::string& file) {
  require_utf8(g.name(), file, [] { return std::string("the graph name"); });
  for (const auto& t : g.initializer())
    require_utf8(t.name(), file, [] { return std::string("an initializer name"); });
  for (const auto* list : {&g.input(), &g.output(), &g.value_info()})
    for (const auto& v : *list) require_utf8(v.name(), file, [] { return std::string("a graph input/output name"); });
  for (int n = 0; n < g.node_size(); ++n) {
    const auto& node = g.node(n);
    auto where = [n](const char* field) { return [=] { return fmt::format("the {} of node #{}", field, n); }; };
    require_utf8(node.name(), file, where("name"));
    for (const auto& io : node.input()) require_utf8(io, file, where("input names"));
    for (const auto& io : node.output()) require_utf8(io, file, where("output names"));
  }
}

// NaN or infinite constants have no fixed-point code and no JSON number (model.json would not load back
// in `predict`); they are refused here with their count and the first position.
void require_finite(const ConstTensor& c, const std::string& what) {
  int64_t nans = 0, infs = 0, first = -1;
  for (size_t i = 0; i < c.values.size(); ++i) {
    if (std::isfinite(c.values[i])) continue;
    (std::isnan(c.values[i]) ? nans : infs) += 1;
    if (first < 0) first = static_cast<int64_t>(i);
  }
  if (first >= 0)
    throw InputError(fmt::format("{} holds {} NaN and {} infinite values (the first at flat index {}); aie4ml "
                                 "needs finite constants", what, nans, infs, first));
}

}  // namespace

bool is_qonnx_domain(const std::string& domain) {
  for (auto d : kQonnxDomains)
    if (domain == d) return true;
  return false;
}

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

onnx::ModelProto parse_model(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) throw InputError(fmt::format("'{}' is empty: not an ONNX model", name));
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    throw InputError(fmt::format("'{}' is larger than 2 GB; models with external data are not supported", name));
  onnx::ModelProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw InputError(fmt::format("'{}' is not a valid ONNX model: protobuf parsing failed ({} bytes; the file is "
                                 "truncated, corrupted or not an ONNX ModelProto)", name, bytes.size()));
  return proto;
}

int check_model_header(const onnx::ModelProto& proto, const std::string& name) {
  if (!proto.has_ir_version() || proto.ir_version() == 0)
    throw InputError(fmt::format("'{}' is not a valid ONNX model: it has no ir_version (the file is truncated, "
                                 "corrupted or not an ONNX ModelProto)", name));
  if (proto.ir_version() < kMinIrVersion || proto.ir_version() > kMaxIrVersion)
    throw InputError(fmt::format("'{}': ONNX IR version {} is not supported (supported: {} to {})", name,
                                 proto.ir_version(), kMinIrVersion, kMaxIrVersion));
  if (!proto.has_graph())
    throw InputError(fmt::format("'{}' has no graph (the file is truncated or not an ONNX model)", name));
  int opset = -1;
  for (const auto& imp : proto.opset_import())
    if (is_default_domain(imp.domain())) opset = static_cast<int>(imp.version());
  if (opset < 0)
    throw InputError(fmt::format("'{}' declares no opset for the default ONNX domain (the file is truncated or "
                                 "not an ONNX model)", name));
  if (opset < kMinOpset || opset > kMaxOpset)
    throw InputError(fmt::format("'{}' uses ONNX opset {}; aie4ml supports opsets {} to {} (re-export the model "
                                 "with a supported opset)", name, opset, kMinOpset, kMaxOpset));
  if (proto.graph().output_size() == 0)
    throw InputError(fmt::format("'{}': the graph has no outputs (the file is truncated or incomplete)", name));
  check_graph_names(proto.graph(), name);
  return opset;
}

ConstTensor tensor_from_proto(const onnx::TensorProto& t, const std::string& what) {
  ConstTensor c;
  c.elem_type = t.data_type();
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    throw InputError(fmt::format("{} stores its data in an external file; models with external data are not "
                                 "supported", what));
  if (t.data_type() == onnx::TensorProto::STRING || t.data_type() == onnx::TensorProto::UNDEFINED ||
      (elem_size(t.data_type()) == 0))
    throw InputError(fmt::format("{} has element type {}, which aie4ml cannot read", what,
                                 elem_type_name(t.data_type())));
  int64_t count = 1;
  for (auto d : t.dims()) {
    if (d < 0) throw InputError(fmt::format("{} has a negative dimension", what));
    if (d > 0 && count > kMaxElements / d)
      throw InputError(fmt::format("{} has more than {} elements", what, kMaxElements));
    c.dims.push_back(d);
    count *= d;
  }
  if (t.has_raw_data()) {
    const auto& raw = t.raw_data();
    const size_t es = elem_size(t.data_type());
    if (raw.size() != static_cast<size_t>(count) * es)
      throw InputError(fmt::format("{}: raw data holds {} bytes, but shape [{}] of {} needs {} (truncated file?)",
                                   what, raw.size(), fmt::join(c.dims, ","), elem_type_name(t.data_type()),
                                   count * static_cast<int64_t>(es)));
    c.values.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) c.values[i] = raw_element(raw.data() + i * es, t.data_type());
  } else {
    c.values = typed_values(t);
    if (static_cast<int64_t>(c.values.size()) != count)
      throw InputError(fmt::format("{}: holds {} values, but its shape [{}] needs {} (truncated file?)", what,
                                   c.values.size(), fmt::join(c.dims, ","), count));
  }
  require_finite(c, what);
  return c;
}

}  // namespace aie4ml::frontend
