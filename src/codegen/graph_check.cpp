// Graph record vs design.json (see graph_check.h).
#include "codegen/graph_check.h"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "support/error.h"

namespace aie4ml::codegen {

using nlohmann::json;

namespace {

std::string tile_text(int col, int row) { return fmt::format("tile({},{})", col, row); }
std::string tile_text(const TileCoord& t) { return tile_text(t.col, t.row); }
std::string plio_text(const std::string& name) { return fmt::format("plio '{}'", name); }

std::string tiling_fact(const std::vector<int64_t>& bd, const std::vector<int64_t>& td, const std::vector<int64_t>& off,
                        const std::vector<TraversalStep>& trav, int64_t repetition, const std::vector<int64_t>& bnd) {
  std::vector<std::string> steps;
  for (auto& s : trav) steps.push_back(fmt::format("({},{},{})", s.dimension, s.stride, s.wrap));
  return fmt::format("buffer [{}] tile [{}] offset [{}] traversal [{}] repetition {} boundary [{}]", fmt::join(bd, ","),
                     fmt::join(td, ","), fmt::join(off, ","), fmt::join(steps, ","), repetition, fmt::join(bnd, ","));
}

std::string sb_key(const TileCoord& mem, const std::vector<int64_t>& dims) {
  return fmt::format("shared buffer mem({},{}) [{}]", mem.col, mem.row, fmt::join(dims, ","));
}

std::string plio_fact(const std::string& name, const std::string& dir, int width, int column, double mhz) {
  return fmt::format("{} {} width {} column {} frequency {}", plio_text(name), dir, width, column, mhz);
}

}  // namespace

std::set<std::string> design_graph_facts(const Design& d) {
  std::set<std::string> f;
  std::map<std::string, TileCoord> tile_of;
  for (auto& l : d.layers)
    for (auto& k : l.kernels) {
      tile_of[k.name] = k.tile;
      f.insert("kernel " + tile_text(k.tile));
    }
  auto kernel_tile = [&](const std::string& name) {
    auto it = tile_of.find(name);
    if (it == tile_of.end()) throw InputError(fmt::format("design.json names kernel '{}', which no layer has", name));
    return tile_text(it->second);
  };
  auto end_text = [&](const Endpoint& e) { return e.kernel.empty() ? plio_text(e.plio) : kernel_tile(e.kernel); };
  for (auto& c : d.cascades) f.insert(fmt::format("cascade {} -> {}", kernel_tile(c.from), kernel_tile(c.to)));
  for (auto& b : d.direct_buffers) f.insert(fmt::format("buffer {} -> {}", kernel_tile(b.producer), kernel_tile(b.consumer)));
  for (auto& sb : d.shared_buffers) {
    const std::string key = sb_key(sb.location, sb.dimension);
    f.insert(fmt::format("{} num_buffers {}", key, sb.num_buffers));
    for (size_t i = 0; i < sb.writers.size(); ++i) {
      const auto& w = sb.writers[i];
      if (w.source) f.insert(fmt::format("{} in[{}] <- {}", key, i, end_text(*w.source)));
      const auto& a = w.access;
      f.insert(fmt::format("{} in[{}] access {}", key, i,
                           tiling_fact(a.buffer_dimension, a.tiling_dimension, a.offset, a.tile_traversal, 1, a.boundary_dimension)));
    }
    for (size_t j = 0; j < sb.readers.size(); ++j) {
      const auto& r = sb.readers[j];
      for (auto& dst : r.destinations) f.insert(fmt::format("{} out[{}] -> {}", key, j, end_text(dst)));
      const auto& a = r.access;
      f.insert(fmt::format("{} out[{}] access {}", key, j,
                           tiling_fact(a.buffer_dimension, a.tiling_dimension, a.offset, a.tile_traversal, 1, a.boundary_dimension)));
    }
  }
  for (auto& p : d.plio) f.insert(plio_fact(p.name, p.direction, p.width_bits, p.column, p.frequency_mhz));
  return f;
}

namespace {

std::vector<int64_t> ints(const json& j) { return j.get<std::vector<int64_t>>(); }

std::string record_tiling(const json& a) {
  if (a.is_null()) return "none";
  std::vector<TraversalStep> trav;
  for (auto& s : a.at("tile_traversal")) trav.push_back({s.at("dimension").get<int>(), s.at("stride").get<int64_t>(), s.at("wrap").get<int64_t>()});
  return tiling_fact(ints(a.at("buffer_dimension")), ints(a.at("tiling_dimension")), ints(a.at("offset")), trav,
                     a.at("repetition").get<int64_t>(), ints(a.at("boundary_dimension")));
}

struct RecordNode {
  std::string kind, text;  // text: how a connection names it
  const json* j = nullptr;
};

}  // namespace

std::set<std::string> recorded_graph_facts(const json& record) {
  std::set<std::string> f;
  try {
    if (record.value("format", "") != "aie4ml-graph-record")
      throw CheckFailure("the graph record is not an aie4ml graph record");
    std::map<int, RecordNode> nodes;
    for (auto& n : record.at("nodes")) {
      RecordNode r;
      r.kind = n.at("kind").get<std::string>();
      r.j = &n;
      const int id = n.at("id").get<int>();
      if (r.kind == "kernel") {
        if (n.at("tile").is_null()) {
          r.text = fmt::format("kernel #{} without location", id);
          f.insert(r.text);
        } else {
          r.text = tile_text(n.at("tile")[0].get<int>(), n.at("tile")[1].get<int>());
          f.insert("kernel " + r.text);
        }
      } else if (r.kind == "shared_buffer") {
        const auto& loc = n.at("location");
        const TileCoord mem = loc.empty() ? TileCoord{-1, -1} : TileCoord{loc[0][0].get<int>(), loc[0][1].get<int>()};
        r.text = sb_key(mem, ints(n.at("dimension")));
        f.insert(fmt::format("{} num_buffers {}", r.text, n.at("num_buffers").get<int>()));
        for (size_t i = 0; i < n.at("in").size(); ++i) f.insert(fmt::format("{} in[{}] access {}", r.text, i, record_tiling(n.at("in")[i].at("access"))));
        for (size_t j = 0; j < n.at("out").size(); ++j) f.insert(fmt::format("{} out[{}] access {}", r.text, j, record_tiling(n.at("out")[j].at("access"))));
      } else if (r.kind == "input_plio" || r.kind == "output_plio") {
        const std::string name = n.at("name").get<std::string>();
        r.text = plio_text(name);
        f.insert(plio_fact(name, r.kind == "input_plio" ? "in" : "out", n.at("width_bits").get<int>(),
                           n.at("column").is_null() ? -1 : n.at("column").get<int>(), n.at("frequency_mhz").get<double>()));
      }
      nodes[id] = r;
    }
    for (auto& c : record.at("connections")) {
      const std::string kind = c.at("kind").get<std::string>();
      if (kind == "parameter") continue;
      const auto& from = nodes.at(c.at("from")[0].get<int>());
      const auto& to = nodes.at(c.at("to")[0].get<int>());
      const int from_port = c.at("from")[1].get<int>(), to_port = c.at("to")[1].get<int>();
      if (kind == "cascade") {
        f.insert(fmt::format("cascade {} -> {}", from.text, to.text));
      } else if (from.kind == "kernel" && to.kind == "kernel") {
        f.insert(fmt::format("buffer {} -> {}", from.text, to.text));
      } else if (to.kind == "shared_buffer") {
        f.insert(fmt::format("{} in[{}] <- {}", to.text, to_port, from.text));
      } else if (from.kind == "shared_buffer") {
        f.insert(fmt::format("{} out[{}] -> {}", from.text, from_port, to.text));
      } else {
        f.insert(fmt::format("data {} -> {}", from.text, to.text));
      }
    }
  } catch (const json::exception& e) {
    throw CheckFailure(fmt::format("the graph record is malformed: {}", e.what()));
  } catch (const std::out_of_range& e) {
    throw CheckFailure(fmt::format("the graph record names a node it does not define: {}", e.what()));
  }
  return f;
}

GraphComparison compare_graph(const Design& design, const json& record) {
  const auto want = design_graph_facts(design);
  const auto have = recorded_graph_facts(record);
  GraphComparison c;
  c.facts = want.size();
  for (auto& w : want)
    if (!have.count(w)) c.only_in_design.push_back(w);
  for (auto& h : have)
    if (!want.count(h)) c.only_in_graph.push_back(h);
  return c;
}

}  // namespace aie4ml::codegen
