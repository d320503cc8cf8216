// Differential test: runs WASI guest programs under wasmscope and under node's WASI, each in
// its own fresh copy of the program's fixture sandbox, and compares stdout (and stderr where
// the program's output there is deterministic), the exit status, and what the sandbox holds
// afterwards (names, types, bytes, symlink targets).
//
//   node --no-warnings node_diff.mjs WASMSCOPE GUEST_DIR
//
// Exits 0 only if every program behaved the same (after the normalisations listed below,
// each of which names a known deviation of node's WASI, never of wasmscope).
//
// Internally the script also runs a guest under node's WASI itself, in a child process (so
// that the guest has its own stdin, stdout, stderr and exit status):
//   node --no-warnings node_diff.mjs --guest [--dir HOST::GUEST]... [--env K=V]... FILE ARGS...
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

// ---------------------------------------------------------------------------------------------
// The programs compared. Each: name, guest (GUEST_DIR/guest.wasm), args, env (in order),
// stdin (bytes), fixture(dir) making the sandbox's files, compareStderr, and nodeDeviations:
// check names ("ok NAME" / "FAIL NAME: ...") whose result under node is a known node bug; for
// those, wasmscope must print "ok NAME", node's line is taken as "ok NAME" whatever it says.
// nodeBugsBefore: {MAJOR: [check names]}, bugs of the node versions older than MAJOR only
// (fixed in MAJOR), treated as nodeDeviations when the node running the test is that old, and
// compared like any other check on newer nodes. Each entry says what was seen and where.
//
// Left out, because node's WASI legitimately or knowingly differs (each is covered against
// fixed expectations by run_wasi.sh instead):
//   wasi_poll     node sleeps for the whole absolute value of an abstime clock subscription
//                 (hangs), and fd subscriptions on regular files fail with EPERM (libuv's
//                 poll cannot watch files).
//   wasi_sandbox  node's WASI follows symlinks out of the preopened directory (its docs say it
//                 is no sandbox), and differs in errno details (EINVAL for an empty path).
//   wasi_sock     node crashes (SIGSEGV) in sock_recv on stdin, and returns ENOTCAPABLE or
//                 ENOTSUP where a non-socket gives ENOTSOCK.
//   wasi_raise    node's proc_raise signals the node process itself.
//   wasi_trap     how a trap is reported (exit 134, the stack on stderr) is wasmscope's own.
const STDIN_TEXT = Buffer.from(
  Array.from({ length: 3000 }, (_, i) => `line ${i} \u0000\u00ff\t${(i * 7919) % 1000}\n`).join(''),
  'latin1');

const programs = [
  {
    // The acceptance program: compared exactly, no normalisation.
    name: 'demo', guest: 'demo',
    fixture(dir) {
      fs.writeFileSync(path.join(dir, 'input.txt'), 'first line\nSecond Line\nthird: 3 words\n');
      fs.mkdirSync(path.join(dir, 'subdir'));
      fs.writeFileSync(path.join(dir, 'subdir', 'kept.txt'), 'untouched\n');
    },
    exact: true,
  },
  { name: 'exit_status 0', guest: 'exit_status', args: ['0'], exact: true },
  { name: 'exit_status 42', guest: 'exit_status', args: ['42'], exact: true },
  { name: 'exit_status 125', guest: 'exit_status', args: ['125'], exact: true },
  {
    name: 'echo_env', guest: 'echo_env', args: ['one', 'two words', '', '--flag', 'ünï'],
    env: [['ALPHA', 'a'], ['EMPTY', ''], ['EQ', 'x=y'], ['UNI', 'ü']], exact: true,
  },
  {
    name: 'wasi_basics', guest: 'wasi_basics', args: ['alpha', 'two words', '', 'ünï', '--flag'],
    env: [['FOO', 'bar'], ['EMPTY', ''], ['WITH_EQ', 'a=b'], ['UNI', 'ü']],
    compareStderr: true,
    nodeDeviations: [
      // node returns the thread's CPU time, not the clock's resolution.
      'clock_res_get thread cputime in (0, 1s]',
    ],
  },
  { name: 'wasi_stdin', guest: 'wasi_stdin', stdin: STDIN_TEXT, compareStderr: true, exact: true },
  { name: 'wasi_stdin empty', guest: 'wasi_stdin', compareStderr: true, exact: true },
  {
    name: 'wasi_files', guest: 'wasi_files',
    fixture(dir) {
      fs.writeFileSync(path.join(dir, 'existing.txt'), 'hello, wasi\n');
      fs.writeFileSync(path.join(dir, 'truncate-me.txt'), 'to be truncated\n');
    },
    nodeDeviations: [
      // node sets timestamps in whole seconds (it drops the nanoseconds).
      'atime set',
      'fd_filestat_get fields',
      // node's fd_fdstat_get does not show O_APPEND set by fd_fdstat_set_flags (the
      // append itself works).
      'F_GETFL shows O_APPEND after F_SETFL',
    ],
    nodeBugsBefore: {
      // Fixed in node 20. Seen with Debian 12's node 18.20.4: fd_filestat_set_times accepts
      // ATIM together with ATIM_NOW ("returned 0 (Success), expected 28 (Invalid argument)");
      // node 20.20.2 returns EINVAL as the WASI spec says.
      20: ['fd_filestat_set_times atim with atim_now'],
    },
  },
  {
    name: 'wasi_dirs', guest: 'wasi_dirs',
    nodeDeviations: [
      // node fails path_readlink with ENOBUFS where POSIX truncates to the buffer.
      'readlink truncates to the buffer',
      // whole seconds again (see wasi_files).
      'times set through the path',
    ],
    nodeBugsBefore: {
      // Fixed in node 20. Seen with Debian 12's node 18.20.4, whose WASI cannot follow a
      // relative symlink: path_readlink gives the wrong bytes ("readlink", "path_readlink
      // content"), and every lookup through a link fails with ENOENT (path_filestat_get with
      // SYMLINK_FOLLOW "returned 44 (No such file or directory)", utimensat through the link
      // "returned -1, errno 44", stat and open through it), while the link itself is right on
      // disk (lstat, and the sandbox listing both runtimes leave, agree). node 20.20.2 passes
      // all of these.
      20: [
        'readlink', 'path_readlink content', 'stat follows the symlink',
        'open through a symlink', 'path_filestat_get follow', 'path_filestat_get follow: the file',
        'utimensat through the symlink', "target's times set through the symlink",
      ],
    },
  },
];

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  if (argv.length !== 2) {
    console.error('usage: node --no-warnings node_diff.mjs WASMSCOPE GUEST_DIR');
    return 2;
  }
  const [cli, guests] = argv;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-node-diff-'));
  let failures = 0;
  try {
    for (const program of programs) {
      const problems = compare(program, cli, guests, tmp);
      if (problems.length === 0) {
        console.log(`same: ${program.name}`);
      } else {
        ++failures;
        console.log(`DIFFERENT: ${program.name}`);
        for (const p of problems) console.log(`  ${p.replace(/\n/g, '\n  ')}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${programs.length - failures} same, ${failures} different (node ${process.version})`);
  return failures === 0 ? 0 : 1;
}

// Runs {program} under both runtimes; the differences found, as text.
function compare(program, cli, guests, tmp) {
  const wasm = path.join(guests, `${program.guest}.wasm`);
  const runs = {};
  for (const runtime of ['wasmscope', 'node']) {
    const dir = fs.mkdtempSync(path.join(tmp, `${runtime}-`));
    const sandbox = path.join(dir, 'sandbox');
    fs.mkdirSync(sandbox);
    program.fixture?.(sandbox);
    const opts = ['--dir', `${sandbox}::/sandbox`];
    for (const [k, v] of program.env ?? []) opts.push('--env', `${k}=${v}`);
    const command = runtime === 'wasmscope'
      ? [cli, ['run', ...opts, wasm, ...(program.args ?? [])]]
      : [process.execPath, ['--no-warnings', self, '--guest', ...opts, wasm, ...(program.args ?? [])]];
    const r = spawnSync(command[0], command[1], {
      input: program.stdin ?? Buffer.alloc(0), timeout: 60000, maxBuffer: 64 << 20,
    });
    runs[runtime] = {
      status: r.status, signal: r.signal, error: r.error,
      stdout: r.stdout?.toString('latin1') ?? '', stderr: r.stderr?.toString('latin1') ?? '',
      tree: snapshot(sandbox),
    };
  }
  const problems = [];
  const w = runs.wasmscope, n = runs.node;
  for (const [runtime, r] of Object.entries(runs)) {
    if (r.error || r.signal) problems.push(`${runtime} did not finish: ${r.error ?? r.signal}`);
  }
  let wOut = w.stdout, nOut = n.stdout, nStatus = n.status;
  if (!program.exact) ({ wOut, nOut, nStatus } = normalise(program, w, n, problems));
  if (wOut !== nOut) problems.push(`stdout differs:\n${lineDiff(wOut, nOut)}`);
  if (program.compareStderr && w.stderr !== n.stderr) {
    problems.push(`stderr differs:\n${lineDiff(w.stderr, n.stderr)}`);
  }
  if (w.status !== nStatus) {
    problems.push(`exit status: wasmscope ${w.status}, node ${n.status}` +
      (nStatus !== n.status ? ` (${nStatus} after normalising)` : ''));
  }
  if (w.tree.join('\n') !== n.tree.join('\n')) {
    problems.push(`sandbox contents differ:\n${lineDiff(w.tree.join('\n'), n.tree.join('\n'))}`);
  }
  if (problems.length > 0 && !program.exact) {
    problems.push(`wasmscope stdout:\n${w.stdout}\nnode stdout:\n${n.stdout}`);
  }
  return problems;
}

// For check programs: known node deviations become "ok" in node's output (wasmscope must pass
// them), the "N passed, M failed" summary is dropped, and node's exit status 1 counts as 0 when
// only known deviations failed.
function normalise(program, w, n, problems) {
  const known = new Set(program.nodeDeviations ?? []);
  for (const [fixedIn, names] of Object.entries(program.nodeBugsBefore ?? {})) {
    if (NODE_MAJOR < Number(fixedIn)) names.forEach((name) => known.add(name));
  }
  // A check's name may itself hold ": " (a FAIL line is "FAIL NAME: detail"): the longest
  // known name that fits wins, else the text up to the first ": ".
  const knownByLength = [...known].sort((a, b) => b.length - a.length);
  const checkName = (line) => {
    if (line.startsWith('ok ')) return line.slice(3);
    if (!line.startsWith('FAIL ')) return null;
    const name = knownByLength.find((k) => line.startsWith(`FAIL ${k}: `));
    if (name !== undefined) return name;
    const m = /^FAIL (.*?): /.exec(line);
    return m ? m[1] : null;
  };
  const strip = (text) => text.split('\n').filter((l) => !/^\d+ passed, \d+ failed$/.test(l));
  const wLines = strip(w.stdout);
  for (const line of wLines) {
    const name = checkName(line);
    if (name !== null && known.has(name) && !line.startsWith('ok ')) {
      problems.push(`wasmscope fails a check listed as a node deviation: ${line}`);
    }
  }
  let otherNodeFailures = 0;
  const nLines = strip(n.stdout).map((line) => {
    const name = checkName(line);
    if (name !== null && known.has(name)) {
      if (!line.startsWith('ok ')) {
        console.log(`  (${program.name}: known node ${NODE_MAJOR} deviation: ${line})`);
      }
      return `ok ${name}`;
    }
    if (line.startsWith('FAIL')) ++otherNodeFailures;
    return line;
  });
  const nStatus = n.status === 1 && otherNodeFailures === 0 ? 0 : n.status;
  return { wOut: wLines.join('\n'), nOut: nLines.join('\n'), nStatus };
}

// Every entry under {root}, sorted: "path type size sha256" for files, "path -> target" for
// symlinks, "path/" for directories. Timestamps are not compared.
function snapshot(root) {
  const out = [];
  const walk = (rel) => {
    const full = path.join(root, rel);
    for (const name of fs.readdirSync(full).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) {
        out.push(`${r} -> ${fs.readlinkSync(path.join(root, r))}`);
      } else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(r);
      } else {
        const bytes = fs.readFileSync(path.join(root, r));
        out.push(`${r} ${bytes.length} bytes ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
      }
    }
  };
  walk('');
  return out;
}

// The lines only in {a} ("- wasmscope: ") or only in {b} ("+ node: "), up to 40.
function lineDiff(a, b) {
  const al = a.split('\n'), bl = b.split('\n');
  const bs = new Set(bl), as = new Set(al);
  const d = [
    ...al.filter((l) => !bs.has(l)).map((l) => `- wasmscope: ${l}`),
    ...bl.filter((l) => !as.has(l)).map((l) => `+ node:      ${l}`),
  ];
  if (d.length === 0) d.push('(same lines, different order or count)');
  return d.slice(0, 40).join('\n');
}

// ---------------------------------------------------------------------------------------------

if (process.argv[2] === '--guest') {
  await runGuest(process.argv.slice(3));
} else {
  process.exitCode = await main(process.argv.slice(2));
}

// Runs a guest under node's WASI, with wasmscope run's --dir and --env options.
async function runGuest(argv) {
  const { WASI } = await import('node:wasi');
  const preopens = {};
  const env = {};
  while (argv.length > 0 && argv[0].startsWith('--')) {
    const option = argv.shift();
    const value = argv.shift();
    if (option === '--dir') {
      const [host, guest] = value.split('::');
      preopens[guest ?? host] = host;
    } else if (option === '--env') {
      const eq = value.indexOf('=');
      env[value.slice(0, eq)] = value.slice(eq + 1);
    } else {
      throw new Error(`unknown option ${option}`);
    }
  }
  const wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
  const module = await WebAssembly.compile(fs.readFileSync(argv[0]));
  // wasiImport rather than getImportObject(), which needs node 19.8 (Debian 12 has 18).
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  process.exitCode = wasi.start(instance);
}
