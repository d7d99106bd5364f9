// PLIO data files (see plio_data.h).
#include "codegen/plio_data.h"

#include <charconv>

#include <fmt/format.h>

#include "sim/bf16_kernels.h"
#include "support/error.h"

namespace aie4ml::codegen {

namespace {

int64_t values_per_line(const PlioPort& p) { return std::max(1, p.width_bits / std::max(1, p.element_bits)); }

int64_t rows_per_sample(const PlioPort& p) { return std::max<int64_t>(1, p.rows_per_sample); }

// A tensor of `samples` x `features` codes as the port's rows: a token sequence [T, F] per sample is T rows
// of F features (the same row-major data). Returns {rows, row features}.
std::pair<int64_t, int64_t> as_rows(const PlioPort& p, int64_t features, int64_t samples) {
  const int64_t t = rows_per_sample(p);
  if (features % t != 0)
    throw InputError(fmt::format("PLIO '{}': a sample of tensor '{}' has {} elements, not {} rows of whole features",
                                 p.name, p.tensor, features, t));
  return {samples * t, features / t};
}

}  // namespace

int64_t plio_iterations(const PlioPort& port, int64_t samples) {
  const int64_t rows = std::max<int64_t>(1, port.rows);
  return (samples * rows_per_sample(port) + rows - 1) / rows;
}

std::string plio_text(const PlioPort& port, std::span<const int64_t> tensor, int64_t sample_features,
                      int64_t samples_given, PlioElement element) {
  const int64_t per_line = values_per_line(port);
  const int64_t total_rows = plio_iterations(port, samples_given) * port.rows;
  const auto [samples, features] = as_rows(port, sample_features, samples_given);  // rows from here on
  std::string out;
  out.reserve(static_cast<size_t>(total_rows * port.row_elements * 5));
  int64_t column = 0;
  for (int64_t s = 0; s < total_rows; ++s)
    for (int64_t e = 0; e < port.row_elements; ++e) {
      const int64_t f = port.feature_range.begin + e;
      const bool real = s < samples && e < port.feature_range.size() && f < features;
      const int64_t v = real ? tensor[static_cast<size_t>(s * features + f)] : 0;
      out += element == PlioElement::Bf16 ? fmt::format("{:.9g}", static_cast<double>(sim::bf16_value(v))) : std::to_string(v);
      out += ++column == per_line ? '\n' : ' ';
      if (column == per_line) column = 0;
    }
  if (column != 0) out += '\n';
  return out;
}

std::vector<int64_t> parse_plio_values(const std::string& text, const std::string& what, PlioElement element) {
  std::vector<int64_t> values;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == 'T') continue;
    size_t i = first;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i >= line.size()) break;
      int64_t v = 0;
      double f = 0;
      const auto [p, ec] = element == PlioElement::Bf16 ? std::from_chars(line.data() + i, line.data() + line.size(), f)
                                                        : std::from_chars(line.data() + i, line.data() + line.size(), v);
      if (ec != std::errc() || (p < line.data() + line.size() && *p != ' ' && *p != '\t' && *p != '\r'))
        throw CheckFailure(fmt::format("{}: line {} holds '{}', not {}", what, line_no, std::string(line),
                                       element == PlioElement::Bf16 ? "a number" : "an integer"));
      values.push_back(element == PlioElement::Bf16 ? sim::bf16_code_of(f) : v);
      i = static_cast<size_t>(p - line.data());
    }
  }
  return values;
}

std::optional<PlioMismatch> scatter_plio_values(const PlioPort& port, std::span<const int64_t> values,
                                                std::span<int64_t> tensor, int64_t sample_features,
                                                int64_t samples_given) {
  const int64_t needed = plio_iterations(port, samples_given) * port.rows * port.row_elements;
  if (static_cast<int64_t>(values.size()) < needed)
    return PlioMismatch{0, -1, 0, 0,
                        fmt::format("output PLIO '{}' holds {} values; {} samples need {}", port.name, values.size(),
                                    samples_given, needed)};
  const int64_t t = rows_per_sample(port);
  const auto [samples, features] = as_rows(port, sample_features, samples_given);  // rows from here on
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t e = 0; e < port.row_elements; ++e) {
      const int64_t v = values[static_cast<size_t>(s * port.row_elements + e)];
      const int64_t f = port.feature_range.begin + e;
      if (e < port.feature_range.size() && f < features) {
        tensor[static_cast<size_t>(s * features + f)] = v;
      } else if (v != 0) {
        return PlioMismatch{s / t, -1, 0, v,
                            fmt::format("output PLIO '{}': sample {}{} padding element {} is {}, not 0", port.name, s / t,
                                        t > 1 ? fmt::format(" row {}", s % t) : "", e, v)};
      }
    }
  return std::nullopt;
}

}  // namespace aie4ml::codegen
