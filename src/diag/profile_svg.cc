// write_svg(): the profile as a self-contained flame graph. One root ("all") holds a node per
// thread, each thread the stacks sampled on it; a frame's width is its share of all samples.
// Every frame carries a <title> tooltip (name, samples, percentage) and its label is cut to
// fit; an inline script (optional: the picture is complete without it) zooms into a clicked
// frame and shows the hovered frame's details at the bottom.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "base/stable_sort.h"
#include "diag/profile.h"
#include "diag/profile_format_internal.h"

namespace wasmscope::internal::diag {

namespace {

constexpr double kWidth = 1200;  // of the whole picture, in pixels
constexpr double kPad = 10;      // left and right of the frames
constexpr double kFrameHeight = 17;
constexpr double kTop = 50;         // the title above the frames
constexpr double kBottom = 34;      // the details line below them
constexpr double kCharWidth = 7.2;  // of 12 px monospace text (0.6 em), to cut labels to fit
constexpr double kTextInset = 3;

enum class NodeKind : uint8_t { kRoot, kThread, kGuest, kHost, kLost, kUnknown };

/// One box of the flame graph: a frame reached by one path from the root.
struct Node {
  std::string name;
  NodeKind kind = NodeKind::kGuest;
  std::string where;  ///< "file:line" for a guest frame, when known.
  std::string note;   ///< Extra tooltip text (a thread's lost samples).
  uint64_t samples = 0;
  std::map<int64_t, size_t> children;  ///< By frame index (negative: special nodes).
  // Layout, in samples from the left edge and levels from the root.
  uint64_t start = 0;
  uint32_t depth = 0;
};

constexpr int64_t kLostKey = -1;
constexpr int64_t kUnknownKey = -2;
/// The root's children, the threads, are keyed in the profile's order.
constexpr int64_t thread_key(size_t index) {
  return std::numeric_limits<int64_t>::min() + static_cast<int64_t>(index);
}

class FlameTree {
 public:
  explicit FlameTree(const Profile& profile) : profile_(profile) {
    nodes_.push_back(make_node("all", NodeKind::kRoot));
    for (size_t t = 0; t < profile.threads.size(); ++t)
      add_thread(profile.threads[t], t);
    if (profile.lost_unattributed != 0) {
      const size_t thread =
          child(0, thread_key(profile.threads.size()), kNoThreadName, NodeKind::kThread);
      add(child(thread, kLostKey, kLostSamplesName, NodeKind::kLost), profile.lost_unattributed);
      nodes_[0].samples += profile.lost_unattributed;
    }
    layout(0, 0, 0);
  }
  const std::vector<Node>& nodes() const { return nodes_; }
  uint32_t max_depth() const { return max_depth_; }

 private:
  void add_thread(const ProfileThread& t, size_t index) {
    const size_t thread = child(0, thread_key(index), thread_label(profile_, t), NodeKind::kThread);
    if (t.lost != 0) {
      nodes_[thread].note = std::to_string(t.lost) + " of them lost";
      add(child(thread, kLostKey, kLostSamplesName, NodeKind::kLost), t.lost);
    }
    for (const ProfileStack& stack : t.stacks) {
      if (stack.samples == 0) continue;
      size_t at = thread;
      for (const uint32_t frame : stack.frames) {
        if (frame >= profile_.frames.size()) {
          at = child(at, kUnknownKey, kUnknownFrameName, NodeKind::kUnknown);
          continue;
        }
        const ProfileFrame& f = profile_.frames[frame];
        at = child(at, frame, f.display_name(), f.host ? NodeKind::kHost : NodeKind::kGuest);
        if (!f.file.empty() && nodes_[at].where.empty()) {
          nodes_[at].where = f.file;
          if (f.line != 0) nodes_[at].where += ':' + std::to_string(f.line);
        }
      }
      // Every node on the path, the root and the thread included, counts the samples.
      add(at, stack.samples);
    }
    nodes_[0].samples += nodes_[thread].samples;
  }

  static Node make_node(const std::string& name, NodeKind kind) {
    Node node;
    node.name = name;
    node.kind = kind;
    return node;
  }

  /// The child of {parent} for {key}, made on first use.
  size_t child(size_t parent, int64_t key, const std::string& name, NodeKind kind) {
    const auto found = nodes_[parent].children.find(key);
    if (found != nodes_[parent].children.end()) return found->second;
    nodes_.push_back(make_node(name, kind));
    parents_.resize(nodes_.size(), 0);
    parents_[nodes_.size() - 1] = parent;
    nodes_[parent].children.emplace(key, nodes_.size() - 1);
    return nodes_.size() - 1;
  }

  /// Adds {samples} to {leaf} and its ancestors up to (not including) the root, which sums
  /// its threads once they are complete.
  void add(size_t leaf, uint64_t samples) {
    for (size_t at = leaf; at != 0; at = parents_[at])
      nodes_[at].samples += samples;
  }

  /// Places {index} at {start} and its children left to right, ordered by name.
  void layout(size_t index, uint64_t start, uint32_t depth) {
    nodes_[index].start = start;
    nodes_[index].depth = depth;
    if (depth > max_depth_) max_depth_ = depth;
    std::vector<size_t> order;
    for (const auto& [key, c] : nodes_[index].children)
      order.push_back(c);
    // Threads keep the profile's order; frames are sorted by name, as flame graphs are.
    if (nodes_[index].kind != NodeKind::kRoot) {
      internal::stable_sort(order.begin(), order.end(),
                            [&](size_t a, size_t b) { return nodes_[a].name < nodes_[b].name; });
    }
    uint64_t at = start;
    for (const size_t c : order) {
      layout(c, at, depth + 1);
      at += nodes_[c].samples;
    }
  }

  const Profile& profile_;
  std::vector<Node> nodes_;
  std::vector<size_t> parents_ = {0};
  uint32_t max_depth_ = 0;
};

/// {s} as XML character data or an attribute value: markup characters escaped, characters
/// XML 1.0 forbids (most controls) replaced by U+FFFD, invalid UTF-8 likewise.
std::string xml(const std::string& s) {
  std::string out;
  for (const char c : replace_invalid_utf8(s)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xef\xbf\xbd";
        } else {
          out += c;
        }
    }
  }
  return out;
}

/// {name} cut to what fits in {width} pixels: whole, or its first characters and "..", or
/// nothing when not even three characters fit. Counts code points, never splitting one (the
/// script's {fit} does the same when zooming).
std::string fit_label(const std::string& name, double width) {
  const auto fits = static_cast<int64_t>(std::floor((width - 2 * kTextInset) / kCharWidth));
  if (fits < 3) return "";
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xc0) != 0x80) starts.push_back(i);
  }
  if (static_cast<int64_t>(starts.size()) <= fits) return name;
  return name.substr(0, starts[static_cast<size_t>(fits - 2)]) + "..";
}

/// A stable colour per name: warm for guest code, blue for time in the host, greys for the
/// root and threads, red for lost samples.
std::string colour(const Node& node) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (const char c : node.name)
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  unsigned r = 0, g = 0, b = 0;
  switch (node.kind) {
    case NodeKind::kRoot:
      r = g = b = 0xb8;
      break;
    case NodeKind::kThread:
      r = g = b = 0xd4;
      break;
    case NodeKind::kLost:
      r = 0xe0, g = 0x60, b = 0x60;
      break;
    case NodeKind::kUnknown:
      r = g = b = 0xa0;
      break;
    case NodeKind::kHost:
      r = 70 + h % 50, g = 130 + (h >> 8) % 60, b = 200 + (h >> 16) % 50;
      break;
    case NodeKind::kGuest:
      r = 215 + h % 40, g = 90 + (h >> 8) % 130, b = 30 + (h >> 16) % 50;
      break;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

std::string fixed(double value, int digits = 2) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// The tooltip: name, samples and share of all, location, note.
std::string tooltip(const Node& node, uint64_t total) {
  std::string text = node.name + " (" + count(node.samples, "sample", "samples") + ", " +
                     fixed(100.0 * static_cast<double>(node.samples) / static_cast<double>(total)) +
                     "%)";
  if (!node.where.empty()) text += " at " + node.where;
  if (!node.note.empty()) text += "; " + node.note;
  return text;
}

// Zooms into the clicked frame (ancestors then span the width, anything beside it is hidden),
// back out on the root, "Reset zoom" or Escape; shows the hovered frame's tooltip below.
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  var W = @WIDTH@, PAD = @PAD@, CHAR = @CHAR@, INSET = @INSET@;
  var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
  var details = document.getElementById('details');
  var reset = document.getElementById('reset');
  function num(g, key) { return parseFloat(g.getAttribute('data-' + key)); }
  function fit(name, width) {
    var fits = Math.floor((width - 2 * INSET) / CHAR);
    var chars = Array.from(name);
    if (fits < 3) return '';
    return chars.length <= fits ? name : chars.slice(0, fits - 2).join('') + '..';
  }
  function zoom(target) {
    var s = num(target, 's'), n = num(target, 'n'), d = num(target, 'd');
    var scale = (W - 2 * PAD) / n;
    frames.forEach(function (g) {
      var gs = num(g, 's'), gn = num(g, 'n'), gd = num(g, 'd');
      var x, w, shown;
      if (gd < d) {
        shown = gs <= s && gs + gn >= s + n;
        x = PAD; w = W - 2 * PAD;
      } else {
        shown = gs >= s && gs + gn <= s + n;
        x = PAD + (gs - s) * scale; w = gn * scale;
      }
      g.style.display = shown ? '' : 'none';
      g.classList.toggle('above', shown && gd < d);
      if (!shown) return;
      var rect = g.querySelector('rect'), text = g.querySelector('text');
      rect.setAttribute('x', x.toFixed(2));
      rect.setAttribute('width', Math.max(w >= 2 ? w - 1 : w, 0).toFixed(2));
      text.setAttribute('x', (x + INSET).toFixed(2));
      text.textContent = fit(g.getAttribute('data-name'), w);
    });
    reset.style.display = d === 0 ? 'none' : '';
  }
  document.documentElement.addEventListener('click', function (e) {
    if (e.target.closest('#reset')) { zoom(frames[0]); return; }
    var g = e.target.closest('g.f');
    if (g) zoom(g);
  });
  document.documentElement.addEventListener('mouseover', function (e) {
    var g = e.target.closest('g.f');
    details.textContent = g ? g.querySelector('title').textContent : ' ';
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') zoom(frames[0]);
  });
})();
)JS";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

std::string write_svg(const Profile& profile) {
  const FlameTree tree(profile);
  const std::vector<Node>& nodes = tree.nodes();
  const uint64_t total = nodes[0].samples;
  const double height = kTop + (tree.max_depth() + 1) * kFrameHeight + kBottom;
  const double scale = (kWidth - 2 * kPad) / static_cast<double>(total == 0 ? 1 : total);

  std::string title = "Flame graph: " + (profile.program.empty() ? "wasmscope" : profile.program);
  std::string subtitle = profile.mode + " time at " + std::to_string(profile.hz) +
                         " Hz: " + count(profile.total_samples(), "sample", "samples");
  if (profile.total_lost() != 0) {
    subtitle += " and " + std::to_string(profile.total_lost()) + " lost (\"[lost samples]\")";
  }
  if (total != 0) subtitle += "; click a frame to zoom, Escape to zoom out";

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + fixed(kWidth, 0) +
         "\" height=\"" + fixed(height, 0) + "\" viewBox=\"0 0 " + fixed(kWidth, 0) + " " +
         fixed(height, 0) + "\" font-family=\"monospace\" font-size=\"12\">\n";
  out +=
      "<style>g.f { cursor: pointer; } g.f:hover rect { stroke: #000; stroke-width: 0.5; }"
      " g.above rect { opacity: 0.6; } #reset { cursor: pointer; fill: #1a5fb4; }</style>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fbfaf7\"/>\n";
  out += "<text x=\"" + fixed(kWidth / 2, 0) +
         "\" y=\"20\" text-anchor=\"middle\" font-size=\"16\">" + xml(title) + "</text>\n";
  out += "<text x=\"" + fixed(kWidth / 2, 0) + "\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">" +
         xml(subtitle) + "</text>\n";
  out += "<text id=\"reset\" x=\"" + fixed(kPad, 0) + "\" y=\"20\" style=\"display:none\">" +
         "Reset zoom</text>\n";
  out += "<text id=\"details\" x=\"" + fixed(kPad, 0) + "\" y=\"" + fixed(height - 12, 0) +
         "\"> </text>\n";
  out += "<g id=\"frames\">\n";
  for (const Node& node : nodes) {
    if (node.samples == 0 && node.kind != NodeKind::kRoot) continue;
    const double x = kPad + static_cast<double>(node.start) * scale;
    const double w = total == 0 ? kWidth - 2 * kPad : static_cast<double>(node.samples) * scale;
    const double y = kTop + (tree.max_depth() - node.depth) * kFrameHeight;
    out += "<g class=\"f\" data-s=\"" + std::to_string(node.start) + "\" data-n=\"" +
           std::to_string(total == 0 ? 1 : node.samples) + "\" data-d=\"" +
           std::to_string(node.depth) + "\" data-name=\"" + xml(node.name) + "\">";
    out += "<title>" + xml(tooltip(node, total == 0 ? 1 : total)) + "</title>";
    out += "<rect x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" width=\"" +
           fixed(w >= 2 ? w - 1 : w) + "\" height=\"" + fixed(kFrameHeight - 1) + "\" fill=\"" +
           colour(node) + "\" rx=\"2\"/>";
    out += "<text x=\"" + fixed(x + kTextInset) + "\" y=\"" + fixed(y + kFrameHeight - 5) + "\">" +
           xml(fit_label(replace_invalid_utf8(node.name), w)) + "</text></g>\n";
  }
  out += "</g>\n<script><![CDATA[";
  std::string script = replace_all(kScript, "@WIDTH@", fixed(kWidth, 0));
  script = replace_all(script, "@PAD@", fixed(kPad, 0));
  script = replace_all(script, "@CHAR@", fixed(kCharWidth, 1));
  script = replace_all(script, "@INSET@", fixed(kTextInset, 0));
  out += script + "]]></script>\n</svg>\n";
  return out;
}

}  // namespace wasmscope::internal::diag
