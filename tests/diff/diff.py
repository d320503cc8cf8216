#!/usr/bin/env python3
"""The differential execution test: generates modules with binaryen's translate-to-fuzz, runs
each in binaryen's interpreter (`wasm-opt --fuzz-exec-before`, the reference), in wasmscope
(tests/diff/diff_driver.cc, both bounds-check modes) and in node (tests/diff/run.mjs), and
compares what every export logs, returns and traps. See docs/testing.md ("Differential
execution") and tests/diff/run.sh for the usage.

Deterministic for a given seed: module i of a run is generated from random bytes drawn from
Random(f"{seed}:{features}:{i}"); odd-numbered modules also go through the random optimization
passes binaryen picks from those bytes (--fuzz-passes).
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Feature sets: wasm-opt's flags, wabt's (wasm-validate, the independent validity judge) and
# the set name diff_driver knows.
V2 = ["sign-ext", "nontrapping-float-to-int", "bulk-memory", "multivalue", "tail-call",
      "reference-types"]
FEATURE_SETS = {
    "mvp": [],
    "v2": V2,
    "simd": V2 + ["simd"],
    "threads": V2 + ["simd", "threads"],
}
# Feature sets whose modules come from binaryen 132 (npm's binaryen.js, --binaryen132 or
# $WASMSCOPE_BINARYEN132): exception handling (try_table, throw, throw_ref, exnref and the
# legacy try/catch/rethrow/delegate), which binaryen 108 cannot generate. Its --fuzz-exec gives
# the modules more fuzzing-support imports (tests/diff/fuzz_imports.h) and prints in a newer
# form ({parse_binaryen132}). wabt (1.0.32) knows no exnref, so these modules are neither
# validated nor gated by wasm-validate (binaryen validates what it writes) and their NaN
# recheck uses binaryen 132's own --denan. Node is not run: node 20's V8 (11.3) has no
# try_table or exnref under any flag, and reads binaryen 132's `ref.null noextern` only with
# --experimental-wasm-gc. Not part of "all": name them in --features.
BINARYEN132_SETS = {"eh": V2 + ["exception-handling"]}
BINARYEN132 = None  # the command that runs binaryen 132's wasm-opt, set by main()

WABT_FLAGS = {  # wasm-validate's defaults are 2.0 without tail calls and threads
    "sign-ext": "--disable-sign-extension", "nontrapping-float-to-int":
    "--disable-saturating-float-to-int", "bulk-memory": "--disable-bulk-memory",
    "multivalue": "--disable-multi-value", "reference-types": "--disable-reference-types",
    "simd": "--disable-simd",
}

TIMEOUT = 60


def wasm_opt_features(features):
    return ["--mvp-features"] + [f"--enable-{f}" for f in features]


def wabt_features(features):
    flags = [flag for f, flag in WABT_FLAGS.items() if f not in features]
    if "tail-call" in features:
        flags.append("--enable-tail-call")
    if "threads" in features:
        flags.append("--enable-threads")
    return flags


def run(cmd, timeout=TIMEOUT, **kw):
    """(returncode or 'timeout', stdout, stderr) of {cmd}."""
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, text=True,
                           errors="replace", **kw)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout", out, ""


# ---------------------------------------------------------------------------------------------
# Traps: each engine's message to a category. Fine categories are the spec's messages;
# V8 merges some of them (its messages do not tell a NaN from an overflow in a truncation, an
# index past the table from a bad element, a null element from a signature mismatch), so a
# comparison with node uses the coarse ones.

FINE_TRAPS = {
    "unreachable": "unreachable",
    "integer divide by zero": "div-zero",
    "integer overflow": "int-overflow",
    "invalid conversion to integer": "trunc-nan",
    "out of bounds memory access": "oob-memory",
    "out of bounds table access": "oob-table",
    "undefined element": "undefined-element",
    "uninitialized element": "uninitialized-element",
    "indirect call type mismatch": "sig-mismatch",
    "call stack exhausted": "stack",
    "unaligned atomic": "unaligned-atomic",
    "expected shared memory": "expected-shared",
}
COARSE = {"trunc-nan": "trunc-or-overflow", "trunc": "trunc-or-overflow",
          "int-overflow": "trunc-or-overflow",
          "undefined-element": "table-oob", "oob-table": "table-oob",
          "uninitialized-element": "null-or-sig", "sig-mismatch": "null-or-sig"}


def wasmscope_trap(message):
    return FINE_TRAPS.get(message, "other:" + message)


# Exception handling's traps (throw_ref of null) and the other null-reference traps: one
# category, as binaryen 132 says "null ref" for each.
FINE_TRAPS_132 = dict(FINE_TRAPS, **{"null exception reference": "null-ref",
                                     "null function reference": "null-ref",
                                     "null reference": "null-ref"})


def wasmscope_trap132(message):
    return FINE_TRAPS_132.get(message, "other:" + message)


def binaryen132_trap(message):
    """binaryen 132's trap messages: 108's, and a few new ones."""
    for pattern, category in [(r"^null ref", "null-ref"),
                              (r"Table::[a-z]+ out of bounds", "oob-table"),
                              (r"null target in call_indirect", "uninitialized-element"),
                              (r"cast failure in call_indirect", "return-call-cast"),
                              (r"callIndirect: non-subtype", "sig-mismatch")]:
        if re.search(pattern, message):
            return category
    return binaryen_trap(message)


def binaryen_trap(message):
    m = message
    rules = [
        (r"^unreachable", "unreachable"),
        (r"unaligned", "unaligned-atomic"),
        (r"by 0$|divide by zero", "div-zero"),
        (r"trunc.*of nan", "trunc-nan"),
        (r"trunc.*overflow", "int-overflow"),  # the spec's message for both
        (r"(div|rem)_?[su]? overflow|^i(32|64)\.div_s overflow", "int-overflow"),
        (r"callTable overflow|callIndirect: bad|undefined element", "undefined-element"),
        (r"uninitialized|null|callIndirect: empty", "uninitialized-element"),
        (r"function types don't match|callIndirect: bad type|signature", "sig-mismatch"),
        (r"stack limit|call stack", "stack"),
        (r"table", "oob-table"),
        (r"memory|segment|out of bounds", "oob-memory"),
    ]
    for pattern, category in rules:
        if re.search(pattern, m):
            return category
    return "other:" + m


def v8_trap(message):
    rules = [
        (r"^unreachable", "unreachable"),
        (r"unaligned", "unaligned-atomic"),
        (r"by zero", "div-zero"),
        (r"divide result unrepresentable", "int-overflow"),
        (r"float unrepresentable", "trunc"),
        (r"memory access out of bounds|data segment", "oob-memory"),
        (r"table index is out of bounds|table access|element segment|out of bounds",
         "table-oob"),
        (r"null function|signature mismatch", "null-or-sig"),
        (r"^stack:", "stack"),
    ]
    for pattern, category in rules:
        if re.search(pattern, message):
            return category
    return "other:" + message


# ---------------------------------------------------------------------------------------------
# Outputs to event lists.

def parse_normal(text, trap_category):
    """diff_driver's or run.mjs's output: a list of events."""
    events = []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "instantiate":
            status, _, msg = rest.partition(" ")
            if status == "ok":
                events.append(("inst", "ok"))
            elif status == "trap":
                events.append(("inst", "trap"))
            elif status == "exception":
                events.append(("inst", "exception"))
            else:
                events.append(("error", line))
        elif kind == "call":
            events.append(("call", rest.split(" ")[0], rest))
        elif kind == "log":
            t, _, v = rest.partition(" ")
            events.append(("log", [(t, v)]))
        elif kind == "result":
            events.append(("result", [tuple(x.split(":", 1)) for x in rest.split(" ")]))
        elif kind == "trap":
            events.append(("trap", trap_category(rest), rest))
        elif kind in ("skip", "error", "compile"):
            events.append((kind if kind != "compile" else "error", line))
        elif kind == "global":  # the eh sets only: "global NAME TYPE:VALUE"
            name, _, value = rest.partition(" ")
            events.append(("global", name, [tuple(value.split(":", 1))]))
        elif kind == "exception":  # the eh sets only: "exception TAG TYPE:VALUE..."
            tag, *values = rest.split(" ")
            events.append(("exception", tag, [tuple(x.split(":", 1)) for x in values]))
    return events


def split_top(text):
    """'(a, funcref(x), b)' -> ['a', 'funcref(x)', 'b']."""
    if text.startswith("(") and text.endswith(")"):
        parts, depth, cur = [], 0, ""
        for ch in text[1:-1]:
            if ch == "," and depth == 0:
                parts.append(cur.strip())
                cur = ""
                continue
            depth += ch == "("
            depth -= ch == ")"
            cur += ch
        parts.append(cur.strip())
        return parts
    return [text]


def parse_binaryen(text):
    """wasm-opt --fuzz-exec-before's output: events whose values are still binaryen's text."""
    events = []
    seen_call = False
    for line in text.splitlines():
        if line.startswith("[fuzz-exec] calling "):
            if not seen_call:
                events.append(("inst", "ok"))
            seen_call = True
            events.append(("call", line[len("[fuzz-exec] calling "):]))
        elif line.startswith("[fuzz-exec] note result: "):
            value = line.split(" => ", 1)[1]
            events.append(("result", split_top(value)))
        elif line.startswith("[LoggingExternalInterface logging "):
            events.append(("log", line[len("[LoggingExternalInterface logging "):-1]))
        elif line.startswith("[trap "):
            if not seen_call:
                events.append(("inst", "trap"))
                seen_call = True
            else:
                events.append(("trap", binaryen_trap(line[6:-1]), line[6:-1]))
        elif line.startswith("[host limit"):
            events.append(("skip", "binaryen host limit"))
        elif line.startswith("[exception thrown") or line.startswith("[trap fuzzer"):
            events.append(("skip", line))
    return events


# ---------------------------------------------------------------------------------------------
# Values.

def is_nan_bits(t, bits):
    if t == "f32":
        return (bits & 0x7f800000) == 0x7f800000 and (bits & 0x7fffff) != 0
    return (bits & 0x7ff0000000000000) == 0x7ff0000000000000 and (bits & 0xfffffffffffff) != 0


def binaryen_float_bits(t, text):
    """The bits binaryen's text stands for; None when it cannot be read."""
    neg = text.startswith("-")
    body = text[1:] if neg else text
    if body.startswith("nan:0x"):
        payload = int(body[6:], 16)
        if t == "f32":
            return (neg << 31) | 0x7f800000 | payload
        return (neg << 63) | 0x7ff0000000000000 | payload
    try:
        value = float(text)
    except ValueError:
        return None
    if t == "f32":
        try:
            return struct.unpack("<I", struct.pack("<f", value))[0]
        except OverflowError:
            return None
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def float_equal(t, a, b):
    return a == b or (is_nan_bits(t, a) and is_nan_bits(t, b))


def binaryen_value_matches(t, ours, text):
    """Whether binaryen's {text} is the value wasmscope printed as {ours} (type {t})."""
    if t in ("i32", "i64"):
        try:
            return int(ours) == int(text)
        except ValueError:
            return False
    if t in ("f32", "f64"):
        bits = binaryen_float_bits(t, text)
        return bits is not None and float_equal(t, int(ours, 16), bits)
    if t == "v128":
        lanes = text.split(" ")
        return lanes[0] == "i32x4" and [int(x, 16) for x in lanes[1:]] == \
            [int(x, 16) for x in ours.split(":")]
    if t in ("funcref", "externref"):
        # binaryen 108 prints a single reference result as its type alone, null or not; in a
        # tuple, as "funcref(null)" or "funcref(NAME)". Node's comparison covers the former.
        if text in ("anyref", "funcref", "externref"):
            return True
        return (ours == "null") == text.endswith("(null)")
    return False


def binaryen_log_matches(values, text):
    """A wasmscope log event against binaryen's logged text."""
    (t, ours), = values
    if t == "i64":  # binaryen logs an i64 as its low and high halves, signed
        parts = text.split(" ")
        if len(parts) != 2:
            return False
        low, high = int(parts[0]) & 0xffffffff, int(parts[1]) & 0xffffffff
        return (int(ours) & 0xffffffffffffffff) == (high << 32 | low)
    return binaryen_value_matches(t, ours, text)


# Known bugs and limitations of the references, each a predicate on a pair of differing events
# (wasmscope's, the reference's): tests/diff/known.txt explains each and names its evidence
# module in tests/diff/evidence/. A difference a rule excuses is counted under the rule, never
# as equal; the events after it are still compared.
KNOWN_RULES = {
    # The threads proposal checks alignment before bounds (its reference interpreter calls
    # check_align before the access); binaryen 108 checks bounds first.
    "binaryen-atomic-bounds-before-alignment": lambda engine, a, b: (
        engine == "binaryen" and a[0] == b[0] == "trap" and a[1] == "unaligned-atomic"
        and b[1] == "oob-memory"),
    # V8 does the same for memory.atomic.notify (a runtime call that checks bounds first).
    "v8-notify-bounds-before-alignment": lambda engine, a, b: (
        engine == "node" and a[0] == b[0] == "trap" and a[1] == "unaligned-atomic"
        and b[1] == "oob-memory"),
    # Binaryen 132 reads call_indirect's table like table.get: an index past the end traps
    # "out of bounds table access", where the spec says "undefined element".
    "binaryen132-call-indirect-past-table-end": lambda engine, a, b: (
        engine == "binaryen132" and a[0] == b[0] == "trap" and a[1] == "undefined-element"
        and b[1] == "oob-table"),
    # Binaryen 132's return_call_indirect says "cast failure in call_indirect" both for a null
    # element and for a function of another type.
    "binaryen132-return-call-indirect-cast": lambda engine, a, b: (
        engine == "binaryen132" and a[0] == b[0] == "trap"
        and a[1] in ("uninitialized-element", "sig-mismatch") and b[1] == "return-call-cast"),
}


def binaryen_events_equal(a, b, value_matches=None):
    """One event of ours against binaryen's; {value_matches} compares a value with binaryen's
    text (binaryen 108's by default). Globals and exceptions occur in binaryen 132's sets only."""
    value_matches = value_matches or binaryen_value_matches
    if a[0] != b[0]:
        return False
    kind = a[0]
    if kind in ("inst", "call", "trap"):
        return a[1] == b[1]
    if kind == "log":
        return binaryen_log_matches(a[1], b[1])
    if kind == "result":
        return len(a[1]) == len(b[1]) and all(
            value_matches(t, v, text) for (t, v), text in zip(a[1], b[1]))
    if kind == "global":
        (t, v), = a[2]
        return a[1] == b[1] and value_matches(t, v, b[2])
    if kind == "exception":
        return a[1] == b[1] and len(a[2]) == len(b[2]) and all(
            value_matches(t, v, text) for (t, v), text in zip(a[2], b[2]))
    return True


# ---------------------------------------------------------------------------------------------
# Binaryen 132 (the eh sets): its --fuzz-exec-before output and values.

BINARYEN132_TAGS = {"imported-wasm-tag": "wasmtag", "imported-js-tag": "jstag"}


def parse_binaryen132(text, global_exports):
    """binaryen 132's `--fuzz-exec-before` output: events as {parse_binaryen}'s, and ("global",
    NAME, TEXT) for an exported global (one of {global_exports}: binaryen prints each export's
    name alike, a global's value as a logging), ("exception", TAG, [TEXT...]) for an uncaught
    exception and ("inst", "exception") when the start function threw. It does not call
    hangLimitInitializer; a result of several values takes one line per value."""
    events, seen_export, pending_global, in_result = [], False, None, False
    for line in text.splitlines():
        if in_result and not line.startswith("["):
            events[-1][1].append(line)
            continue
        in_result = False
        if line.startswith("[fuzz-exec] export "):
            if not seen_export:
                events.append(("inst", "ok"))
            seen_export = True
            name = line[len("[fuzz-exec] export "):]
            if name in global_exports:
                pending_global = name
            else:
                events.append(("call", name))
        elif line.startswith("[fuzz-exec] note result: "):
            events.append(("result", [line.split(" => ", 1)[1]]))
            in_result = True
        elif line.startswith("[LoggingExternalInterface logging"):
            body = line[len("[LoggingExternalInterface logging "):-1]
            if pending_global:
                events.append(("global", pending_global, body))
                pending_global = None
            else:
                events.append(("log", body))
        elif line.startswith("[trap fuzzer") or line.startswith("[host limit"):
            events.append(("skip", line))
        elif line.startswith("[trap "):
            if not seen_export:
                events.append(("inst", "trap"))
                seen_export = True
            else:
                events.append(("trap", binaryen132_trap(line[6:-1]), line[6:-1]))
        elif line.startswith("[exception thrown: "):
            body = line[len("[exception thrown: "):-1]
            if body == "failed to instantiate module":
                events.append(("inst", "exception"))
                seen_export = True
            elif body == "unhandled suspend":
                events.append(("skip", line))
            else:
                tag, *payload = body.split(" ")
                events.append(("exception", BINARYEN132_TAGS.get(tag, "tag"), payload))
    if not seen_export:  # no export at all: instantiation went well
        events.append(("inst", "ok"))
    return events


def binaryen132_value_matches(t, ours, text):
    """binaryen 132 prints a reference as JS sees it: null, "function", an externref's payload
    ("externref(N)", "jserror" for a JS exception's), "object(...)" for anything else."""
    if t == "funcref":
        return (ours == "null") == (text == "null")
    if t == "externref":
        if ours == "null" or text == "null":
            return ours == text
        if text == "jserror":
            return ours == "2989"  # fuzz_imports.h's kJsErrorPayload, 0xbad
        return text == f"externref({ours})"
    if t == "exnref":
        return (ours == "null") == (text == "null")
    return binaryen_value_matches(t, ours, text)


def binaryen132_events_equal(a, b):
    return binaryen_events_equal(a, b, binaryen132_value_matches)


def compare_events(ours, theirs, equal, engine, excused):
    """None if equal, else a description of the first difference; adds the known rules that
    excused a difference to {excused}."""
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else ("end",)
        b = theirs[i] if i < len(theirs) else ("end",)
        if equal(a, b):
            continue
        rule = next((r for r, applies in KNOWN_RULES.items() if applies(engine, a, b)), None)
        if rule is None:
            return f"event {i}: wasmscope {a} vs {engine} {b}"
        excused.add(rule)
    return None


def compare_with_binaryen(ours, theirs, excused):
    return compare_events(ours, theirs, binaryen_events_equal, "binaryen", excused)


def normal_value_equal(x, y):
    (tx, vx), (ty, vy) = x, y
    if tx != ty:
        return False
    if tx in ("f32", "f64"):
        return float_equal(tx, int(vx, 16), int(vy, 16))
    return vx == vy


def normal_events_equal(a, b, coarse):
    if a[0] != b[0]:
        return False
    if a[0] in ("inst", "call"):
        return a[1:2] == b[1:2] and (a[0] != "call" or a[2] == b[2])
    if a[0] in ("log", "result"):
        return len(a[1]) == len(b[1]) and all(map(normal_value_equal, a[1], b[1]))
    if a[0] == "trap":
        ca, cb = a[1], b[1]
        if coarse:
            ca, cb = COARSE.get(ca, ca), COARSE.get(cb, cb)
        return ca == cb
    return a == b


def compare_normal(ours, theirs, coarse, other="node", excused=None):
    return compare_events(ours, theirs, lambda a, b: normal_events_equal(a, b, coarse), other,
                          set() if excused is None else excused)


def first_skip(events):
    for e in events:
        if e[0] == "skip":
            return e[1]
    return None


def has_stack_trap(*event_lists):
    return any(e[0] == "trap" and e[1] == "stack" for events in event_lists for e in events)


# ---------------------------------------------------------------------------------------------

class Counts:
    def __init__(self):
        self.generated = 0
        self.regenerated_noref = 0
        self.compared = 0
        self.equal = 0
        self.different = 0
        self.explained = {}  # per rule: modules it excused a difference in
        self.explained_modules = 0  # modules equal but for excused differences
        self.skipped = {}
        self.node_compared = 0
        self.node_skipped = {}
        self.gating_checked = 0  # modules checked under the smaller feature sets
        self.gating_differences = 0

    @staticmethod
    def add(table, reason):
        reason = re.sub(r"@\+\d+|#\d+|\d{3,}", "N", reason)[:110]
        table[reason] = table.get(reason, 0) + 1

    def as_dict(self):
        return {"generated": self.generated, "regenerated_without_reference_types":
                self.regenerated_noref, "compared": self.compared, "equal": self.equal,
                "different": self.different, "explained_modules": self.explained_modules,
                "explained": self.explained,
                "skipped": self.skipped, "node_compared": self.node_compared,
                "node_skipped": self.node_skipped, "feature_gating_checked":
                self.gating_checked, "feature_gating_differences": self.gating_differences}


def load_known(path):
    """tests/diff/known.txt: 'RULE EVIDENCE explanation' lines, one per rule of KNOWN_RULES."""
    known = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            rule, evidence, why = line.split(" ", 2)
            known[rule] = why
    missing = set(KNOWN_RULES) - set(known)
    if missing:
        sys.exit(f"diff: {path} does not explain {sorted(missing)}")
    return known


def run_wasmscope(args, features, path):
    """diff_driver's events in both bounds modes, and on each further tier of --tiers in guard
    mode: (events, None) or (None, difference). All must agree exactly, NaN bits included."""
    results = {}
    first = ["--tier", args.tiers[0]]
    runs = [("guard", first), ("explicit", first + ["--explicit-bounds"])]
    runs += [(tier, ["--tier", tier]) for tier in args.tiers[1:]]
    for name, extra in runs:
        cmd = [args.driver] + extra + ["--features", features, path]
        rc, out, err = run(cmd)
        if rc != 0:
            return None, f"wasmscope ({name}) exit {rc}: {err.strip()[-300:]}"
        results[name] = parse_normal(
            out, wasmscope_trap132 if features in BINARYEN132_SETS else wasmscope_trap)
    for name, _ in runs[1:]:
        if results["guard"] != results[name]:
            what = "bounds modes" if name == "explicit" else f"tiers ({args.tiers[0]}, {name})"
            detail = compare_normal(results["guard"], results[name], False, name)
            # compare_normal takes any NaN for any NaN: None means only NaN bits differ.
            return None, f"wasmscope's {what} differ: " + (detail or "in NaN bits only")
    for e in results["guard"]:
        if e[0] == "error":
            return None, "wasmscope: " + e[1]
    return results["guard"], None


def check_binaryen(args, features, path, excused):
    """wasmscope against binaryen on {path}: (status, detail, wasmscope's events), status one
    of equal, different, skip."""
    if features in BINARYEN132_SETS:
        return check_binaryen132(args, features, path, excused)
    rc, out, err = run(["wasm-opt", path, "--fuzz-exec-before", "-q"] +
                       wasm_opt_features(FEATURE_SETS[features]))
    if rc == "timeout":
        return "skip", "binaryen timed out", None
    if rc != 0:
        return "skip", "binaryen failed: " + (err.strip().splitlines() or ["?"])[-1], None
    reference = parse_binaryen(out)
    ours, problem = run_wasmscope(args, features, path)
    if problem:
        return "different", problem, None
    skip = first_skip(reference)
    if skip:
        return "skip", skip, ours
    diff = compare_with_binaryen(ours, reference, excused)
    if diff and has_stack_trap(ours, reference):
        return "skip", "call stack limits differ", ours
    if diff:
        return "different", "vs binaryen: " + diff, ours
    return "equal", None, ours


def check_binaryen132(args, features, path, excused):
    """{check_binaryen} for the sets binaryen 132 generates and runs. The globals wasmscope
    printed tell {parse_binaryen132} which exports are globals."""
    rc, out, err = run(BINARYEN132 + [path, "--fuzz-exec-before", "-q"] +
                       wasm_opt_features(BINARYEN132_SETS[features]))
    if rc == "timeout":
        return "skip", "binaryen timed out", None
    if rc != 0:
        return "skip", "binaryen failed: " + (err.strip().splitlines() or ["?"])[-1], None
    ours, problem = run_wasmscope(args, features, path)
    if problem:
        return "different", problem, None
    reference = parse_binaryen132(out, {e[1] for e in ours if e[0] == "global"})
    skip = first_skip(reference)
    if skip:
        return "skip", skip, ours
    diff = compare_events(ours, reference, binaryen132_events_equal, "binaryen132", excused)
    if diff and has_stack_trap(ours, reference):
        return "skip", "call stack limits differ", ours
    if diff:
        return "different", "vs binaryen: " + diff, ours
    return "equal", None, ours


def check_node(ours, text, excused):
    """wasmscope's events against run.mjs's {text}: (status, detail)."""
    theirs = parse_normal(text, v8_trap)
    skip = first_skip(theirs)
    if skip:
        return "skip", skip
    err = [e for e in theirs if e[0] == "error"]
    diff = "node: " + err[0][1] if err else compare_normal(ours, theirs, True, "node", excused)
    if diff and has_stack_trap(ours, theirs):
        return "skip", "call stack limits differ"
    return ("different", "vs node: " + diff) if diff else ("equal", None)


def node_outputs(args, paths):
    """run.mjs on {paths} in one process (each again alone if that fails): {path: text}."""
    if args.no_node:
        return {p: "skip node not run" for p in paths}
    cmd = [args.node, "--no-warnings"] + args.node_flags + [os.path.join(HERE, "run.mjs")]
    rc, out, err = run(cmd + paths, timeout=TIMEOUT * 4)
    if rc != 0 and len(paths) > 1:
        result = {}
        for p in paths:
            result.update(node_outputs(args, [p]))
        return result
    if rc != 0:
        return {paths[0]: f"skip node exit {rc}: {err.strip()[-200:]}"}
    blocks, current = {}, None
    for line in out.splitlines():
        if line.startswith("=== "):
            current = line[4:]
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    return {p: "\n".join(lines) for p, lines in blocks.items()}


NAN_NOTE = "nan-bits"


# The float instructions whose NaN results the spec leaves nondeterministic (arithmetic: the
# sign and payload of the NaN they return). Constants, loads, reinterpretations, neg, abs and
# copysign give exact bits, and conversions from integers never give a NaN.
NAN_OPS = {f"{shape}.{op}" for shape in ("f32", "f64", "f32x4", "f64x2") for op in (
    "add", "sub", "mul", "div", "min", "max", "sqrt", "ceil", "floor", "trunc", "nearest")}
NAN_OPS |= {"f32.demote_f64", "f64.promote_f32", "f32x4.demote_f64x2_zero",
            "f64x2.promote_low_f32x4"}
DENAN_FUNCS = "".join(
    f"(func $__denan_{shape} (param $0 {shape}) (result {shape}) (select ({shape}.const 0) "
    f"(local.get $0) ({shape}.ne (local.get $0) (local.get $0))))\n" for shape in ("f32", "f64"))
SIMD_DENAN_FUNCS = "".join(
    f"(func $__denan_{shape} (param $0 v128) (result v128) (v128.bitselect (v128.const i32x4 "
    f"0 0 0 0) (local.get $0) ({shape}.ne (local.get $0) (local.get $0))))\n"
    for shape in ("f32x4", "f64x2"))


def denan_text(text, simd):
    """What binaryen's --denan does, on wabt's flat text (wasm2wat): a call that turns a NaN
    (each NaN lane) into 0 after every float instruction of {NAN_OPS}. Done here rather than
    by that pass, because binaryen 108's pass leaves SIMD alone and, like any binaryen 108
    rewrite of a module with reference types, may write local types the final spec lacks."""
    out = []
    for line in text.splitlines():
        words = line.split()
        op = words[0].rstrip(")") if len(words) == 1 else ""
        if op in NAN_OPS:  # the function's last instruction carries its closing parenthesis
            out.append(f"{op}\n    call $__denan_{op.split('.')[0]}{words[0][len(op):]}")
        else:
            out.append(line)
    text = "\n".join(out)
    last = text.rstrip().rindex(")")
    return text[:last] + DENAN_FUNCS + (SIMD_DENAN_FUNCS if simd else "") + text[last:]


def denan_module(path, features, out):
    """{path} with every NaN a float operation makes turned into 0, at {out}; False if that
    fails or does not give a valid module."""
    flags = wabt_features(FEATURE_SETS[features])
    rc, text, _ = run(["wasm2wat"] + flags + [path])
    if rc != 0:
        return False
    wat = out + ".wat"
    with open(wat, "w") as f:
        f.write(denan_text(text, "simd" in FEATURE_SETS[features]))
    rc, _, _ = run(["wat2wasm"] + flags + [wat, "-o", out])
    os.unlink(wat)
    return rc == 0


def nan_explains(args, features, path):
    """Whether {path} agrees everywhere once every NaN a float operation produces is turned
    into 0 ({denan_text}): then the difference was only in NaN bits, which the spec leaves
    nondeterministic (an arithmetic NaN's payload and sign; reinterpret, copysign, a lane
    extraction or a store shows them)."""
    denan = path + ".denan.wasm"
    if features in BINARYEN132_SETS:  # binaryen 132's own pass: wabt cannot read exnref
        rc, _, _ = run(BINARYEN132 + [path, "--denan", "-o", denan] +
                       wasm_opt_features(BINARYEN132_SETS[features]))
        made = rc == 0
    else:
        made = denan_module(path, features, denan)
    if not made:
        Runner.remove(denan)
        return False
    try:
        excused = set()
        status, _, ours = check_binaryen(args, features, denan, excused)
        if status != "equal":
            return False
        if features in BINARYEN132_SETS:
            return True
        node_status, _ = check_node(ours, node_outputs(args, [denan]).get(denan, ""), excused)
        return node_status != "different"
    finally:
        os.unlink(denan)


def generate(features, seed, index, work, with_ref=True):
    rng = random.Random(f"{seed}:{features}:{index}")
    size = rng.choice([1000, 4000, 16000, 40000]) + rng.randrange(1000)
    raw = os.path.join(work, f"{index}.bin")
    with open(raw, "wb") as f:
        f.write(rng.randbytes(size))
    out = os.path.join(work, f"{index}.wasm")
    # Every other module also goes through a random choice of binaryen's optimization passes
    # (chosen from the same bytes): other code shapes for wasmscope's translator to rewrite.
    passes = ["--fuzz-passes"] if index % 2 else []
    if features in BINARYEN132_SETS:
        rc, _, err = run(BINARYEN132 + ["-ttf", raw, "-o", out] + passes +
                         wasm_opt_features(BINARYEN132_SETS[features]))
        os.unlink(raw)
        if rc != 0:
            return None, "wasm-opt -ttf failed: " + err.strip()[-200:]
        return out, None
    fs = FEATURE_SETS[features]
    if not with_ref:
        fs = [f for f in fs if f != "reference-types"]
    rc, _, err = run(["wasm-opt", "-ttf", raw, "-o", out] + passes + wasm_opt_features(fs))
    os.unlink(raw)
    if rc != 0:
        return None, "wasm-opt -ttf failed: " + err.strip()[-200:]
    rc, _, err = run(["wasm-validate"] + wabt_features(fs) + [out])
    if rc != 0:
        return out, "invalid: " + err.strip().splitlines()[0].split(": ", 1)[-1][:80]
    return out, None


class Runner:
    """Runs one feature set: generation, binaryen and wasmscope per module, node in batches."""

    def __init__(self, args, features, counts):
        self.args, self.features, self.counts = args, features, counts
        self.work = tempfile.mkdtemp(prefix=f"wasmscope-diff-{features}-")
        self.pending = []  # (path, wasmscope's events, rules excused so far, binaryen diff)

    def module(self, index):
        c = self.counts
        c.generated += 1
        path, problem = generate(self.features, self.args.seed, index, self.work)
        if problem and "reference-types" in FEATURE_SETS.get(self.features, []):
            # binaryen 108 types ref.func as a subtype of anyref (externref), as the
            # reference-types proposal once did, and some of its passes fail on such code:
            # the same bytes without reference types.
            c.regenerated_noref += 1
            if path:
                self.check_rejected(path)
            path, problem = generate(self.features, self.args.seed, index, self.work,
                                     with_ref=False)
        if problem:
            if path:
                self.check_rejected(path)
            c.add(c.skipped, problem)
            self.remove(path)
            return
        self.check_feature_gating(path)
        excused = set()
        status, detail, ours = check_binaryen(self.args, self.features, path, excused)
        if status == "skip":
            c.add(c.skipped, detail)
            self.remove(path)
            return
        c.compared += 1
        if ours is None:  # wasmscope failed to run it
            self.finish(path, detail, excused)
            return
        self.pending.append((path, ours, excused, detail))
        if len(self.pending) >= 25:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        paths = [p for p, _, _, _ in self.pending]
        if self.features in BINARYEN132_SETS:
            texts = {p: "skip node not run for binaryen 132's sets" for p in paths}
        else:
            texts = node_outputs(self.args, paths)
        for path, ours, excused, binaryen_diff in self.pending:
            status, detail = check_node(ours, texts.get(path, "skip no output from node"),
                                        excused)
            if status == "skip":
                self.counts.add(self.counts.node_skipped, detail)
            else:
                self.counts.node_compared += 1
            node_diff = detail if status == "different" else None
            self.finish(path, binaryen_diff or node_diff, excused,
                        node_agrees=status == "equal")
        self.pending.clear()

    def finish(self, path, difference, excused, node_agrees=False, count=True):
        """Counts a compared module: equal, explained or different. With {count} false it only
        reports a difference (and keeps the module), leaving {path} in place."""
        c = self.counts
        if not count:
            kept = path
            if self.args.keep:
                kept = os.path.join(self.args.keep, f"{self.features}-{sha256(path)[:16]}.wasm")
                shutil.copy(path, kept)
            print(f"DIFFERENT [{self.features}] {kept}: {difference}", flush=True)
            return
        # Only a difference in values can be NaN bits: wasmscope failing to run the module (an
        # exit status, a timeout, an error) is a difference whatever the recheck says.
        run_failure = difference is not None and difference.startswith(("wasmscope (", "wasmscope: "))
        if difference and not run_failure and nan_explains(self.args, self.features, path):
            engine = "node" if difference.startswith("vs node") else "binaryen"
            if engine == "binaryen" and node_agrees:
                engine = "binaryen; V8 agrees with wasmscope bit for bit"
            if self.args.verbose:
                kept = path
                if self.args.keep:
                    kept = os.path.join(self.args.keep,
                                        f"nan-{self.features}-{sha256(path)[:16]}.wasm")
                    shutil.copy(path, kept)
                print(f"NAN [{self.features}] {kept}: {difference}", flush=True)
            difference = None
            excused = excused | {f"{NAN_NOTE} ({engine})"}
        if difference:
            c.different += 1
            kept = path
            if self.args.keep:
                kept = os.path.join(self.args.keep, f"{self.features}-{sha256(path)[:16]}.wasm")
                shutil.copy(path, kept)
            print(f"DIFFERENT [{self.features}] {kept}: {difference}", flush=True)
        elif excused:
            c.explained_modules += 1
            for rule in excused:
                c.explained[rule] = c.explained.get(rule, 0) + 1
        else:
            c.equal += 1
        self.remove(path)

    def check_feature_gating(self, path):
        """Under each smaller feature set, wasmscope accepts {path} exactly when wasm-validate
        does (a differential test of the validator's feature checks)."""
        if self.features in BINARYEN132_SETS:  # wasm-validate cannot read these modules
            return
        sets = list(FEATURE_SETS)
        for lower in sets[:sets.index(self.features)]:
            rc, _, _ = run(["wasm-validate"] + wabt_features(FEATURE_SETS[lower]) + [path])
            _, out, _ = run([self.args.driver, "--compile-only", "--features", lower, path])
            if (rc == 0) != out.startswith("compile ok"):
                self.counts.gating_differences += 1
                self.finish(path, f"under {lower}: wasm-validate {'accepts' if rc == 0 else 'rejects'}"
                            f", wasmscope says {out.strip()[:150]}", set(), count=False)
                return
        self.counts.gating_checked += 1

    def check_rejected(self, path):
        """A module wasm-validate rejects must not be accepted by wasmscope either."""
        rc, out, _ = run([self.args.driver, "--features", self.features, path])
        if not out.startswith("compile error"):
            self.counts.compared += 1
            self.finish(path, "wasmscope accepts a module wasm-validate rejects: " + out[:200],
                        set())

    @staticmethod
    def remove(path):
        if path and os.path.exists(path):
            os.unlink(path)

    def close(self):
        if self.pending:
            self.flush()
        shutil.rmtree(self.work, ignore_errors=True)


def sha256(path):
    import hashlib
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def print_counts(features, c, known, brief=False):
    print(f"[{features}] generated {c.generated} (regenerated without reference types: "
          f"{c.regenerated_noref}), compared {c.compared}, equal {c.equal}, "
          f"different {c.different}, explained {c.explained_modules}, "
          f"skipped {sum(c.skipped.values())}; node compared {c.node_compared}, "
          f"node skipped {sum(c.node_skipped.values())}; feature gating checked "
          f"{c.gating_checked}, differing {c.gating_differences}")
    if brief:
        sys.stdout.flush()
        return
    for reason, n in sorted(c.explained.items(), key=lambda x: -x[1]):
        print(f"  explained {n}: {reason}: {known.get(reason, '')}")
    for reason, n in sorted(c.skipped.items(), key=lambda x: -x[1]):
        print(f"  skipped {n}: {reason}")
    for reason, n in sorted(c.node_skipped.items(), key=lambda x: -x[1]):
        print(f"  node skipped {n}: {reason}")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True, help="the built diff_driver")
    ap.add_argument("--node", default=shutil.which("node") or "node")
    ap.add_argument("--count", type=int, default=100, help="modules per feature set")
    ap.add_argument("--features", default="all",
                    help="mvp, v2, simd, threads or all; eh (binaryen 132) only by name")
    ap.add_argument("--binaryen132", default=os.environ.get("WASMSCOPE_BINARYEN132"),
                    metavar="PATH", help="binaryen 132's wasm-opt (npm's binaryen, run by "
                    "node) for the eh set; default $WASMSCOPE_BINARYEN132")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--start", type=int, default=0, help="first module index")
    ap.add_argument("--keep", help="copy the modules that differ here")
    ap.add_argument("--known", default=os.path.join(HERE, "known.txt"))
    ap.add_argument("--json", help="write the counts here too")
    ap.add_argument("--no-node", action="store_true")
    ap.add_argument("--tiers", default="interp", type=lambda v: v.split(","),
                    help="wasmscope's tiers, comma-separated: the first runs in both bounds "
                         "modes, each other one in guard mode, all compared (interp, compiled)")
    ap.add_argument("--verbose", action="store_true", help="print each difference excused")
    ap.add_argument("--progress", type=int, default=0, metavar="N",
                    help="print the counts so far every N modules")
    args = ap.parse_args()
    if not args.tiers or any(t not in ("interp", "compiled") for t in args.tiers) \
            or len(set(args.tiers)) != len(args.tiers):
        ap.error("--tiers takes distinct names among interp and compiled")
    sets = list(FEATURE_SETS) if args.features == "all" else args.features.split(",")
    for s in sets:
        if s not in FEATURE_SETS and s not in BINARYEN132_SETS:
            ap.error(f"unknown feature set {s}")
        if s in BINARYEN132_SETS and not args.binaryen132:
            ap.error(f"the {s} set needs binaryen 132: --binaryen132 PATH")
    global BINARYEN132
    BINARYEN132 = [args.node, args.binaryen132]
    known = load_known(args.known)
    known[NAN_NOTE + " (binaryen)"] = known[NAN_NOTE + " (node)"] = known[
        NAN_NOTE + " (binaryen; V8 agrees with wasmscope bit for bit)"] = (
        "equal once every NaN a float operation makes is 0: only NaN bits differed, which the "
        "spec leaves nondeterministic")
    args.node_flags = []
    if not args.no_node:
        rc, version, _ = run([args.node, "--version"])
        match = re.match(r"v(\d+)", version or "")
        node_major = int(match.group(1)) if rc == 0 and match else 0
        if node_major < 18:
            sys.exit(f"diff: node 18 or later is needed ({args.node}: {version.strip()})")
        if node_major < 20:  # V8 before 11.2 has tail calls behind a flag
            args.node_flags = ["--experimental-wasm-return-call"]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    all_counts = {}
    for features in sets:
        counts = all_counts[features] = Counts()
        runner = Runner(args, features, counts)
        try:
            for index in range(args.start, args.start + args.count):
                runner.module(index)
                if args.progress and counts.generated % args.progress == 0:
                    runner.flush()
                    print_counts(features, counts, known, brief=True)
        finally:
            runner.close()
        print_counts(features, counts, known)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({k: c.as_dict() for k, c in all_counts.items()}, f, indent=1)
    sys.exit(1 if any(c.different or c.gating_differences for c in all_counts.values()) else 0)


if __name__ == "__main__":
    main()
