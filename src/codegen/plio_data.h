// PLIO data files in the simulators' text format, both ways: what the host (or a testbench) streams
// into an input PLIO for given samples, and how to read the samples back out of an output PLIO file.
// Reads/writes: text; the layout comes from the Design's PlioPort: per graph iteration, `rows`
// (= batch x rows_per_sample) rows, each the port's feature range of the tensor padded with zeros to
// `row_elements`, one PLIO word per line (width_bits / element_bits values), decimal. A sample of a token
// tensor [T, F] (rows_per_sample T) is T consecutive rows of F features.
// Lines starting with 'T' (aiesimulator timestamps, TLAST) carry no data and are skipped when reading.
// Checks (reading): enough values, integral values, zero padding where the layout has padding.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "design/design.h"

namespace aie4ml::codegen {

// How a code is written in a data file: an integer, or (bf16 tensors, sim/bf16_kernels.h codes) the
// bf16 value as a decimal float ("%.9g", what the simulators and emu/ read and write for bfloat16).
enum class PlioElement { Integer, Bf16 };

// The file text for `samples` samples of a tensor stored row-major as samples x `features` codes;
// samples beyond the last given one (up to whole iterations) stream as zeros.
std::string plio_text(const PlioPort& port, std::span<const int64_t> tensor, int64_t features, int64_t samples,
                      PlioElement element = PlioElement::Integer);

// Graph iterations needed for `samples` samples.
int64_t plio_iterations(const PlioPort& port, int64_t samples);

// Every value of a data file, in order (timestamp/TLAST lines skipped). Throws CheckFailure naming
// `what` on text that is not an integer.
// PlioElement::Bf16: decimal floats, returned as bf16 codes (values that are not bf16 are rounded to it).
std::vector<int64_t> parse_plio_values(const std::string& text, const std::string& what,
                                       PlioElement element = PlioElement::Integer);

// A difference between an output file and its expected tensor.
struct PlioMismatch {
  int64_t sample = 0, feature = 0;  // feature: index in the tensor (-1: a padding element)
  int64_t expected = 0, actual = 0;
  std::string message;
};

// Scatters the values of an output PLIO into `tensor` (samples x features, row-major) for the first
// `samples` samples; returns the first problem (missing values, non-zero padding) or nullopt.
std::optional<PlioMismatch> scatter_plio_values(const PlioPort& port, std::span<const int64_t> values,
                                                std::span<int64_t> tensor, int64_t features, int64_t samples);

}  // namespace aie4ml::codegen
