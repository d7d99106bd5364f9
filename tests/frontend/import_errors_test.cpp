// Bad input is refused with an InputError that names the model element at fault: files from
// make_frontend_models.py (malformed, truncated, unsupported op, unknown domain, opset out of range,
// dynamic feature dimension) and graphs built here with the ONNX protobuf API.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include "frontend/frontend_test_util.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"

namespace aie4ml::test {
namespace {

// The message `msg` contains `part` (printed in full when it does not).
#define EXPECT_MENTIONS(msg, part) EXPECT_NE(std::string(msg).find(part), std::string::npos) << "message: " << (msg)

std::string import_error(const std::string& name) {
  return input_error([&] { load(name); });
}

TEST(ImportErrors, MissingFile) {
  const auto msg = input_error([] { import_onnx("/nonexistent/folder/model.onnx"); });
  EXPECT_MENTIONS(msg, "/nonexistent/folder/model.onnx");
  EXPECT_MENTIONS(msg, "no such file");
}

TEST(ImportErrors, MalformedBytes) {
  EXPECT_MENTIONS(import_error("malformed"), "not a valid ONNX model");
  const auto bytes = input_error([] { import_onnx_bytes(std::string("\xff\xff\xff\xff garbage", 12), "bytes"); });
  EXPECT_MENTIONS(bytes, "'bytes'");
}

TEST(ImportErrors, TruncatedFile) { EXPECT_MENTIONS(import_error("truncated"), "truncated"); }

TEST(ImportErrors, EmptyFile) { EXPECT_MENTIONS(import_error("empty"), "empty"); }

TEST(ImportErrors, UnsupportedOpNamesOpTypeAndNode) {
  const auto msg = import_error("unsupported_op");
  EXPECT_MENTIONS(msg, "Hardmax");
  EXPECT_MENTIONS(msg, "my_hardmax");
}

TEST(ImportErrors, UnknownDomainIsNamed) {
  const auto msg = import_error("unknown_domain");
  EXPECT_MENTIONS(msg, "com.example.quant");
  EXPECT_MENTIONS(msg, "custom_quant");
}

TEST(ImportErrors, OpsetOutOfRange) {
  EXPECT_MENTIONS(import_error("opset6"), "opset 6");
  EXPECT_MENTIONS(import_error("opset22"), "opset 22");
  EXPECT_MENTIONS(import_error("opset22"), "7 to 21");
}

TEST(ImportErrors, DynamicFeatureDimensionNamesTheInput) {
  const auto msg = import_error("dynamic_feature");
  EXPECT_MENTIONS(msg, "'x'");
  EXPECT_MENTIONS(msg, "features");
}

// --- graphs built with the protobuf API -------------------------------------------------------------

struct GraphBuilder {
  onnx::ModelProto m;
  onnx::GraphProto* g;

  explicit GraphBuilder(int opset = 13) {
    m.set_ir_version(8);
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g = m.mutable_graph();
    g->set_name("built");
  }
  void input(const std::string& name, std::vector<int64_t> dims) {
    auto* v = g->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void output(const std::string& name) { g->add_output()->set_name(name); }
  void init(const std::string& name, std::vector<int64_t> dims, std::vector<float> values,
            int32_t type = onnx::TensorProto::FLOAT) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (auto d : dims) t->add_dims(d);
    for (auto v : values) {
      if (type == onnx::TensorProto::FLOAT) t->add_float_data(v);
      else if (type == onnx::TensorProto::INT64) t->add_int64_data(static_cast<int64_t>(v));
      else t->add_int32_data(static_cast<int32_t>(v));
    }
  }
  onnx::NodeProto* node(const std::string& op, const std::string& name, std::vector<std::string> ins,
                        std::vector<std::string> outs) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return n;
  }
  static void attr(onnx::NodeProto* n, const std::string& key, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(key);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  std::string error() {
    return input_error([&] {
      Model model = import_onnx_bytes(m.SerializeAsString(), "built.onnx");
      canonicalize(model);
    });
  }
};

TEST(ImportErrors, UndefinedInputIsNamed) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.node("Add", "adder", {"x", "ghost"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "ghost");
  EXPECT_MENTIONS(msg, "adder");
}

TEST(ImportErrors, TensorDefinedTwice) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", "first", {"x"}, {"y"});
  b.node("Sigmoid", "second", {"x"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "second");
  EXPECT_MENTIONS(msg, "'y'");
}

TEST(ImportErrors, MissingGraphOutput) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", "relu", {"x"}, {"y"});
  b.output("z");
  EXPECT_MENTIONS(b.error(), "'z'");
}

TEST(ImportErrors, SoftmaxOverTheBatch) {
  GraphBuilder b;
  b.input("x", {1, 4});
  GraphBuilder::attr(b.node("Softmax", "sm", {"x"}, {"y"}), "axis", 0);
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "sm");
  EXPECT_MENTIONS(msg, "batch");
}

TEST(ImportErrors, ReshapeAcrossTheBatch) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.init("shape", {2}, {2, 8}, onnx::TensorProto::INT64);
  b.node("Reshape", "bad_reshape", {"x", "shape"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "bad_reshape");
  EXPECT_MENTIONS(msg, "batch");
}

TEST(ImportErrors, GemmWithTransA) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.init("W", {4, 2}, std::vector<float>(8, 1.0f));
  GraphBuilder::attr(b.node("Gemm", "fc", {"x", "W"}, {"y"}), "transA", 1);
  b.output("y");
  EXPECT_MENTIONS(b.error(), "transA");
}

TEST(ImportErrors, PerChannelActivationQuantisation) {
  GraphBuilder b;
  b.input("x", {1, 2});
  b.init("s", {2}, {0.5f, 0.25f});
  b.init("z", {2}, {0, 0}, onnx::TensorProto::INT8);
  b.node("QuantizeLinear", "q", {"x", "s", "z"}, {"y"});
  b.output("y");
  EXPECT_MENTIONS(b.error(), "per-channel");
}

TEST(ImportErrors, QuantizeLinearOutputMustBeDequantized) {
  GraphBuilder b;
  b.input("x", {1, 2});
  b.init("s", {}, {0.5f});
  b.init("z", {}, {0}, onnx::TensorProto::INT8);
  b.node("QuantizeLinear", "q", {"x", "s", "z"}, {"codes"});
  b.node("Relu", "integer_relu", {"codes"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "integer_relu");
  EXPECT_MENTIONS(msg, "DequantizeLinear");
}

TEST(ImportErrors, UnsupportedIntegerType) {
  GraphBuilder b;
  b.input("x", {1, 2});
  b.init("s", {}, {0.5f});
  b.init("z", {}, {0}, onnx::TensorProto::INT32);
  b.node("QuantizeLinear", "q32", {"x", "s", "z"}, {"y"});
  b.output("y");
  EXPECT_MENTIONS(b.error(), "INT32");
}

TEST(ImportErrors, WeightsComputedAtRunTime) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.input("w", {4, 2});
  b.node("Conv", "conv", {"x", "w"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "conv");
  EXPECT_MENTIONS(msg, "constant");
}

TEST(ImportErrors, InitializerDataDoesNotMatchItsShape) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.init("W", {4, 2}, {1.0f, 2.0f});
  b.node("MatMul", "mm", {"x", "W"}, {"y"});
  b.output("y");
  EXPECT_MENTIONS(b.error(), "'W'");
}

TEST(ImportErrors, IrVersionOutOfRange) {
  GraphBuilder b;
  b.m.set_ir_version(11);
  b.input("x", {1, 4});
  b.node("Relu", "relu", {"x"}, {"y"});
  b.output("y");
  EXPECT_MENTIONS(b.error(), "IR version 11");
}

TEST(ImportBuilt, SmallestModelImportsFromBytes) {
  GraphBuilder b(21);
  b.input("x", {7, 4});
  b.node("Relu", "", {"x"}, {"y"});
  b.output("y");
  const Model m = import_onnx_bytes(b.m.SerializeAsString(), "dir/tiny.onnx");
  EXPECT_EQ(m.name, "tiny");
  ASSERT_EQ(m.ops.size(), 1u);
  EXPECT_EQ(m.ops[0].name, "Relu_y");
  EXPECT_EQ(m.tensor("y").shape, (std::vector<int64_t>{kBatch, 4}));
}

// --- Slice / Split ------------------------------------------------------------------------------------

TEST(ImportErrors, SliceStartsComputedAtRunTime) {
  GraphBuilder b;
  b.input("x", {1, 3, 10});
  b.init("ends", {1}, {4}, onnx::TensorProto::INT64);
  b.node("Relu", "make_starts", {"x"}, {"dyn"});
  b.node("Slice", "dyn_slice", {"x", "dyn", "ends"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "dyn_slice");
  EXPECT_MENTIONS(msg, "starts");
  EXPECT_MENTIONS(msg, "constant");
}

TEST(ImportErrors, SplitSizesComputedAtRunTime) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", "make_sizes", {"x"}, {"dyn"});
  GraphBuilder::attr(b.node("Split", "dyn_split", {"x", "dyn"}, {"a", "b"}), "axis", 1);
  b.output("a");
  b.output("b");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "dyn_split");
  EXPECT_MENTIONS(msg, "split");
  EXPECT_MENTIONS(msg, "constant");
}

TEST(ImportErrors, SliceOfTheBatch) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.init("starts", {1}, {0}, onnx::TensorProto::INT64);
  b.init("ends", {1}, {1}, onnx::TensorProto::INT64);
  b.init("axes", {1}, {0}, onnx::TensorProto::INT64);
  b.node("Slice", "batch_slice", {"x", "starts", "ends", "axes"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "batch_slice");
  EXPECT_MENTIONS(msg, "batch");
}

TEST(ImportErrors, SplitOfTheBatchAndUnevenParts) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.node("Split", "batch_split", {"x"}, {"a", "b"});  // axis defaults to 0
  b.output("a");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "batch_split");
  EXPECT_MENTIONS(msg, "batch");
  GraphBuilder c;
  c.input("x", {1, 5});
  GraphBuilder::attr(c.node("Split", "odd_split", {"x"}, {"a", "b"}), "axis", 1);
  c.output("a");
  const auto odd = c.error();
  EXPECT_MENTIONS(odd, "odd_split");
  EXPECT_MENTIONS(odd, "equal parts");
  GraphBuilder d;
  d.input("x", {1, 5});
  d.init("sizes", {2}, {2, 2}, onnx::TensorProto::INT64);
  GraphBuilder::attr(d.node("Split", "short_split", {"x", "sizes"}, {"a", "b"}), "axis", -1);
  d.output("a");
  const auto short_msg = d.error();
  EXPECT_MENTIONS(short_msg, "short_split");
  EXPECT_MENTIONS(short_msg, "add up to 4");
}

TEST(ImportErrors, EmptySliceAndZeroStep) {
  GraphBuilder b;
  b.input("x", {1, 4});
  b.init("starts", {1}, {3}, onnx::TensorProto::INT64);
  b.init("ends", {1}, {1}, onnx::TensorProto::INT64);
  b.init("axes", {1}, {1}, onnx::TensorProto::INT64);
  b.node("Slice", "empty_slice", {"x", "starts", "ends", "axes"}, {"y"});
  b.output("y");
  const auto msg = b.error();
  EXPECT_MENTIONS(msg, "empty_slice");
  EXPECT_MENTIONS(msg, "empty");
  GraphBuilder c;
  c.input("x", {1, 4});
  c.init("starts", {1}, {0}, onnx::TensorProto::INT64);
  c.init("ends", {1}, {4}, onnx::TensorProto::INT64);
  c.init("axes", {1}, {1}, onnx::TensorProto::INT64);
  c.init("steps", {1}, {0}, onnx::TensorProto::INT64);
  c.node("Slice", "still_slice", {"x", "starts", "ends", "axes", "steps"}, {"y"});
  c.output("y");
  const auto zero = c.error();
  EXPECT_MENTIONS(zero, "still_slice");
  EXPECT_MENTIONS(zero, "step 0");
}

// Index resolution per the ONNX Slice definition: negative indices count from the end, out-of-range
// ends clamp, a negative step walks backwards from the clamped start.
TEST(ImportBuilt, SliceClampsNegativeIndicesAndSteps) {
  GraphBuilder b;
  b.input("x", {1, 3, 10});
  b.init("starts", {2}, {-2, 100}, onnx::TensorProto::INT64);  // channel 1; length: clamped to 9
  b.init("ends", {2}, {1000000, -100}, onnx::TensorProto::INT64);  // to the end; before index 0
  b.init("axes", {2}, {1, -1}, onnx::TensorProto::INT64);
  b.init("steps", {2}, {1, -3}, onnx::TensorProto::INT64);  // length indices 9, 6, 3, 0
  b.node("Slice", "window", {"x", "starts", "ends", "axes", "steps"}, {"y"});
  b.output("y");
  const Model m = import_onnx_bytes(b.m.SerializeAsString(), "slice.onnx");
  ASSERT_EQ(m.ops.size(), 1u);
  EXPECT_EQ(m.ops[0].kind, OpKind::Slice);
  EXPECT_EQ(m.tensor("y").shape, (std::vector<int64_t>{kBatch, 2, 4}));
  EXPECT_EQ(m.ops[0].get_ints("starts"), (std::vector<int64_t>{0, 1, 9}));
  EXPECT_EQ(m.ops[0].get_ints("steps"), (std::vector<int64_t>{1, 1, -3}));
}

TEST(ImportBuilt, SplitBecomesOneSlicePerOutput) {
  GraphBuilder b;
  b.input("x", {1, 6});
  b.init("sizes", {3}, {1, 3, 2}, onnx::TensorProto::INT64);
  GraphBuilder::attr(b.node("Split", "parts", {"x", "sizes"}, {"a", "b", "c"}), "axis", 1);
  b.output("a");
  b.output("b");
  b.output("c");
  const Model m = import_onnx_bytes(b.m.SerializeAsString(), "split.onnx");
  ASSERT_EQ(m.ops.size(), 3u);
  EXPECT_EQ(m.tensor("b").shape, (std::vector<int64_t>{kBatch, 3}));
  EXPECT_EQ(m.tensor("c").shape, (std::vector<int64_t>{kBatch, 2}));
  EXPECT_EQ(op_named(m, "parts_part2").get_ints("starts"), (std::vector<int64_t>{0, 4}));
}

}  // namespace
}  // namespace aie4ml::test
