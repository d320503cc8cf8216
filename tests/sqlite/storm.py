#!/usr/bin/env python3
"""A SIGQUIT storm on a running program: `wasmscope run` of SQLite (tests/sqlite) receives
COUNT SIGQUITs, each sent once the previous one's thread dump has been written to stderr (so
none is merged into another), while the program works. Its stdout must be exactly what it is
without the storm (EXPECTED), its exit status 0, and every dump must have come out.

    storm.py COUNT EXPECTED COMMAND...
"""
import os
import signal
import subprocess
import sys
import threading
import time

TITLE = b"wasmscope thread dump (SIGQUIT); the program continues"


def main():
    count, expected = int(sys.argv[1]), open(sys.argv[2], "rb").read()
    proc = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out = []
    dumps = [0]
    seen = threading.Condition()
    stderr_tail = []

    def read_stdout():
        out.append(proc.stdout.read())

    def read_stderr():
        for line in proc.stderr:
            if TITLE in line:
                with seen:
                    dumps[0] += 1
                    seen.notify_all()
            elif not line.startswith((b"    ", b"\"", b"\n")) and line.strip():
                stderr_tail.append(line)

    threads = [threading.Thread(target=read_stdout), threading.Thread(target=read_stderr)]
    for t in threads:
        t.start()
    # Past start-up: `run` blocks SIGQUIT for its dumper before it opens its dump socket, so
    # once the socket is there a SIGQUIT is a dump request, not the default action (which on a
    # loaded machine a fixed sleep did not always wait out: the first signal killed the run).
    sock = f"/tmp/wasmscope-{os.getuid()}/{proc.pid}.sock"
    deadline = time.monotonic() + 60
    while not os.path.exists(sock) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not os.path.exists(sock):
        print(f"storm: no dump socket {sock} within 60 s")
        proc.kill()
    sent = 0
    for sent in range(1, count + 1):
        if proc.poll() is not None:
            sent -= 1
            break
        os.kill(proc.pid, signal.SIGQUIT)
        with seen:
            if not seen.wait_for(lambda: dumps[0] >= sent, timeout=30):
                print(f"storm: dump {sent} did not come within 30 s")
                proc.kill()
                break
    status = proc.wait(timeout=600)
    for t in threads:
        t.join()
    problems = []
    if sent < count:
        problems.append(f"the program ended after {sent} of {count} signals: make it longer")
    if dumps[0] != sent:
        problems.append(f"{dumps[0]} dumps for {sent} signals")
    if status != 0:
        problems.append(f"exit status {status}")
    if out[0] != expected:
        problems.append("stdout differs from the run without the storm")
    print(f"storm: {sent} SIGQUITs, {dumps[0]} thread dumps, exit status {status}, stdout "
          + ("unchanged" if out[0] == expected else "CHANGED"))
    for line in stderr_tail[:10]:
        print("stderr: " + line.decode(errors="replace").rstrip())
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
