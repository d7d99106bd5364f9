// The project's HTML report (see report_html.h).
#include "codegen/report_html.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "codegen/layer_profile.h"
#include "codegen/placement_svg.h"
#include "support/error.h"

namespace aie4ml::codegen {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::array<const char*, 8> kStageColours{"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                                   "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};


std::string num(double v) { return fmt::format("{:.4g}", v); }

double number(const json& j, const char* key, double fallback = 0) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

const char* kStyle = R"(<style>
body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f0f3f7}
td.name,th.name{text-align:left}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;background:#fafbfc}
.card b{display:block;font-size:18px}.card span{font-size:12px;color:#555}
.bar{background:#e8edf3;width:120px;height:10px;display:inline-block;vertical-align:middle;margin-right:6px}
.bar i{display:block;height:10px;background:#4e79a7}
.hists{display:flex;flex-wrap:wrap;gap:10px}
.hist{border:1px solid #eee;padding:4px}
.note{font-size:12px;color:#555}
svg text{font-family:sans-serif}
</style>
)";

// ---- summary and performance -------------------------------------------------------------------

std::string card(const std::string& value, const std::string& what) {
  return fmt::format("<div class=\"card\"><b>{}</b><span>{}</span></div>\n", xml_escape(value), xml_escape(what));
}

std::string summary(const Model& q, const json& r) {
  std::string s = "<div class=\"cards\" id=\"summary\">\n";
  s += card(q.name.empty() ? "model" : q.name, fmt::format("{} ops, {} parameters, {} MACs/sample", q.ops.size(),
                                                           q.parameter_count(), q.macs_per_sample()));
  if (r.contains("device")) {
    s += card(r["device"].get<std::string>(), fmt::format("{} of {} tiles", static_cast<int64_t>(number(r, "tiles_used")),
                                                          static_cast<int64_t>(number(r, "tiles_total"))));
  }
  if (r.contains("latency_ns")) {
    s += card(fmt::format("{:.1f} ns", number(r, "latency_ns")), "latency (first output word)");
    s += card(fmt::format("{:.1f} ns", number(r, "latency_last_ns")), "latency (last output word)");
    s += card(fmt::format("{:.1f} ns", number(r, "interval_ns")), "interval between batches");
    s += card(fmt::format("{:.4g}", number(r, "throughput_samples_per_s")), "samples/s");
    s += card(fmt::format("{:.4g}", number(r, "gops")), "GOP/s");
  }
  s += "</div>\n";
  if (r.contains("bottleneck") && r["bottleneck"].is_object() && r["bottleneck"].contains("summary"))
    s += fmt::format("<p>Bottleneck: {}</p>\n", xml_escape(r["bottleneck"]["summary"].get<std::string>()));
  return s;
}

std::string utilisation_cell(double u) {
  return fmt::format("<td><span class=\"bar\"><i style=\"width:{:.0f}%\"></i></span>{:.1f}%</td>", 100 * std::clamp(u, 0.0, 1.0),
                     100 * u);
}

std::string layer_table(const json& r) {
  if (!r.contains("layers") || !r["layers"].is_array() || r["layers"].empty())
    return "<p class=\"note\">No layers were mapped onto the array (see the compile warnings).</p>\n";
  std::string s = "<table id=\"layers\"><tr><th class=\"name\">layer</th><th>op</th><th>in &rarr; out</th>"
                  "<th>parallelism<br>cas_length &times; cas_num</th><th>tiling<br>M&times;K&times;N</th><th>tiles</th>"
                  "<th>kernel cycles</th><th>utilisation</th><th>efficiency vs peak</th></tr>\n";
  for (auto& l : r["layers"]) {
    std::string tiling = "-";
    if (l.contains("tiling") && l["tiling"].is_array() && l["tiling"].size() == 3)
      tiling = fmt::format("{}&times;{}&times;{}", l["tiling"][0].get<int64_t>(), l["tiling"][1].get<int64_t>(),
                           l["tiling"][2].get<int64_t>());
    s += fmt::format("<tr class=\"layer\"><td class=\"name\">{}</td><td>{}</td><td>{} &rarr; {}</td><td>{} &times; {}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td>",
                     xml_escape(l.value("name", "")), xml_escape(l.value("op", "")), static_cast<int64_t>(number(l, "in_features")),
                     static_cast<int64_t>(number(l, "out_features")), static_cast<int64_t>(number(l, "cas_length")),
                     static_cast<int64_t>(number(l, "cas_num")), tiling, static_cast<int64_t>(number(l, "tiles")),
                     l.contains("kernel_cycles") ? fmt::format("{}", static_cast<int64_t>(number(l, "kernel_cycles"))) : "-");
    s += l.contains("utilisation") ? utilisation_cell(number(l, "utilisation")) : "<td>-</td>";
    s += l.contains("efficiency_vs_peak") ? fmt::format("<td>{:.1f}%</td>", 100 * number(l, "efficiency_vs_peak"))
                                          : "<td>-</td>";
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

// The first batch's latency as one stacked bar (stage widths proportional to cycles) and a table.
std::string latency_breakdown(const json& r) {
  if (!r.contains("performance") || !r["performance"].contains("latency_breakdown_cycles"))
    return "<p class=\"note\">No performance figures (the model was not mapped).</p>\n";
  const json& perf = r["performance"];
  const json& stages = perf["latency_breakdown_cycles"];
  const double clock = number(perf, "clock_mhz", 1);
  double total = 0;
  for (auto& [stage, cycles] : stages.items()) total += cycles.get<double>();
  constexpr int kWidth = 900, kHeight = 28;
  std::string bar = fmt::format("<svg id=\"latency-bar\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n", kWidth,
                                kHeight + 4, kWidth, kHeight + 4);
  std::string rows;
  double x = 0;
  size_t i = 0;
  for (auto& [stage, cycles] : stages.items()) {
    const double c = cycles.get<double>();
    const double w = total > 0 ? kWidth * c / total : 0;
    const char* colour = kStageColours[i++ % kStageColours.size()];
    bar += fmt::format("<rect class=\"stage\" x=\"{:.1f}\" y=\"2\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\">"
                       "<title>{}: {:.0f} cycles</title></rect>\n",
                       x, w, kHeight, colour, xml_escape(stage), c);
    if (w > 60)
      bar += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" fill=\"#fff\">{}</text>\n", x + 4, kHeight / 2 + 6,
                         xml_escape(stage));
    x += w;
    rows += fmt::format("<tr class=\"stage\"><td class=\"name\"><span style=\"color:{}\">&#9632;</span> {}</td><td>{:.0f}</td>"
                        "<td>{:.1f}</td><td>{:.1f}%</td></tr>\n",
                        colour, xml_escape(stage), c, c / clock * 1000, total > 0 ? 100 * c / total : 0.0);
  }
  bar += "</svg>\n";
  std::string s = fmt::format("<p>Batch of {} samples at {} MHz: first output word after {:.0f} cycles ({:.1f} ns), last "
                              "after {:.0f} cycles ({:.1f} ns); a new batch every {:.1f} cycles ({:.1f} ns).</p>\n",
                              static_cast<int64_t>(number(perf, "batch")), clock, number(perf, "latency_cycles"),
                              number(r, "latency_ns"), number(perf, "latency_last_cycles"), number(r, "latency_last_ns"),
                              number(perf, "interval_cycles"), number(r, "interval_ns"));
  s += bar;
  s += "<table id=\"latency\"><tr><th class=\"name\">stage of the critical path</th><th>cycles</th><th>ns</th><th>share</th></tr>\n";
  s += rows + "</table>\n";
  return s;
}

// ---- numerical profiling -----------------------------------------------------------------------

double log2_or(double v, double fallback) { return v > 0 ? std::log2(v) : fallback; }

struct Range2 {
  double lo = 0, hi = 0;
};

// log2 |x| box plots per layer over the type's representable magnitudes [LSB, max] (shaded): hls4ml's
// profiling view. Rows without data show the type only.
std::string box_plot(const std::string& id, const std::vector<LayerProfile>& layers, bool weights) {
  struct Row {
    std::string name;
    FixedType type;
    const ValueStats* stats;
  };
  std::vector<Row> rows;
  for (auto& p : layers) {
    if (weights && p.weights) rows.push_back({p.layer, *p.weight_type, &*p.weights});
    if (!weights) rows.push_back({p.layer, p.type, &p.activations});
  }
  if (rows.empty()) return "<p class=\"note\">No layers with weights.</p>\n";
  Range2 axis{1e9, -1e9};
  for (auto& r : rows) {
    axis.lo = std::min(axis.lo, std::log2(r.type.lsb()));
    axis.hi = std::max(axis.hi, log2_or(std::max(std::abs(r.type.min_value()), r.type.max_value()), 0));
    if (!r.stats->log2_abs_quartiles.empty()) {
      axis.lo = std::min(axis.lo, r.stats->log2_abs_quartiles.front());
      axis.hi = std::max(axis.hi, r.stats->log2_abs_quartiles.back());
    }
  }
  // Magnitudes far below every LSB all round to zero: show a few octaves of them, not 30.
  double finest_lsb = 64;
  for (auto& r : rows) finest_lsb = std::min(finest_lsb, std::log2(r.type.lsb()));
  axis.lo = std::floor(std::max({axis.lo, finest_lsb - 6, -32.0})) - 1;
  axis.hi = std::ceil(std::min(axis.hi, 32.0)) + 1;
  const int tick_step = std::max(1, static_cast<int>(std::ceil((axis.hi - axis.lo) / 12)));
  constexpr int kLabel = 150, kPlot = 640, kRow = 22, kTop = 10;
  const int height = kTop + static_cast<int>(rows.size()) * kRow + 34;
  auto px = [&](double v) { return kLabel + kPlot * (std::clamp(v, axis.lo, axis.hi) - axis.lo) / (axis.hi - axis.lo); };
  std::string s = fmt::format("<svg id=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n", id,
                              kLabel + kPlot + 20, height, kLabel + kPlot + 20, height);
  for (int e = static_cast<int>(axis.lo); e <= static_cast<int>(axis.hi); ++e) {
    const double x = px(e);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#eee\"/>\n", x, kTop, x,
                     height - 28);
    if ((e - static_cast<int>(axis.lo)) % tick_step == 0)
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">2^{}</text>\n", x,
                       height - 16, e);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">|value| (log2); grey: the type's "
                   "range from its LSB to its largest magnitude</text>\n",
                   kLabel + kPlot / 2, height - 2);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const int y = kTop + static_cast<int>(i) * kRow;
    const double t_lo = px(std::log2(r.type.lsb()));
    const double t_hi = px(log2_or(std::max(std::abs(r.type.min_value()), r.type.max_value()), axis.lo));
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n", kLabel - 6, y + 15,
                     xml_escape(r.name));
    s += fmt::format("<rect class=\"type-range\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#d9d9d9\">"
                     "<title>{} {}: LSB 2^{} to {}</title></rect>\n",
                     t_lo, y + 2, std::max(t_hi - t_lo, 1.0), kRow - 4, xml_escape(r.name), xml_escape(r.type.str()), -r.type.frac,
                     num(std::max(std::abs(r.type.min_value()), r.type.max_value())));
    const auto& q = r.stats->log2_abs_quartiles;
    if (q.empty()) continue;
    const int mid = y + kRow / 2;
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#333\"/>\n", px(q[0]), mid, px(q[4]),
                     mid);
    s += fmt::format("<rect class=\"box\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#4e79a7\" "
                     "fill-opacity=\"0.8\" stroke=\"#234\"><title>{}: log2|x| min {:.2f}, q1 {:.2f}, median {:.2f}, q3 "
                     "{:.2f}, max {:.2f}</title></rect>\n",
                     px(q[1]), y + 5, std::max(px(q[3]) - px(q[1]), 1.0), kRow - 10, xml_escape(r.name), q[0], q[1], q[2], q[3],
                     q[4]);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#fff\" stroke-width=\"2\"/>\n",
                     px(q[2]), y + 5, px(q[2]), y + kRow - 5);
  }
  return s + "</svg>\n";
}

// One layer's values on a linear axis, the type's range shaded and its limits dashed.
std::string histogram(const std::string& title, const ValueStats& v, const FixedType& t) {
  constexpr int kW = 270, kH = 136, kPlotH = 70, kTop = 18;
  std::string s = fmt::format("<svg class=\"histogram\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n", kW, kH, kW, kH);
  s += fmt::format("<text x=\"4\" y=\"12\" font-size=\"11\" font-weight=\"bold\">{}</text>\n", xml_escape(title));
  if (v.histogram.empty()) return s + "</svg>\n";
  auto px = [&](double x) { return 4 + (kW - 8) * (x - v.hist_lo) / (v.hist_hi - v.hist_lo); };
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#e3f1e3\"/>\n", px(t.min_value()),
                   kTop, std::max(px(t.max_value()) - px(t.min_value()), 1.0), kPlotH);
  const int64_t peak = std::max<int64_t>(1, *std::max_element(v.histogram.begin(), v.histogram.end()));
  const double bw = (kW - 8.0) / static_cast<double>(v.histogram.size());
  for (size_t b = 0; b < v.histogram.size(); ++b) {
    if (v.histogram[b] == 0) continue;
    const double h = kPlotH * static_cast<double>(v.histogram[b]) / static_cast<double>(peak);
    s += fmt::format("<rect class=\"bin\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#4e79a7\"/>\n",
                     4 + bw * static_cast<double>(b), kTop + kPlotH - h, std::max(bw - 1, 0.5), h);
  }
  for (double limit : {t.min_value(), t.max_value()})
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#c0392b\" stroke-dasharray=\"3,2\"/>\n",
                     px(limit), kTop, kTop + kPlotH);
  s += fmt::format("<text x=\"4\" y=\"{}\" font-size=\"10\">{} .. {}</text>\n", kTop + kPlotH + 12, num(v.hist_lo),
                   num(v.hist_hi));
  s += fmt::format("<text x=\"4\" y=\"{}\" font-size=\"10\">{}</text>\n", kTop + kPlotH + 25, xml_escape(t.str()));
  s += fmt::format("<text x=\"4\" y=\"{}\" font-size=\"10\" fill=\"{}\">{} of {} beyond range, {} below LSB/2</text>\n",
                   kTop + kPlotH + 38, v.above_range ? "#c0392b" : "#555", v.above_range, v.count, v.below_lsb);
  return s + "</svg>\n";
}

std::string histograms(const std::vector<LayerProfile>& layers) {
  std::string s = "<div class=\"hists\" id=\"histograms\">\n";
  for (auto& p : layers) {
    s += "<div class=\"hist\">";
    if (p.weights) s += histogram(p.layer + " weights", *p.weights, *p.weight_type);
    s += histogram(p.layer + (p.has_float ? " activations (float)" : " activations"), p.activations, p.type);
    s += "</div>\n";
  }
  return s + "</div>\n";
}

std::string error_table(const std::vector<LayerProfile>& layers) {
  std::string s = "<table id=\"errors\"><tr><th class=\"name\">layer</th><th>op</th><th>output type</th><th>LSB</th>"
                  "<th>max |q - f|</th><th>mean |q - f|</th><th>RMS error</th><th>RMS float</th><th>SNR (dB)</th>"
                  "<th>beyond range</th></tr>\n";
  double worst = 0;
  for (auto& p : layers) worst = std::max(worst, p.max_abs_error);
  for (auto& p : layers) {
    if (!p.has_float) {
      s += fmt::format("<tr class=\"error\"><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td colspan=\"6\">"
                       "no float counterpart</td></tr>\n",
                       xml_escape(p.layer), xml_escape(p.op), xml_escape(p.type.str()), num(p.type.lsb()));
      continue;
    }
    const std::string snr = p.rms_error > 0 && p.rms_float > 0 ? fmt::format("{:.1f}", 20 * std::log10(p.rms_float / p.rms_error))
                                                               : (p.rms_error == 0 ? "exact" : "-");
    const double share = worst > 0 ? p.max_abs_error / worst : 0;
    s += fmt::format("<tr class=\"error\"><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td><span class=\"bar\"><i style=\"width:{:.0f}%;background:#e15759\"></i></span>{}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     xml_escape(p.layer), xml_escape(p.op), xml_escape(p.type.str()), num(p.type.lsb()), 100 * share, num(p.max_abs_error),
                     num(p.mean_abs_error), num(p.rms_error), num(p.rms_float), snr, p.activations.above_range);
  }
  return s + "</table>\n";
}

std::string profiling(const Model& q, const Model& f, const ProfileInputs& in) {
  std::vector<LayerProfile> layers;
  try {
    layers = profile_layers(q, f, in.x, in.batch);
  } catch (const std::exception& e) {  // the page is a by-product: it never fails a compile
    return fmt::format("<p class=\"note\">No numerical profiling: {}</p>\n", xml_escape(e.what()));
  }
  std::string s = fmt::format("<p class=\"note\">On {} samples ({}). Activations are the float model's; the error "
                              "compares each layer's bit-exact output (dequantised) with the float model's value of the "
                              "same tensor.</p>\n",
                              in.batch, xml_escape(in.source));
  s += "<h3>Weights</h3>\n" + box_plot("weights-profile", layers, true);
  s += "<h3>Activations</h3>\n" + box_plot("activations-profile", layers, false);
  s += "<h3>Histograms against the fixed-point ranges</h3>\n<p class=\"note\">Green: the type's range; red dashes: its "
       "limits.</p>\n" + histograms(layers);
  s += "<h3>Quantised vs float error per layer</h3>\n" + error_table(layers);
  return s;
}

std::string strip_xml_declaration(std::string svg) {
  if (svg.rfind("<?xml", 0) == 0) svg.erase(0, svg.find("?>") + 2);
  return svg;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

}  // namespace

std::string report_html(const Model& q, const Model& f, const json& report, const std::string& svg,
                        const ProfileInputs& inputs) {
  const json r = report.is_object() ? report : json::object();
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>aie4ml report: {}</title>\n", xml_escape(q.name));
  h += kStyle;
  h += "</head><body>\n";
  h += fmt::format("<h1>aie4ml report: {}</h1>\n", xml_escape(q.name));
  h += summary(q, r);
  h += "<h2>Array map</h2>\n";
  h += svg.empty() ? "<p class=\"note\">No placement (the model was not mapped).</p>\n"
                   : "<div id=\"map\">" + strip_xml_declaration(svg) + "</div>\n";
  h += "<h2>Layers</h2>\n" + layer_table(r);
  h += "<h2>Latency and interval</h2>\n" + latency_breakdown(r);
  h += "<h2>Numerical profiling</h2>\n" + profiling(q, f, inputs);
  h += "<p class=\"note\">Generated by aie4ml from report.json, placement.svg, model.json and float_model.json.</p>\n";
  h += "</body></html>\n";
  return h;
}

void write_report_html(const Model& q, const Model& f, const fs::path& dir, ProfileInputs inputs) {
  json report = json::object();
  if (const std::string text = read_text(dir / "report.json"); !text.empty()) {
    report = json::parse(text, nullptr, false);
    if (report.is_discarded()) throw InputError(fmt::format("{}: not valid JSON", (dir / "report.json").string()));
  }
  // Profiling keeps every tensor of every sample (twice): bound the samples by the model's activations.
  int64_t activations = 1;
  for (auto& [name, t] : q.tensors)
    if (!t.is_constant) activations += t.elements();
  const int64_t kMaxSamples = std::clamp<int64_t>(4'000'000 / activations, 1, 1024);
  if (inputs.batch > kMaxSamples && !inputs.x.empty()) {
    inputs.x.resize(inputs.x.size() / static_cast<size_t>(inputs.batch) * kMaxSamples);
    inputs.source += fmt::format(", the first {} of {}", kMaxSamples, inputs.batch);
    inputs.batch = kMaxSamples;
  }
  if (inputs.x.empty() && q.inputs.size() == 1) {
    inputs.batch = std::min<int64_t>(256, kMaxSamples);
    inputs.x = default_profile_inputs(q, inputs.batch);
    inputs.source = "random N(0,1) inputs clipped to the input type's range, seed 2026";
  }
  const std::string html = report_html(q, f, report, read_text(dir / "placement.svg"), inputs);
  const fs::path tmp = dir / "report.html.tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << html;
    if (!out) throw InputError(fmt::format("failed writing '{}'", tmp.string()));
  }
  fs::rename(tmp, dir / "report.html");
}

}  // namespace aie4ml::codegen
