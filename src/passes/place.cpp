// Placement pass (see place.h for the objective, the method and the neighbour-memory rule).
#include "passes/place.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-9;

// Occupancy of the compute array: one bit per column, one word per row (columns <= 64).
class Grid {
 public:
  Grid(int cols, int rows) : cols_(cols), rows_(rows), bits_(rows, 0) {}
  bool fits(int x, int y, int w, int h) const {
    if (x < 0 || y < 0 || x + w > cols_ || y + h > rows_) return false;
    const uint64_t mask = span(x, w);
    for (int r = y; r < y + h; ++r)
      if (bits_[r] & mask) return false;
    return true;
  }
  void set(int x, int y, int w, int h, bool on) {
    const uint64_t mask = span(x, w);
    for (int r = y; r < y + h; ++r) bits_[r] = on ? (bits_[r] | mask) : (bits_[r] & ~mask);
  }

 private:
  static uint64_t span(int x, int w) { return (w >= 64 ? ~0ULL : ((1ULL << w) - 1)) << x; }
  int cols_, rows_;
  std::vector<uint64_t> bits_;
};

double edge_cost(const PlacementProblem& p, int from, TileCoord a, TileCoord b, const PlacementOptions& o) {
  return std::abs(b.col - (a.col + p.width[from])) + o.lambda * std::abs(b.row - a.row);
}

// The cost terms that involve layer i at `where`: its top row and its edges to placed layers.
double layer_cost(const PlacementProblem& p, const std::vector<TileCoord>& at, const std::vector<bool>& placed, int i,
                  TileCoord where, const PlacementOptions& o) {
  double c = o.mu * (where.row + p.height[i] - 1);
  for (auto [a, b] : p.edges) {
    if (a == i && b != i && placed[b]) c += edge_cost(p, a, where, at[b], o);
    if (b == i && a != i && placed[a]) c += edge_cost(p, a, at[a], where, o);
  }
  return c;
}

class Search {
 public:
  Search(const PlacementProblem& p, const PlacementOptions& o)
      : p_(p), o_(o), n_(static_cast<int>(p.width.size())), grid_(p.columns, p.rows), pos_(n_), placed_(n_, false),
        preds_(n_), producers_(n_), consumers_(n_) {
    for (auto [a, b] : p.edges) preds_[b].push_back(a);
    for (auto [a, b] : p.edges)
      if (a != b) {
        producers_[b].push_back(a);
        consumers_[a].push_back(b);
      }
    for (int i = 0; i < n_; ++i) {
      for (auto* list : {&producers_[i], &consumers_[i]}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
      }
    }
    topo_ = topological_order();
    build_edge_groups();
    for (int i = 0; i < n_; ++i)
      if (p.fixed[i]) place_at(i, *p.fixed[i]);
      else order_.push_back(i);
    rest_lb_.assign(order_.size() + 1, 0);
    for (int d = static_cast<int>(order_.size()) - 1; d >= 0; --d)
      rest_lb_[d] = rest_lb_[d + 1] + o.mu * (p.height[order_[d]] - 1);
    fixed_cost_ = 0;
    for (int i = 0; i < n_; ++i)
      if (p.fixed[i]) fixed_cost_ += o.mu * (p.fixed[i]->row + p.height[i] - 1);
    for (auto [a, b] : p.edges)
      if (p.fixed[a] && p.fixed[b]) fixed_cost_ += edge_cost(p, a, *p.fixed[a], *p.fixed[b], o);
  }

  void offer(const std::vector<TileCoord>& origins) {
    const double c = placement_cost(p_, origins, o_);
    if (c < best_cost_ - kEps) {
      best_cost_ = c;
      best_ = origins;
    }
  }

  // `start`: when the whole placement began (the time limit also covers building the incumbent).
  PlacementSolution run(std::chrono::steady_clock::time_point start) {
    start_ = start;
    root_lb_ = fixed_cost_ + rest_lb_[0] + edge_bound();
    const bool aborted = dfs(0, fixed_cost_);
    PlacementSolution s;
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (best_.empty())
      throw InputError(fmt::format("placement: no legal placement of the {} layers on the {} x {} array{}", n_,
                                   p_.columns, p_.rows,
                                   aborted ? fmt::format(" found within {} search nodes", nodes_) : ""));
    s.origins = best_;
    s.report.method = "branch-and-bound";
    s.report.cost = best_cost_;
    s.report.lower_bound = aborted ? std::min(best_cost_, std::max(frontier_lb_, root_lb_)) : best_cost_;
    s.report.optimal = s.report.lower_bound >= best_cost_ - kEps;
    s.report.nodes = nodes_;
    s.report.stopped_by = !aborted ? "complete" : stopped_by_;
    return s;
  }

 private:
  struct Child {
    double bound;
    TileCoord at;
  };

  void place_at(int i, TileCoord at) {
    pos_[i] = at;
    placed_[i] = true;
    grid_.set(at.col, at.row, p_.width[i], p_.height[i], true);
  }
  void unplace(int i) {
    placed_[i] = false;
    grid_.set(pos_[i].col, pos_[i].row, p_.width[i], p_.height[i], false);
  }

  double increment(int i, TileCoord at) const {
    double c = o_.mu * (at.row + p_.height[i] - 1);
    for (auto [a, b] : p_.edges) {
      if (a == i && placed_[b]) c += edge_cost(p_, a, at, pos_[b], o_);
      if (b == i && placed_[a]) c += edge_cost(p_, a, pos_[a], at, o_);
    }
    return c;
  }

  std::vector<int> topological_order() const {
    std::vector<int> indeg(n_, 0), out;
    for (auto [a, b] : p_.edges) ++indeg[b];
    for (int i = 0; i < n_; ++i)
      if (indeg[i] == 0) out.push_back(i);
    for (size_t k = 0; k < out.size(); ++k)
      for (auto [a, b] : p_.edges)
        if (a == out[k] && --indeg[b] == 0) out.push_back(b);
    if (static_cast<int>(out.size()) != n_) throw InputError("placement: the layers' dataflow has a cycle");
    return out;
  }

  // Lower bound on the horizontal cost still to come, from the width of dataflow paths: along a path
  // q1 -> ... -> qk of unplaced layers, the gaps x_next - (x + w) add up to at most the columns left to
  // the right of where the path starts minus the widths on it, so their absolute values add up to at
  // least the overflow. Starts: a placed predecessor (columns right of its output) or column 0.
  double path_bound() const {
    std::vector<double> val(n_, 0);
    double best = 0;
    for (int q : topo_) {
      if (placed_[q]) continue;
      double start = -static_cast<double>(p_.columns);
      for (int pr : preds_[q])
        start = std::max(start, placed_[pr] ? -static_cast<double>(p_.columns - pos_[pr].col - p_.width[pr]) : val[pr]);
      val[q] = p_.width[q] + start;
      best = std::max(best, val[q]);
    }
    return best;
  }

  // Lower bound on the edge costs still to come (edges with an unplaced end), from groups of edges that
  // cannot all be cheap:
  //  - fan-out / fan-in: of the edges from one producer to distinct consumers at most one costs 0 (two
  //    consumers at the producer's output column and row would share their origin); likewise of the edges
  //    from distinct producers into one consumer (they would share the tile left of its input). Every
  //    other edge costs at least min(1, lambda): gaps and offsets are integers.
  //  - reconvergence: a direct edge p1 -> b and a path p1 -> .. -> p2 -> b. Along each path the gaps add
  //    up to x_b - x_p1 minus the widths passed, so the |gaps| of both paths add up to at least the widths
  //    of the layers after p1 on the long one.
  // Groups that share no edge add up; they are packed greedily, largest requirement first (any packing
  // is a valid bound). The path bound counts some of the same edges, so the larger of the two is taken.
  struct EdgeGroup {
    std::vector<int> edges;  // indices into edges_
    bool fan = false;        // fan-out / fan-in (else reconvergence: every edge must still be uncounted)
    double requirement = 0;  // static: (edges - 1) x unit, or the widths passed
  };

  int edge_index(int a, int b) {
    const std::pair<int, int> e{a, b};
    auto it = std::find(edges_.begin(), edges_.end(), e);
    if (it != edges_.end()) return static_cast<int>(it - edges_.begin());
    edges_.push_back(e);
    return static_cast<int>(edges_.size()) - 1;
  }

  void build_edge_groups() {
    const double unit = std::min(1.0, o_.lambda);
    for (int i = 0; i < n_; ++i) {
      for (bool out : {true, false}) {
        const auto& ends = out ? consumers_[i] : producers_[i];
        if (ends.size() < 2) continue;
        EdgeGroup g;
        g.fan = true;
        for (int j : ends) g.edges.push_back(out ? edge_index(i, j) : edge_index(j, i));
        g.requirement = unit * static_cast<double>(ends.size() - 1);
        groups_.push_back(std::move(g));
      }
      for (int p1 : producers_[i])
        for (int p2 : producers_[i])
          if (p1 != p2)
            if (auto path = shortest_path(p1, p2); !path.empty()) {
              EdgeGroup g;
              g.edges = {edge_index(p1, i), edge_index(p2, i)};
              for (size_t k = 0; k + 1 < path.size(); ++k) {
                g.edges.push_back(edge_index(path[k], path[k + 1]));
                g.requirement += p_.width[path[k + 1]];
              }
              groups_.push_back(std::move(g));
            }
    }
    std::stable_sort(groups_.begin(), groups_.end(), [](const EdgeGroup& a, const EdgeGroup& b) {
      return std::tie(b.requirement, a.edges) < std::tie(a.requirement, b.edges);
    });
    used_.assign(edges_.size(), 0);
  }

  // Fewest-edges path from -> to over distinct edges (empty when there is none); deterministic (BFS in
  // index order).
  std::vector<int> shortest_path(int from, int to) const {
    std::vector<int> parent(n_, -1);
    std::vector<int> queue{from};
    parent[from] = from;
    for (size_t k = 0; k < queue.size() && parent[to] < 0; ++k)
      for (int c : consumers_[queue[k]])
        if (parent[c] < 0) parent[c] = queue[k], queue.push_back(c);
    if (parent[to] < 0) return {};
    std::vector<int> path{to};
    while (path.back() != from) path.push_back(parent[path.back()]);
    std::reverse(path.begin(), path.end());
    return path;
  }

  double edge_bound() const {
    const double unit = std::min(1.0, o_.lambda);
    std::fill(used_.begin(), used_.end(), 0);
    double total = 0;
    for (const auto& g : groups_) {
      int uncounted = 0;
      bool counted_zero = false, clash = false;
      for (int e : g.edges) {
        const auto [a, b] = edges_[e];
        if (placed_[a] && placed_[b]) {
          counted_zero |= edge_cost(p_, a, pos_[a], pos_[b], o_) < kEps;
          continue;
        }
        ++uncounted;
        clash |= used_[e] != 0;
      }
      if (clash) continue;
      double value = 0;
      if (g.fan) value = unit * std::max(0, uncounted - (counted_zero ? 0 : 1));
      else if (uncounted == static_cast<int>(g.edges.size())) value = g.requirement;
      if (value <= 0) continue;
      for (int e : g.edges)
        if (!placed_[edges_[e].first] || !placed_[edges_[e].second]) used_[e] = 1;
      total += value;
    }
    return std::max(path_bound(), total);
  }

  bool out_of_budget() {
    if (nodes_ >= o_.node_limit) {
      stopped_by_ = "node_limit";
      return true;
    }
    // The clock is read at every node: a node scans every free position of the array and every edge
    // (milliseconds on 300-layer models), so checking every 1024 nodes overshot a 50 ms limit by seconds.
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() > o_.time_limit_s) {
      stopped_by_ = "time_limit";
      return true;
    }
    return false;
  }

  // Returns true when the search was cut short somewhere below this node.
  bool dfs(size_t depth, double partial) {
    if (depth == order_.size()) {
      if (partial < best_cost_ - kEps) {
        best_cost_ = partial;
        best_.assign(pos_.begin(), pos_.end());
      }
      return false;
    }
    const double node_bound = partial + rest_lb_[depth] + edge_bound();
    if (node_bound >= best_cost_ - kEps) return false;
    if (out_of_budget()) {
      frontier_lb_ = std::min(frontier_lb_, node_bound);
      return true;
    }
    ++nodes_;
    const int i = order_[depth];
    std::vector<Child> children;
    for (int x = 0; x + p_.width[i] <= p_.columns; ++x)
      for (int y = 0; y + p_.height[i] <= p_.rows; ++y) {
        if (!grid_.fits(x, y, p_.width[i], p_.height[i])) continue;
        const double bound = partial + increment(i, {x, y}) + rest_lb_[depth + 1];
        if (bound < best_cost_ - kEps) children.push_back({bound, {x, y}});
      }
    std::sort(children.begin(), children.end(), [](const Child& a, const Child& b) {
      return std::tie(a.bound, a.at.col, a.at.row) < std::tie(b.bound, b.at.col, b.at.row);
    });
    for (size_t k = 0; k < children.size(); ++k) {
      const auto& ch = children[k];
      if (ch.bound >= best_cost_ - kEps) break;  // sorted: the rest cannot improve either
      place_at(i, ch.at);
      const bool aborted = dfs(depth + 1, ch.bound - rest_lb_[depth + 1]);
      unplace(i);
      if (aborted) {
        for (size_t r = k + 1; r < children.size(); ++r) frontier_lb_ = std::min(frontier_lb_, children[r].bound);
        return true;
      }
    }
    return false;
  }

  const PlacementProblem& p_;
  const PlacementOptions& o_;
  int n_;
  Grid grid_;
  std::vector<TileCoord> pos_;
  std::vector<bool> placed_;
  std::vector<std::vector<int>> preds_;
  std::vector<std::vector<int>> producers_, consumers_;  // distinct, self-edges left out (edge_bound)
  std::vector<EdgeGroup> groups_;                        // edge_bound's groups, largest requirement first
  std::vector<std::pair<int, int>> edges_;               // distinct edges the groups index
  mutable std::vector<char> used_;                       // edge_bound's packing scratch, per edge
  std::vector<int> topo_;
  std::vector<int> order_;            // free layers, topological order
  std::vector<double> rest_lb_;       // lower bound of the layers order_[d..]
  double fixed_cost_ = 0, root_lb_ = 0;
  double best_cost_ = kInf, frontier_lb_ = kInf;
  std::vector<TileCoord> best_;
  int64_t nodes_ = 0;
  std::string stopped_by_;
  std::chrono::steady_clock::time_point start_;
};

bool legal(const PlacementProblem& p, const std::vector<std::optional<TileCoord>>& origins) {
  Grid g(p.columns, p.rows);
  for (size_t i = 0; i < origins.size(); ++i) {
    if (!origins[i] || !g.fits(origins[i]->col, origins[i]->row, p.width[i], p.height[i])) return false;
    g.set(origins[i]->col, origins[i]->row, p.width[i], p.height[i], true);
  }
  return true;
}

// Sequential greedy: each free layer, in order, at its cheapest legal position given those before it.
std::optional<std::vector<TileCoord>> greedy(const PlacementProblem& p, const PlacementOptions& o) {
  const int n = static_cast<int>(p.width.size());
  Grid g(p.columns, p.rows);
  std::vector<TileCoord> at(n);
  std::vector<bool> placed(n, false);
  for (int i = 0; i < n; ++i)
    if (p.fixed[i]) {
      at[i] = *p.fixed[i];
      placed[i] = true;
      g.set(at[i].col, at[i].row, p.width[i], p.height[i], true);
    }
  for (int i = 0; i < n; ++i) {
    if (placed[i]) continue;
    double best = kInf;
    for (int x = 0; x + p.width[i] <= p.columns; ++x)
      for (int y = 0; y + p.height[i] <= p.rows; ++y) {
        if (!g.fits(x, y, p.width[i], p.height[i])) continue;
        const double c = layer_cost(p, at, placed, i, {x, y}, o);
        if (c < best - kEps) {
          best = c;
          at[i] = {x, y};
        }
      }
    if (best == kInf) return std::nullopt;
    placed[i] = true;
    g.set(at[i].col, at[i].row, p.width[i], p.height[i], true);
  }
  return at;
}

// Local improvement of a legal placement: move one free layer at a time to its cheapest free position,
// and swap free layers of the same shape, until no move lowers the cost (deterministic order). Stops
// early, still legal (every step keeps it so), at `deadline`: on hundreds of layers the swaps alone cost
// seconds, and the placement's time limit must bound the whole pass.
std::vector<TileCoord> improve(const PlacementProblem& p, std::vector<TileCoord> at, const PlacementOptions& o,
                               std::chrono::steady_clock::time_point deadline) {
  const auto expired = [&] { return std::chrono::steady_clock::now() > deadline; };
  const int n = static_cast<int>(p.width.size());
  const std::vector<bool> all(n, true);
  Grid g(p.columns, p.rows);
  for (int i = 0; i < n; ++i) g.set(at[i].col, at[i].row, p.width[i], p.height[i], true);
  for (int pass = 0; pass < 100; ++pass) {
    bool moved = false;
    for (int i = 0; i < n; ++i) {
      if (p.fixed[i]) continue;
      if (expired()) return at;
      g.set(at[i].col, at[i].row, p.width[i], p.height[i], false);
      double best = layer_cost(p, at, all, i, at[i], o);
      for (int x = 0; x + p.width[i] <= p.columns; ++x)
        for (int y = 0; y + p.height[i] <= p.rows; ++y) {
          if (!g.fits(x, y, p.width[i], p.height[i])) continue;
          const double c = layer_cost(p, at, all, i, {x, y}, o);
          if (c < best - kEps) {
            best = c;
            at[i] = {x, y};
            moved = true;
          }
        }
      g.set(at[i].col, at[i].row, p.width[i], p.height[i], true);
    }
    for (int i = 0; i < n; ++i) {
      if (expired()) return at;
      for (int j = i + 1; j < n; ++j) {
        if (p.fixed[i] || p.fixed[j] || p.width[i] != p.width[j] || p.height[i] != p.height[j]) continue;
        const double before = placement_cost(p, at, o);
        std::swap(at[i], at[j]);
        if (placement_cost(p, at, o) < before - kEps)
          moved = true;
        else
          std::swap(at[i], at[j]);
      }
    }
    if (!moved) break;
  }
  return at;
}

// What the placer places: a layer's rectangle, or for parallel heads (design.h "Parallel heads") the heads
// of one op together, one column of `count` tiles with head i in its row i, so that the search sees the
// op as one rectangle (as the partition's band layout did) instead of H free ones: the same problem as
// with every head in one kernel, but taller, and as quick to solve.
struct PlacementUnits {
  std::vector<int> unit_of, row_in_unit;  // per design layer
  std::vector<int> first_layer;           // per unit
};

PlacementUnits placement_units(const Design& d) {
  PlacementUnits u;
  std::map<std::string, int> unit_of_op;
  for (int i = 0; i < static_cast<int>(d.layers.size()); ++i) {
    const auto& l = d.layers[i];
    const int next = static_cast<int>(u.first_layer.size());
    const int unit = l.head ? unit_of_op.emplace(l.head->op, next).first->second : next;
    if (unit == next) u.first_layer.push_back(i);
    u.unit_of.push_back(unit);
    u.row_in_unit.push_back(l.head ? l.head->index * l.cas_num : 0);
  }
  return u;
}

void check_fixed(const PlacementProblem& p, const Design& d) {
  Grid g(p.columns, p.rows);
  for (size_t i = 0; i < p.fixed.size(); ++i) {
    if (!p.fixed[i]) continue;
    const auto& at = *p.fixed[i];
    if (!g.fits(at.col, at.row, p.width[i], p.height[i])) {
      std::string other;
      for (size_t j = 0; j < i; ++j)
        if (p.fixed[j] && p.fixed[j]->col < at.col + p.width[i] && at.col < p.fixed[j]->col + p.width[j] &&
            p.fixed[j]->row < at.row + p.height[i] && at.row < p.fixed[j]->row + p.height[j])
          other = d.layers[placement_units(d).first_layer[j]].name;
      throw InputError(fmt::format("layer '{}': Placement [{},{}] of its {} x {} kernels {}",
                                   d.layers[placement_units(d).first_layer[i]].name,
                                   at.col, at.row, p.width[i], p.height[i],
                                   other.empty() ? fmt::format("is outside the {} x {} array", p.columns, p.rows)
                                                 : fmt::format("overlaps layer '{}'", other)));
    }
    g.set(at.col, at.row, p.width[i], p.height[i], true);
  }
}

}  // namespace

PlacementProblem placement_problem(const Design& design, const std::vector<std::optional<TileCoord>>& fixed,
                                   const std::vector<std::optional<TileCoord>>& seed, const Device& device) {
  PlacementProblem p;
  p.columns = device.columns;
  p.rows = device.compute_rows;
  const auto units = placement_units(design);
  const int n = static_cast<int>(design.layers.size()), m = static_cast<int>(units.first_layer.size());
  for (int u : units.first_layer) {
    const auto& l = design.layers[u];
    p.width.push_back(l.cas_length);
    p.height.push_back(l.head ? l.head->count * l.cas_num : l.cas_num);
  }
  std::set<std::pair<int, int>> edges;
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      if (units.unit_of[a] != units.unit_of[b] && design.layers[b].reads(design.layers[a].written_tensor()) &&
          edges.emplace(units.unit_of[a], units.unit_of[b]).second)
        p.edges.emplace_back(units.unit_of[a], units.unit_of[b]);
  // A unit's fixed origin / seed: its first layer's, less that layer's row in the unit.
  auto per_unit = [&](const std::vector<std::optional<TileCoord>>& per_layer) {
    std::vector<std::optional<TileCoord>> out(static_cast<size_t>(m));
    if (per_layer.empty()) return out;
    for (int u = 0; u < m; ++u)
      if (auto at = per_layer[units.first_layer[u]]) {
        at->row -= units.row_in_unit[units.first_layer[u]];
        out[u] = at;
      }
    return out;
  };
  p.fixed = per_unit(fixed);
  p.seed = per_unit(seed);
  return p;
}

double placement_cost(const PlacementProblem& p, const std::vector<TileCoord>& origins, const PlacementOptions& o) {
  double c = 0;
  for (size_t i = 0; i < origins.size(); ++i) c += o.mu * (origins[i].row + p.height[i] - 1);
  for (auto [a, b] : p.edges) c += edge_cost(p, a, origins[a], origins[b], o);
  return c;
}

PlacementSolution solve_placement(const PlacementProblem& p, const PlacementOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(std::clamp(o.time_limit_s, 0.0, 1e6)));
  Search s(p, o);
  std::vector<std::vector<TileCoord>> starts;
  if (legal(p, p.seed)) {
    std::vector<TileCoord> seed;
    for (auto& x : p.seed) seed.push_back(*x);
    starts.push_back(std::move(seed));
  }
  if (auto g = greedy(p, o)) starts.push_back(std::move(*g));
  for (auto& incumbent : starts) s.offer(improve(p, incumbent, o, deadline));
  return s.run(start);
}

PlacementSolution place(Design& design, const std::vector<std::optional<TileCoord>>& fixed,
                        const std::vector<std::optional<TileCoord>>& seed, const Device& device,
                        const PlacementOptions& options) {
  const auto problem = placement_problem(design, fixed, seed, device);
  check_fixed(problem, design);
  auto sol = solve_placement(problem, options);
  const auto units = placement_units(design);
  for (size_t i = 0; i < design.layers.size(); ++i) {
    auto& l = design.layers[i];
    const int u = units.unit_of[i];
    l.origin = {sol.origins[u].col, sol.origins[u].row + units.row_in_unit[i]};
    l.placement_fixed = problem.fixed[u].has_value();
    for (auto& k : l.kernels) k.tile = {l.origin.col + k.position, l.origin.row + k.chain};
  }
  design.placement = sol.report;
  return sol;
}

}  // namespace aie4ml
