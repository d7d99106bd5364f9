// Error types shared by every stage. The CLI maps them onto its exit codes:
// InputError -> 2 (bad model, config, device or arguments), CheckFailure -> 1 (a check the user asked
// for did not pass). Messages name the model element at fault (node, layer, tensor, config key).
#pragma once
#include <stdexcept>
#include <string>

namespace aie4ml {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CheckFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace aie4ml
