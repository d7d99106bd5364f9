// Absorbing Quantize ops into their producers or into the graph input (see absorb_quantizers.h for the
// exactness conditions).
#include "passes/absorb_quantizers.h"

#include <algorithm>

namespace aie4ml {

Op* sole_quantizer_consumer(Model& model, const std::string& tensor) {
  if (std::find(model.outputs.begin(), model.outputs.end(), tensor) != model.outputs.end()) return nullptr;
  auto readers = model.consumers(tensor);
  if (readers.size() != 1 || readers[0]->kind != OpKind::Quantize) return nullptr;
  Op* q = model.find_op(readers[0]->name);
  if (!q || q->inputs.empty() || q->inputs[0] != tensor || q->outputs.size() != 1) return nullptr;
  if (!model.tensor(q->outputs[0]).type.is_fixed()) return nullptr;  // not a power-of-two quantiser
  return q;
}

bool float32_sum_is_exact(int128 bound, int acc_frac) {
  return bound <= (int128{1} << 24) && acc_frac <= 126 && acc_frac >= -100;
}

bool activation_commutes_with_cast(const Op& producer, const FixedType& cast) {
  const std::string act = producer.get_string("activation", "linear");
  if (act == "linear") return true;
  if (act == "relu") return cast.overflow != OverflowMode::Wrap;
  return false;
}

void absorb_into_producer(Model& model, Op& producer, const Op& quantizer) {
  const std::string old_out = producer.outputs.at(0);
  const std::string new_out = quantizer.outputs.at(0);
  const std::string qname = quantizer.name;
  producer.outputs[0] = new_out;
  producer.attrs["absorbed_quantizer"] = qname;
  std::erase_if(model.ops, [&](const Op& op) { return op.kind == OpKind::Quantize && op.name == qname; });
  model.tensors.erase(old_out);
}

bool absorb_input_quantizer(Model& model, const std::string& input, const FixedType& type) {
  Op* q = sole_quantizer_consumer(model, input);
  if (!q) return false;
  const std::string qout = q->outputs[0];
  if (std::find(model.outputs.begin(), model.outputs.end(), qout) != model.outputs.end()) return false;
  const std::string qname = q->name;
  model.tensor(input).type = NumericType::of(type);
  for (auto& op : model.ops)
    for (auto& in : op.inputs)
      if (in == qout) in = input;
  std::erase_if(model.ops, [&](const Op& op) { return op.kind == OpKind::Quantize && op.name == qname; });
  model.tensors.erase(qout);
  return true;
}

}  // namespace aie4ml
