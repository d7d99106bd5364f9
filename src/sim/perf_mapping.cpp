// Performance-driven mapping (see perf_mapping.h).
#include "sim/perf_mapping.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "passes/partition.h"
#include "passes/partition_conv.h"
#include "passes/partition_tensor_ops.h"
#include "passes/plan_design.h"
#include "sim/perf_cost.h"
#include "support/error.h"

namespace aie4ml::perf {

namespace {

using Choice = std::vector<std::array<int, 5>>;  // per layer: cas_length, cas_num, tile_m, tile_k, tile_n

std::array<int, 5> of_candidate(const LayerCandidate& c) {
  return {c.cas_length, c.cas_num, c.tiling[0], c.tiling[1], c.tiling[2]};
}

Choice of_design(const Design& d) {
  Choice ch;
  for (auto& l : d.layers)  // one entry per model op: the heads of a split op are one 1 x 1 tensor-op choice
    if (!l.head || l.head->index == 0) ch.push_back({l.cas_length, l.cas_num, l.tile_m, l.tile_k, l.tile_n});
  return ch;
}

std::string label(const std::vector<std::string>& names, const Choice& ch) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < ch.size(); ++i) parts.push_back(fmt::format("{} {}x{}", names[i], ch[i][0], ch[i][1]));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// The config that makes plan_design build exactly `ch` (user Placement overrides kept).
Config forcing(const Config& base, const std::vector<std::string>& names, const Choice& ch) {
  Config c = base;
  for (size_t i = 0; i < ch.size(); ++i) {
    auto& lc = c.layers[names[i]];
    lc.cascade_length = ch[i][0];
    lc.cascade_num = ch[i][1];
    lc.tiling = std::array<int, 3>{ch[i][2], ch[i][3], ch[i][4]};
  }
  return c;
}

// Lower is better: the objective's figure first, the other one, then tiles.
std::tuple<double, double, int> score(const std::string& objective, const SearchCandidate& c) {
  if (objective == "throughput") return {c.interval_ns, c.latency_ns, c.tiles};
  return {c.latency_ns, c.interval_ns, c.tiles};
}

double objective_figure(const std::string& objective, const SearchCandidate& c) {
  return objective == "throughput" ? c.interval_ns : c.latency_ns;
}

class Search {
 public:
  Search(const Model& m, const Config& c, const Device& d, const SearchOptions& o)
      : model_(m), config_(c), device_(d), options_(o), params_(params_for(d)), cost_(c.objective, params_) {
    for (auto* op : array_region(m).layers) names_.push_back(op->name);
  }

  PerformanceDesign run() {
    PerformanceDesign out;
    out.search.objective = config_.objective;
    out.search.tile_budget = config_.tile_budget;
    PlanOptions plan;
    plan.cost = &cost_;
    Design seed = plan_design(model_, config_, device_, plan);
    try {
      simulate(seed, device_, params_);
    } catch (const InputError& e) {
      out.search.note = fmt::format("performance model unavailable: {}", e.what());
      out.design = std::move(seed);
      return out;
    }
    const Choice seed_choice = of_design(seed);
    std::vector<std::pair<Choice, std::string>> todo{{seed_choice, "partition"}};
    const auto lists = layer_candidates();
    const size_t limit = all_combinations(lists, todo) ? todo.size() : static_cast<size_t>(options_.max_candidates);
    out.search.exhaustive = limit == todo.size();
    if (!out.search.exhaustive) add_alternatives(seed_choice, lists, todo);

    std::set<Choice> seen;
    std::vector<Choice> choices;
    for (auto& [ch, origin] : todo) {
      if (seen.size() >= limit) break;
      if (!seen.insert(ch).second) continue;
      auto cand = evaluate(ch, origin, ch == seed_choice ? &seed : nullptr);
      if (!cand) continue;
      out.search.candidates.push_back(*cand);
      choices.push_back(ch);
    }
    pick(out.search);
    const Choice& best = choices[out.search.chosen];
    out.design =
        best == seed_choice ? std::move(seed) : plan_design(model_, forcing(config_, names_, best), device_, plan);
    out.perf = simulate(out.design, device_, params_);
    auto& chosen = out.search.candidates[out.search.chosen];
    chosen.latency_ns = out.perf->latency_ns;  // the final placement may move routes by a hop or two
    chosen.interval_ns = out.perf->interval_ns;
    pick(out.search);
    return out;
  }

 private:
  // Every layer's legal candidates (overrides applied), best estimate first.
  std::vector<std::vector<LayerCandidate>> layer_candidates() const {
    const auto region = array_region(model_);
    const auto tensor_ops = tensor_op_region(model_);
    std::vector<std::vector<LayerCandidate>> lists;
    for (size_t i = 0; i < names_.size(); ++i) {
      const Op& op = *region.layers[i];
      if (tensor_ops.layers.count(op.name)) {  // one kernel on one tile: a single candidate
        const auto l = lower_tensor_op_layer(op, model_, tensor_ops, config_.batch_size, device_, "search");
        lists.push_back({tensor_op_candidate(l, config_.batch_size)});
        continue;
      }
      const auto shape = layer_shape(model_, *region.layers[i], config_, device_);
      std::vector<std::pair<double, LayerCandidate>> scored;
      for (auto& c : op.kind == OpKind::Conv
                         ? enumerate_conv_candidates(shape, model_, op, config_.layer(names_[i]), device_, nullptr, &cost_)
                         : enumerate_candidates(shape, config_.layer(names_[i]), device_))
        scored.emplace_back(cost_.layer_cost(c, device_), c);
      std::stable_sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first < b.first; });
      lists.emplace_back();
      for (auto& [_, c] : scored) lists.back().push_back(c);
    }
    return lists;
  }

  // Appends every combination when there are at most exhaustive_limit of them.
  bool all_combinations(const std::vector<std::vector<LayerCandidate>>& lists,
                        std::vector<std::pair<Choice, std::string>>& todo) const {
    double count = 1;
    for (auto& l : lists) count *= static_cast<double>(l.size());
    if (count > options_.exhaustive_limit || count == 0) return false;
    std::vector<size_t> at(lists.size(), 0);
    while (true) {
      Choice ch;
      for (size_t i = 0; i < lists.size(); ++i) ch.push_back(of_candidate(lists[i][at[i]]));
      todo.emplace_back(ch, "exhaustive");
      size_t i = 0;
      while (i < at.size() && ++at[i] == lists[i].size()) at[i++] = 0;
      if (i == at.size()) return true;
    }
  }

  // The per-layer best estimates together, the fewest tiles per layer, and the seed with one layer
  // swapped for one of its best few candidates.
  void add_alternatives(const Choice& seed, const std::vector<std::vector<LayerCandidate>>& lists,
                        std::vector<std::pair<Choice, std::string>>& todo) const {
    Choice best = seed, fewest = seed;
    for (size_t i = 0; i < lists.size(); ++i) {
      if (lists[i].empty()) continue;
      best[i] = of_candidate(lists[i].front());
      fewest[i] = of_candidate(
          *std::min_element(lists[i].begin(), lists[i].end(), [](auto& a, auto& b) { return a.tiles() < b.tiles(); }));
    }
    todo.emplace_back(best, "per-layer best");
    todo.emplace_back(fewest, "fewest tiles");
    for (int rank = 0; rank < options_.per_layer_alternatives; ++rank)
      for (size_t i = 0; i < lists.size(); ++i) {
        if (rank >= static_cast<int>(lists[i].size())) continue;
        Choice ch = seed;
        ch[i] = of_candidate(lists[i][rank]);
        if (ch != seed) todo.emplace_back(ch, "neighbour");
      }
  }

  std::optional<SearchCandidate> evaluate(const Choice& ch, const std::string& origin, const Design* planned) {
    SearchCandidate c;
    c.label = label(names_, ch);
    c.layers = ch;
    c.origin = origin;
    try {
      Design d;
      if (planned) {
        d = *planned;
      } else {
        PlanOptions plan;
        plan.cost = &cost_;
        plan.placement.node_limit = options_.candidate_placement_nodes;
        d = plan_design(model_, forcing(config_, names_, ch), device_, plan);
      }
      if (config_.tile_budget && d.tiles_used() > *config_.tile_budget) return std::nullopt;
      const auto r = simulate(d, device_, params_);
      c.latency_ns = r.latency_ns;
      c.interval_ns = r.interval_ns;
      c.tiles = d.tiles_used();
    } catch (const InputError&) {
      return std::nullopt;  // does not fit or not legal together: not a candidate
    }
    return c;
  }

  void pick(SearchReport& s) const {
    s.chosen = s.next_best = -1;
    for (int i = 0; i < static_cast<int>(s.candidates.size()); ++i) {
      if (s.chosen < 0 || score(s.objective, s.candidates[i]) < score(s.objective, s.candidates[s.chosen])) {
        s.next_best = s.chosen;
        s.chosen = i;
      } else if (s.next_best < 0 ||
                 score(s.objective, s.candidates[i]) < score(s.objective, s.candidates[s.next_best])) {
        s.next_best = i;
      }
    }
    s.margin = 0;
    if (s.next_best >= 0) {
      const double a = objective_figure(s.objective, s.candidates[s.chosen]);
      const double b = objective_figure(s.objective, s.candidates[s.next_best]);
      s.margin = a > 0 ? (b - a) / a : 0;
    }
  }

  const Model& model_;
  const Config& config_;
  const Device& device_;
  SearchOptions options_;
  PerfParams params_;
  PerfPartitionCost cost_;
  std::vector<std::string> names_;
};

}  // namespace

nlohmann::json SearchReport::to_json(int listed) const {
  std::vector<int> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return score(objective, candidates[a]) < score(objective, candidates[b]); });
  if (static_cast<int>(order.size()) > listed) order.resize(listed);
  nlohmann::json cands = nlohmann::json::array();
  for (int i : order) {
    const auto& c = candidates[i];
    nlohmann::json layers = nlohmann::json::array();
    for (auto& l : c.layers)
      layers.push_back({{"cas_length", l[0]}, {"cas_num", l[1]}, {"tiling", {l[2], l[3], l[4]}}});
    cands.push_back({{"label", c.label},
                     {"origin", c.origin},
                     {"layers", layers},
                     {"latency_ns", c.latency_ns},
                     {"interval_ns", c.interval_ns},
                     {"tiles", c.tiles}});
  }
  nlohmann::json j = {
      {"objective", objective},
      {"candidates_tried", candidates.size()},
      {"exhaustive", exhaustive},
      {"candidates", cands},
      {"chosen", chosen >= 0 ? nlohmann::json(candidates[chosen].label) : nlohmann::json(nullptr)},
      {"next_best", next_best >= 0 ? nlohmann::json(candidates[next_best].label) : nlohmann::json(nullptr)},
      {"margin", margin}};
  if (tile_budget) j["tile_budget"] = *tile_budget;
  if (!note.empty()) j["note"] = note;
  return j;
}

PerformanceDesign plan_for_performance(const Model& model, const Config& config, const Device& device,
                                       const SearchOptions& options) {
  return Search(model, config, device, options).run();
}

}  // namespace aie4ml::perf
