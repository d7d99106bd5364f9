// The reference interpreters of the Model IR.
//
// IntegerInterpreter executes a quantised Model (passes/quantize.h) on integer codes, bit-exactly: every
// op computes its exact result and casts it once into its output type (docs/numerics.md lists each
// op's definition). It is the oracle every later stage (kernels, emulated project) is compared with.
// FloatInterpreter executes the same kind of graph in double precision: ops compute real results and
// only Quantize ops cast (the QDQ / QONNX semantics of ONNX), which makes it the "float model" for
// accuracy reports and calibration.
//
// Both run batches in chunks, optionally on several threads; results never depend on the number of
// threads. Inputs and outputs are row-major arrays of batch x per-sample elements, one per graph input
// / output. trace() returns every activation tensor (per-layer outputs) by name.
// Construction checks the model (unsupported ops, missing codes, non-fixed types) and throws
// InputError naming the op.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/model.h"
#include "passes/calibrate.h"

namespace aie4ml {

namespace sim {
template <class T>
struct Program;
}

template <class T>
class Interpreter {
 public:
  ~Interpreter();
  Interpreter(Interpreter&&) noexcept;

  const std::vector<std::string>& input_names() const { return inputs_; }
  const std::vector<std::string>& output_names() const { return outputs_; }
  // Per-sample shape (batch dimension excluded) of a graph tensor.
  std::vector<int64_t> sample_shape(const std::string& tensor) const;
  int64_t sample_elements(const std::string& tensor) const;

  std::vector<std::vector<T>> run(const std::vector<std::vector<T>>& inputs, int64_t batch, int threads = 1) const;
  std::map<std::string, std::vector<T>> trace(const std::vector<std::vector<T>>& inputs, int64_t batch,
                                              int threads = 1) const;

 protected:
  Interpreter(const Model& model, std::unique_ptr<sim::Program<T>> program);
  void check_inputs(const std::vector<std::vector<T>>& inputs, int64_t batch) const;

  std::map<std::string, std::vector<int64_t>> shapes_;
  std::vector<std::string> inputs_, outputs_;
  std::unique_ptr<sim::Program<T>> program_;
};

class IntegerInterpreter : public Interpreter<int64_t> {
 public:
  explicit IntegerInterpreter(const Model& quantised);
  const FixedType& type(const std::string& tensor) const { return types_.at(tensor); }

 private:
  std::map<std::string, FixedType> types_;
};

// Bf16Interpreter executes a model typed by passes/to_bf16.h on bf16 codes (sim/bf16_kernels.h): the
// reference `verify` compares bf16 projects with, bit for bit.
class Bf16Interpreter : public Interpreter<int64_t> {
 public:
  explicit Bf16Interpreter(const Model& bf16_model);
};

// True when the model was typed by passes/to_bf16.h (its graph inputs are bf16): run it with Bf16Interpreter.
bool is_bf16_model(const Model& model);

class FloatInterpreter : public Interpreter<double> {
 public:
  explicit FloatInterpreter(const Model& model);
  // [min, max] of every activation tensor over the batch (calibration), evaluated in slices.
  std::map<std::string, TensorRange> observe_ranges(const std::vector<std::vector<double>>& inputs, int64_t batch,
                                                    int threads = 1) const;
};

extern template class Interpreter<int64_t>;
extern template class Interpreter<double>;

}  // namespace aie4ml
