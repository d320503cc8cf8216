// The call graph that the capture stress tests run and check captures against: its guest
// module (plain calls, or tail calls), its edges, and the check that a capture is a path of it.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "wasmscope/wasmscope.hh"

namespace wasmscope::test_graph {

// The parts the graphs below share, spliced into their texts (adjacent string literals): the
// leaf c, which counts its calls at address 4 and loops a few times (a back-edge safepoint in
// a leaf); main's endless loop calling a on odd rounds and b on even ones, counting them at
// address 0 (not the exception graph's, which catches around each call); and the exports
// that read the two counters.
#define WS_GRAPH_LEAF \
  "  (func $c\n" \
  "    (local $k i32)\n" \
  "    (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))\n" \
  "    (loop $l\n" \
  "      (local.set $k (i32.add (local.get $k) (i32.const 1)))\n" \
  "      (br_if $l (i32.lt_u (local.get $k) (i32.const 4)))))\n"
#define WS_GRAPH_MAIN \
  "  (func $main (export \"main\")\n" \
  "    (local $i i32)\n" \
  "    (loop $l\n" \
  "      (if (i32.and (local.get $i) (i32.const 1))\n" \
  "        (then (call $a))\n" \
  "        (else (call $b)))\n" \
  "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n" \
  "      (i32.store (i32.const 0) (local.get $i))\n" \
  "      (br $l)))\n"
#define WS_GRAPH_COUNTERS \
  "  (func (export \"rounds\") (result i32) (i32.load (i32.const 0)))\n" \
  "  (func (export \"leaf_calls\") (result i32) (i32.load (i32.const 4))))\n"

// The call graph: main loops forever calling a (odd rounds) or b (even rounds); a -> c;
// b -> c, d; d -> c, then env.tick (a host function, not a guest frame). Function indices:
// tick 0 (import), main 1, a 2, b 3, c 4, d 5.
inline constexpr const char* kGraph = R"((module $graph
  (import "env" "tick" (func $tick))
  (memory (export "mem") 1)
)"
    WS_GRAPH_MAIN R"(  (func $a (call $c))
  (func $b (call $c) (call $d))
)"
    WS_GRAPH_LEAF R"(  (func $d (call $c) (call $tick))
)"
    WS_GRAPH_COUNTERS;
inline constexpr uint32_t kMain = 1, kA = 2, kB = 3, kC = 4, kD = 5, kE = 6;

// The same shape with tail calls, which replace the caller's frame by the callee's (as in the
// interpreter): a -> c, b -> d and e -> c are return_calls, d -> e a return_call_indirect; d
// and e take arguments of other types, d some on the native stack. So a stack shows main -> c
// where a tail-called it, main -> d for b, main -> e for d. On compiled code a signal may
// land on the jump of a tail call, after the caller's frame is popped.
inline constexpr const char* kTailGraph = R"((module $graph
  (import "env" "tick" (func $tick))
  (type $te (func (param f64)))
  (memory (export "mem") 1)
  (table funcref (elem $e))
)"
    WS_GRAPH_MAIN R"(  (func $a (return_call $c))
  (func $b (call $c)
    (return_call $d (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
                    (i32.const 6) (i32.const 7)))
)"
    WS_GRAPH_LEAF R"(  (func $d (param i32 i32 i32 i32 i32 i32 i32) (call $c) (call $tick)
    (return_call_indirect (type $te) (f64.convert_i32_u (local.get 6)) (i32.const 0)))
  (func $e (type $te) (call $c) (return_call $c))
)"
    WS_GRAPH_COUNTERS;

// The same graph with exception handling: d throws after its host call, and main catches it
// around each round's call (a try_table in the loop), so every b round unwinds d and b at
// once. Captures must stay paths of kCalls's edges throughout, whatever instant they hit.
inline constexpr const char* kThrowGraph = R"((module $graph
  (import "env" "tick" (func $tick))
  (tag $e (param i32))
  (memory (export "mem") 1)
  (func $main (export "main")
    (local $i i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h)
          (if (i32.and (local.get $i) (i32.const 1))
            (then (call $a))
            (else (call $b))))
        (i32.const 0))
      (drop)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.store (i32.const 0) (local.get $i))
      (br $l)))
  (func $a (call $c))
  (func $b (call $c) (call $d))
)"
    WS_GRAPH_LEAF R"(  (func $d (call $c) (call $tick) (throw $e (i32.load (i32.const 0))))
)"
    WS_GRAPH_COUNTERS;

/// A guest call graph: its text, its edges (caller -> callee as a stack shows them) and the
/// names of its functions by index.
struct Graph {
  const char* wat;
  std::set<std::pair<uint32_t, uint32_t>> edges;
  std::vector<const char*> names;
};
inline const Graph kCalls{kGraph,
                   {{kMain, kA}, {kMain, kB}, {kA, kC}, {kB, kC}, {kB, kD}, {kD, kC}},
                   {"tick", "main", "a", "b", "c", "d"}};
inline const Graph kThrows{kThrowGraph, kCalls.edges, kCalls.names};
inline const Graph kTailCalls{kTailGraph,
                       {{kMain, kA}, {kMain, kB}, {kMain, kC}, {kMain, kD}, {kMain, kE},
                        {kB, kC}, {kD, kC}, {kE, kC}},
                       {"tick", "main", "a", "b", "c", "d", "e"}};

/// Why {c} is not a path of the graph from main, or "" when it is.
inline std::string invalid_path(const StackCapture& c, const Graph& graph = kCalls) {
  if (c.frames.empty()) return "no frames";
  if (c.truncated || c.depth != c.frames.size()) {
    return "depth " + std::to_string(c.depth) + " but " + std::to_string(c.frames.size()) +
           " frames";
  }
  if (c.frames.back().func_index != kMain) {
    return "outermost is func " + std::to_string(c.frames.back().func_index);
  }
  for (size_t i = c.frames.size() - 1; i > 0; --i) {
    const uint32_t caller = c.frames[i].func_index, callee = c.frames[i - 1].func_index;
    if (!graph.edges.contains({caller, callee})) {
      return "no edge " + std::to_string(caller) + " -> " + std::to_string(callee);
    }
  }
  return "";
}

}  // namespace wasmscope::test_graph
