// Array map rendering (see placement_svg.h).
#include "codegen/placement_svg.h"

#include <array>
#include <map>
#include <string_view>

#include <fmt/format.h>

namespace aie4ml {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

constexpr int kCell = 26, kGap = 2, kLeft = 48, kTop = 44;
constexpr std::array<const char*, 12> kPalette{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                                               "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8"};


// Pixel geometry: compute rows on top (highest row first), then memory-tile rows, then the shim row.
struct Layout {
  int columns, compute_rows, memory_rows;
  int x(int col) const { return kLeft + col * kCell; }
  int compute_y(int row) const { return kTop + (compute_rows - 1 - row) * kCell; }
  int memory_y(int row) const { return kTop + (compute_rows + memory_rows - 1 - row) * kCell + kCell / 2; }
  int shim_y() const { return kTop + (compute_rows + memory_rows) * kCell + kCell; }
  int width() const { return kLeft + columns * kCell + 24; }
  int array_bottom() const { return shim_y() + kCell; }
};

void tiles(std::string& svg, const Design& d, const Layout& g) {
  std::map<TileCoord, std::pair<int, const KernelInstance*>> owner;
  for (size_t i = 0; i < d.layers.size(); ++i)
    for (auto& k : d.layers[i].kernels) owner[k.tile] = {static_cast<int>(i), &k};
  for (int r = d.compute_rows - 1; r >= 0; --r)
    for (int c = 0; c < d.columns; ++c) {
      auto it = owner.find({c, r});
      const bool used = it != owner.end();
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#999\">",
                         g.x(c), g.compute_y(r), kCell - kGap, kCell - kGap,
                         used ? kPalette[it->second.first % kPalette.size()] : "#f4f4f4");
      svg += used ? fmt::format("<title>{} ({}) tile ({},{})</title></rect>\n", xml_escape(it->second.second->name),
                                xml_escape(it->second.second->variant), c, r)
                  : fmt::format("<title>tile ({},{}) free</title></rect>\n", c, r);
      if (used)
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#fff\">{}</text>\n",
                           g.x(c) + (kCell - kGap) / 2, g.compute_y(r) + kCell / 2 + 2, it->second.first + 1);
    }
}

void cascades(std::string& svg, const Design& d, const Layout& g) {
  for (auto& link : d.cascades) {
    auto* a = d.kernel(link.from);
    auto* b = d.kernel(link.to);
    if (!a || !b) continue;
    const int y = g.compute_y(a->tile.row) + kCell - kGap - 4;
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222\" stroke-width=\"2\"/>\n",
                       g.x(a->tile.col) + kCell / 2, y, g.x(b->tile.col) + kCell / 2 - 4, y);
  }
}

void direct_links(std::string& svg, const Design& d, const Layout& g) {
  for (auto& b : d.direct_buffers) {
    auto* p = d.kernel(b.producer);
    auto* c = d.kernel(b.consumer);
    if (!p || !c) continue;
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8e44ad\" stroke-width=\"2\">"
                       "<title>{} ({})</title></line>\n",
                       g.x(p->tile.col) + kCell / 2, g.compute_y(p->tile.row) + 6, g.x(c->tile.col) + kCell / 2,
                       g.compute_y(c->tile.row) + 6, xml_escape(b.name), b.mode);
  }
}

void memory_tiles(std::string& svg, const Design& d, const Layout& g) {
  std::map<TileCoord, std::vector<std::string>> held;
  for (auto& sb : d.shared_buffers) held[sb.location].push_back(sb.name);
  for (int r = d.memory_tile_rows - 1; r >= 0; --r)
    for (int c = 0; c < d.columns; ++c) {
      auto it = held.find({c, r});
      std::string names;
      if (it != held.end())
        for (auto& n : it->second) names += (names.empty() ? "" : ", ") + xml_escape(n);
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#78909c\"><title>memory tile ({},{}){}</title></rect>\n",
          g.x(c), g.memory_y(r), kCell - kGap, kCell - kGap, it != held.end() ? "#cfd8dc" : "#eee", c, r,
          names.empty() ? "" : ": " + names);
      if (it != held.end())
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{}</text>\n",
                           g.x(c) + (kCell - kGap) / 2, g.memory_y(r) + kCell / 2 + 2, it->second.size());
    }
}

void memory_links(std::string& svg, const Design& d, const Layout& g) {
  auto centre = [&](TileCoord t) { return std::make_pair(g.x(t.col) + kCell / 2, g.compute_y(t.row) + kCell / 2); };
  for (auto& sb : d.shared_buffers) {
    const int mx = g.x(sb.location.col) + kCell / 2, my = g.memory_y(sb.location.row) + kCell / 2;
    for (auto& w : sb.writers)
      if (w.source && !w.source->kernel.empty()) {
        auto [x, y] = centre(w.source->tile);
        svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#1f5fbf\" stroke-opacity=\"0.45\" "
                           "stroke-dasharray=\"3,2\"/>\n", x, y, mx, my);
      }
    for (auto& r : sb.readers)
      for (auto& dst : r.destinations)
        if (!dst.kernel.empty()) {
          auto [x, y] = centre(dst.tile);
          svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#2e8b57\" stroke-opacity=\"0.45\"/>\n",
                             mx, my, x, y);
        }
  }
}

void plio(std::string& svg, const Design& d, const Layout& g) {
  for (int c = 0; c < d.columns; ++c)
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n", g.x(c),
                       g.shim_y(), kCell - kGap, kCell - kGap);
  std::map<int, int> stacked;
  for (auto& p : d.plio) {
    const int x = g.x(p.column) + (kCell - kGap) / 2, y = g.shim_y() + 4 + 6 * stacked[p.column]++;
    const bool in = p.direction == "in";
    svg += fmt::format("<polygon points=\"{},{} {},{} {},{}\" fill=\"{}\"><title>PLIO {} ({}, {} bits @ {} MHz)</title></polygon>\n",
                       x - 5, in ? y + 6 : y, x + 5, in ? y + 6 : y, x, in ? y : y + 6, in ? "#1f5fbf" : "#c0392b",
                       xml_escape(p.name), p.direction, p.width_bits, p.frequency_mhz);
  }
}

void axes(std::string& svg, const Design& d, const Layout& g) {
  for (int c = 0; c < d.columns; c += (d.columns > 20 ? 5 : 1))
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{}</text>\n",
                       g.x(c) + (kCell - kGap) / 2, kTop - 4, c);
  for (int r = 0; r < d.compute_rows; ++r)
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\">{}</text>\n", kLeft - 6,
                       g.compute_y(r) + kCell / 2 + 2, r);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\">mem</text>\n", kLeft - 6,
                     g.memory_y(0) + kCell / 2 + 2);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\">PLIO</text>\n", kLeft - 6,
                     g.shim_y() + kCell / 2 + 2);
}

// What the line styles and markers mean, in one row under the array.
int link_key(std::string& svg, int y) {
  struct Key {
    const char* what;
    const char* style;
  };
  constexpr std::array<Key, 4> kLinks{{{"cascade", "stroke=\"#222\" stroke-width=\"2\""},
                                       {"direct buffer", "stroke=\"#8e44ad\" stroke-width=\"2\""},
                                       {"to memory tile", "stroke=\"#1f5fbf\" stroke-dasharray=\"3,2\""},
                                       {"from memory tile", "stroke=\"#2e8b57\""}}};
  int x = kLeft;
  for (auto& k : kLinks) {
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", x, y - 4, x + 18, y - 4, k.style);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>\n", x + 22, y, k.what);
    x += 30 + 6 * static_cast<int>(std::string_view(k.what).size());
  }
  for (bool in : {true, false}) {
    svg += fmt::format("<polygon points=\"{},{} {},{} {},{}\" fill=\"{}\"/>\n", x, in ? y : y - 8, x + 10, in ? y : y - 8,
                       x + 5, in ? y - 8 : y, in ? "#1f5fbf" : "#c0392b");
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>\n", x + 14, y, in ? "PLIO in" : "PLIO out");
    x += 70;
  }
  return y + 20;
}

int legend(std::string& svg, const Design& d, const Layout& g) {
  int y = link_key(svg, g.array_bottom() + 14);
  for (size_t i = 0; i < d.layers.size(); ++i) {
    const auto& l = d.layers[i];
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", kLeft, y - 10,
                       kPalette[i % kPalette.size()]);
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\">{}. {}: {} -> {}, {} x {} kernels ({} tiles) at ({},{})</text>\n",
        kLeft + 18, y, i + 1, xml_escape(l.name), l.in_features, l.out_features, l.cas_length, l.cas_num, l.tiles(),
        l.origin.col, l.origin.row);
    y += 16;
  }
  return y;
}

}  // namespace

std::string placement_svg(const Design& d) {
  const Layout g{d.columns, d.compute_rows, d.memory_tile_rows};
  std::string body;
  axes(body, d, g);
  tiles(body, d, g);
  cascades(body, d, g);
  direct_links(body, d, g);
  memory_tiles(body, d, g);
  plio(body, d, g);
  memory_links(body, d, g);
  const int height = legend(body, d, g) + 8;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\">\n",
      g.width(), height, g.width(), height);
  svg += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>\n", g.width(), height);
  svg += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{} on {}: {} of {} tiles, "
                     "{} shared buffers, {} PLIO</text>\n",
                     kLeft, xml_escape(d.model), xml_escape(d.device), d.tiles_used(), d.tiles_total(), d.shared_buffers.size(),
                     d.plio.size());
  svg += body;
  svg += "</svg>\n";
  return svg;
}

}  // namespace aie4ml
