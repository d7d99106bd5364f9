// Protobuf parsing of ONNX files and the model-level checks (see onnx_reader.h).
#include "frontend/onnx_reader.h"

#include <array>
#include <climits>
#include <cstring>

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
  return c;
}

}  // namespace aie4ml::frontend
