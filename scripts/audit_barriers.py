#!/usr/bin/env python3
"""Counts barrier-class instructions on the interpreter's call, return and back-edge paths,
and on the compiled tier's transitions.

Used by scripts/audit-barriers.sh, which runs the build's interp_handler_map (the handler
addresses from the dispatch tables) and passes its output here with the executable, the
target's objdump and nm. For each handler that enters or leaves a guest frame or takes a
loop's back edge it disassembles the interpreter's run function and follows the code from the
handler's first instruction: fall-through and every direct branch (both ways of a conditional
one) inside the function, not into called functions, until an indirect branch (the next
handler's dispatch) or a return. Whatever is reachable that way is the handler's path,
including shared code such as the call sequence every call handler jumps to and its unlikely
branches (a request poll, a stack overflow): a barrier anywhere there fails the audit.

Printed per handler: the instructions from its address to the next-higher handler address
(its own range), the straight-line path (conditional branches not taken: the compiler lays
the [[unlikely]] ones out of line; unconditional branches followed), every reachable
instruction, and the barrier-class instructions found.

Then the same for the runtime functions that enter and leave compiled code (TRANSITIONS below;
every build has them), each followed from its entry, and, with --cwasm, every instruction of
the generated code (the entries and bodies) of .cwasm files compiled for the target. Exit
status 1 if any barrier was found.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# Barrier-class mnemonics: fences, acquire/release accesses, exclusives (the loops of atomic
# read-modify-writes) and, on AArch64, the LSE atomics.
BARRIERS = {
    "aarch64": re.compile(
        r"^(dmb|dsb|isb|ldar\w*|stlr\w*|ldapr\w*|ldaxr\w*|stlxr\w*|ldaxp|stlxp|ldxr\w*|stxr\w*"
        r"|ldxp|stxp|cas\w*|swp\w*|ld(add|clr|eor|set|smax|smin|umax|umin)\w*"
        r"|st(add|clr|eor|set|smax|smin|umax|umin)\w*)$"),
    "arm": re.compile(r"^(dmb|dsb|isb|ldrex\w*|strex\w*|clrex|swp\w*|mcr)(\.[nw])?$"),
    # x86-64 orders plain stores and loads itself: a fence or a locked (or implicitly locked)
    # read-modify-write is the only cost.
    "x86_64": re.compile(r"^(mfence|lfence|sfence|lock\b.*|xchg\w*|cmpxchg\w*|xadd\w*)$"),
}
# ... but an xchg of two registers is not locked (`xchg %ax,%ax` is a 2-byte no-op): only one
# with a memory operand is.
UNLOCKED = {"x86_64": lambda mnemonic, operands: mnemonic.startswith("xchg") and "(" not in operands}
# Calls to out-of-line atomic helpers count too (libgcc's __sync_*, __atomic_*, the kernel's
# __kuser helpers).
HELPER_CALL = re.compile(r"<(__sync_\w+|__atomic_\w+|__aarch64_\w+|__kernel_\w+)")

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
TARGET = re.compile(r"\b([0-9a-f]+) <")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--exe", required=True, help="interp_handler_map executable")
    p.add_argument("--map", required=True, help="its output")
    p.add_argument("--objdump", required=True)
    p.add_argument("--nm", required=True)
    p.add_argument("--cwasm", action="append", default=[],
                   help="a .cwasm for this target: its generated code is audited whole")
    return p.parse_args()


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def architecture(objdump, exe):
    header = run([objdump, "-f", exe])
    if "aarch64" in header:
        return "aarch64"
    if re.search(r"architecture: arm", header):
        return "arm"
    if "x86-64" in header:
        return "x86_64"
    sys.exit(f"audit: unknown architecture in: {header.strip()}")


def symbols(nm, exe, thumb, demangle=False):
    """(address, size, name) of every defined function symbol (Thumb's bit 0 cleared)."""
    out = []
    for line in run([nm, "-S", "--defined-only"] + (["-C"] if demangle else []) +
                    [exe]).splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            out.append((int(parts[0], 16) & thumb, int(parts[1], 16), parts[3]))
    return out


def classify(arch, mnemonic, operands):
    """'call', 'indirect' (ends a path), 'return', 'branch', 'cond' or None."""
    m = mnemonic
    if arch == "aarch64":
        if m in ("bl", "blr", "blraa", "blrab"):
            return "call"
        if m in ("br", "braa", "brab"):
            return "indirect"
        if m in ("ret", "retaa", "retab"):
            return "return"
        if m == "b":
            return "branch"
        if m.startswith("b.") or m in ("cbz", "cbnz", "tbz", "tbnz"):
            return "cond"
        return None
    if arch == "arm":
        base = re.sub(r"\.(n|w)$", "", m)
        conds = "(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)"
        if base in ("bls", "blt", "ble"):  # b + ls/lt/le, not bl + s/t/e
            return "cond"
        if re.fullmatch(r"blx?" + conds + "?", base):
            return "call"
        if base in ("cbz", "cbnz"):
            return "cond"
        if base == "b":
            return "branch"
        if re.fullmatch(r"b" + conds, base):
            return "cond"
        op = re.fullmatch(r"(bx|mov|ldr|pop|ldm\w*?)" + conds + "?", base)
        writes_pc = op is not None and (
            op.group(1) == "bx" or
            (op.group(1) in ("mov", "ldr") and operands.startswith("pc")) or
            (op.group(1) in ("pop",) or op.group(1).startswith("ldm")) and
            re.search(r"\bpc\b", operands))
        if base in ("tbb", "tbh"):
            writes_pc = True  # a switch's table branch: its targets are not followed
        if writes_pc:
            # A conditional one (in an IT block) may fall through.
            return "cond-indirect" if op is not None and op.group(2) else "indirect"
        return None
    # x86_64
    if m.startswith("call"):
        return "call"
    if m.startswith("jmp"):
        return "indirect" if "*" in operands else "branch"
    if m.startswith("ret"):
        return "return"
    if m.startswith("j"):
        return "cond"
    return None


def instructions(text):
    """(address, mnemonic, operands, text) of each instruction in objdump -d's output {text}
    (addresses restart in each section of an object file)."""
    for line in text.splitlines():
        match = INSN.match(line)
        if not match:
            continue
        body = match.group(2).split(";")[0].strip()
        if not body or body.startswith(".") or body.startswith("("):
            continue  # literal pools (.word), padding
        fields = body.split(None, 1)
        yield int(match.group(1), 16), fields[0], fields[1] if len(fields) > 1 else "", body


def disassemble(objdump, exe, start, stop):
    """address -> (mnemonic, operands, text), in address order."""
    text = run([objdump, "-d", "--no-show-raw-insn", f"--start-address=0x{start:x}",
                f"--stop-address=0x{stop:x}", exe])
    return {a: (m, o, t) for a, m, o, t in instructions(text)}


def reachable(arch, code, entry, straight):
    """The instructions reachable in {code} from {entry}: fall-through and direct branches
    inside it (only the not-taken way of conditional ones when {straight}), not into calls,
    up to indirect branches and returns."""
    addresses = sorted(code)
    following = {a: b for a, b in zip(addresses, addresses[1:])}

    def successors(a):
        mnemonic, operands, _ = code[a]
        kind = classify(arch, mnemonic, operands)
        fall = [following[a]] if a in following else []
        if kind in ("indirect", "return"):
            return []
        if kind in ("branch", "cond"):
            target = TARGET.search(operands)
            t = int(target.group(1), 16) if target else None
            inside = [t] if t is not None and t in code else []
            if kind == "branch":
                return inside
            return fall if straight else inside + fall
        return fall  # calls return; conditional indirect branches may fall through

    visited = set()
    order = []
    stack = [entry]
    while stack:
        a = stack.pop()
        if a in visited:
            continue
        visited.add(a)
        order.append(a)
        stack.extend(successors(a))
    return order


def is_barrier(arch, mnemonic, operands):
    """A barrier-class instruction, or a call of an out-of-line atomic helper."""
    if BARRIERS[arch].match(mnemonic):
        return not UNLOCKED.get(arch, lambda m, o: False)(mnemonic, operands)
    return classify(arch, mnemonic, operands) == "call" and HELPER_CALL.search(operands) is not None


def barriers_in(arch, code, addresses):
    """"0xADDR: instruction" of each barrier-class instruction (or call of an out-of-line
    atomic helper) among {addresses}."""
    found = []
    for a in sorted(addresses):
        mnemonic, operands, text = code[a]
        if is_barrier(arch, mnemonic, operands):
            found.append(f"0x{a:x}: {text}")
    return found


def audit_handlers(args, arch, thumb):
    """The interpreter's call, return and back-edge handlers; returns the barriers found."""
    anchor = None
    handlers = set()
    paths = {}  # address -> [names]
    kinds = {}
    for line in open(args.map):
        f = line.split()
        if f[0] == "anchor":
            anchor = int(f[1], 16) & thumb
        elif f[0] == "handler":
            handlers.add(int(f[1], 16) & thumb)
        elif f[0] == "path":
            address = int(f[3], 16) & thumb
            paths.setdefault(address, []).append(f[2])
            kinds[address] = f[1]
    syms = symbols(args.nm, args.exe, thumb)
    anchor_symbol = [s for s in syms if "interpreter_handlers" in s[2]]
    if anchor is None or len(anchor_symbol) != 1:
        sys.exit("audit: no anchor (interpreter_handlers) in the map or the symbol table")
    delta = anchor_symbol[0][0] - anchor
    handlers = sorted(h + delta for h in handlers)
    paths = {a + delta: names for a, names in paths.items()}
    kinds = {a + delta: k for a, k in kinds.items()}
    # The function that holds the handlers (the interpreter's run).
    holders = [s for s in syms if s[0] <= handlers[0] < s[0] + s[1]]
    if not holders or not all(holders[0][0] <= h < holders[0][0] + holders[0][1] for h in handlers):
        sys.exit("audit: the handlers are not all inside one function")
    start, size, fname = holders[0]
    code = disassemble(args.objdump, args.exe, start, start + size)
    addresses = sorted(code)
    print(f"audit: {arch}, {fname} at 0x{start:x}, {size} bytes, {len(code)} instructions, "
          f"{len(handlers)} handlers")

    def next_handler(a):
        return next((h for h in handlers if h > a), start + size)

    failures = 0
    print(f"{'handler':<34} {'kind':<10} {'range':>6} {'straight':>9} {'reachable':>10} barriers")
    for address in sorted(paths):
        if address not in code:
            sys.exit(f"audit: handler 0x{address:x} is not an instruction boundary")
        own = [a for a in addresses if address <= a < next_handler(address)]
        straight = reachable(arch, code, address, True)
        every = reachable(arch, code, address, False)
        found = barriers_in(arch, code, every)
        names = sorted(set(n.split("/")[0] for n in paths[address]))
        print(f"{','.join(names)[:34]:<34} {kinds[address]:<10} {len(own):>6} {len(straight):>9} "
              f"{len(every):>10} {len(found)}")
        for f in found:
            print(f"    barrier: {f}")
        failures += len(found)
    return failures


# The runtime's side of the compiled tier's transitions (engine/native_runtime.cc), in every
# build: entering compiled code (call_native_entry: from the host, from the interpreter
# through call_out, from another instance's compiled code through ws_call_func), and compiled
# code's calls out of itself (ws_call_func: to a host function, another instance or the
# interpreter; ws_interpret; the targets of indirect and imported calls; and
# ws_memory_atomic_wait, which leaves it to wait). Each is followed
# from its entry through every branch, not into the functions it calls: call_host's and
# wait_as_guest's state changes and invoke() are the state protocol's (docs/stack-capture.md,
# "Barriers").
TRANSITIONS = ("call_native_entry", "call_out", "ws_call_func", "ws_interpret",
               "ws_indirect_target", "ws_import_target", "ws_memory_atomic_wait")


def audit_transitions(args, arch, thumb):
    """The functions of TRANSITIONS; returns the barriers found."""
    syms = symbols(args.nm, args.exe, thumb, demangle=True)
    failures = 0
    print(f"{'transition':<34} {'instructions':>12} {'straight':>9} {'reachable':>10} barriers")
    for name in TRANSITIONS:
        pattern = re.compile(r"(^|::)" + name + r"(\(|$)")
        matches = [s for s in syms if pattern.search(s[2])]
        if len(matches) != 1:
            # Each is an out-of-line function of the runtime, which the program links.
            sys.exit(f"audit: {len(matches)} symbols named {name} (expected 1)")
        start, size, _ = matches[0]
        code = disassemble(args.objdump, args.exe, start, start + size)
        straight = reachable(arch, code, start, True)
        every = reachable(arch, code, start, False)
        found = barriers_in(arch, code, every)
        print(f"{name:<34} {len(code):>12} {len(straight):>9} {len(every):>10} {len(found)}")
        for f in found:
            print(f"    barrier: {f}")
        failures += len(found)
    return failures


def cwasm_parse(data):
    """The .cwasm reader the tests use (tests/aot/cwasm_edit.py), imported without leaving
    bytecode in the source tree."""
    sys.dont_write_bytecode = True
    aot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "aot")
    if aot not in sys.path:
        sys.path.insert(0, aot)
    from cwasm_edit import parse
    return parse(data)


def audit_cwasm(args, arch, path):
    """Every instruction of the generated code (entries and bodies) in the .cwasm {path},
    which must hold code for {arch}; returns the barriers found."""
    data = open(path, "rb").read()
    fields = cwasm_parse(data)
    triple = data[fields["triple"][0]:fields["triple"][1]].decode()
    if triple.split("-")[0] != arch:
        sys.exit(f"audit: {path} holds code for {triple}, not {arch}")
    objects = sorted((k for k in fields if k.startswith("object")), key=lambda k: int(k[6:]))
    failures = 0
    total = 0
    functions = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in objects:
            obj = os.path.join(tmp, name + ".o")
            with open(obj, "wb") as f:
                f.write(data[fields[name][0]:fields[name][1]])
            text = run([args.objdump, "-d", "--no-show-raw-insn", obj])
            functions += len(re.findall(r"^[0-9a-f]+ <[^>]+>:$", text, re.M))
            for address, mnemonic, operands, body in instructions(text):
                total += 1
                if is_barrier(arch, mnemonic, operands):
                    print(f"    barrier: {name} 0x{address:x}: {body}")
                    failures += 1
    print(f"{os.path.basename(path):<34} {len(objects)} objects, {functions} functions, "
          f"{total} instructions, {failures} barriers")
    return failures


def main():
    args = parse_args()
    arch = architecture(args.objdump, args.exe)
    # Thumb code addresses carry bit 0 (interworking); elsewhere every bit is the address.
    thumb = ~1 if arch == "arm" else ~0
    failures = audit_handlers(args, arch, thumb)
    failures += audit_transitions(args, arch, thumb)
    for path in args.cwasm:
        failures += audit_cwasm(args, arch, path)
    if failures:
        print(f"audit: FAILED: {failures} barrier-class instructions on call, return, back-edge "
              f"and transition paths")
        return 1
    print("audit: ok: 0 barrier-class instructions on call, return, back-edge and transition "
          "paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
