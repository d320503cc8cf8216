// node check_formats.mjs OUTDIR: reads what profile_format_fixture wrote to OUTDIR with each
// format's own reader and checks it against the fixture's profile (see
// profile_format_fixture.cc; the expected values below are written from its description):
//   profile.pb.gz            gunzipped by node's zlib, decoded by pprof-format (Datadog's reader)
//   profile.speedscope.json  validated by ajv against file-format-schema.json as the speedscope
//                            package ships it, then its content checked
//   profile.folded           parsed back as flame graph tools read it
//   profile.svg              its inline script compiled (a syntax error would break zooming)
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';
import { Profile } from 'pprof-format';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node check_formats.mjs OUTDIR');
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, condition, detail = '') {
  if (condition) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
  }
}
function same(name, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(name, a === e, `got ${a}, expected ${e}`);
}
function section(name, body) {
  try {
    body();
  } catch (e) {
    check(`${name} (threw)`, false, e.stack);
  }
}

// The fixture's profile, from its description: thread "main" (id 1) with 500 samples and 4
// lost, thread "thread 2" (id 2) with 250 and 1 lost, 2 lost samples of no thread, 1000 Hz.
const stacks = {
  main: [
    [['fixture!main', 'fixture!render_scene', 'fixture!shade<&>;pixel'], 300],
    [['fixture!main', 'fixture!render_scene'], 120],
    [['fixture!main', '[host] wasi_snapshot_preview1.fd_write'], 60],
    [['fixture!main'], 20],
  ],
  'thread 2': [
    [['fixture!worker_loop', 'fixture!hash_block'], 200],
    [['fixture!worker_loop', '[host] wait'], 50],
  ],
};
const lost = { main: 4, 'thread 2': 1 };
const lostOfNoThread = 2;
const nsPerSample = 1e6;

section('pprof', () => {
  const bytes = fs.readFileSync(path.join(outdir, 'profile.pb.gz'));
  same('pprof: gzip magic', [bytes[0], bytes[1]], [0x1f, 0x8b]);
  const profile = Profile.decode(new Uint8Array(zlib.gunzipSync(bytes)));
  const strings = profile.stringTable.strings;
  const str = (i) => strings[Number(i)];
  same('pprof: string_table[0] is ""', strings[0], '');
  same('pprof: sample types', profile.sampleType.map((t) => [str(t.type), str(t.unit)]),
       [['samples', 'count'], ['cpu', 'nanoseconds']]);
  same('pprof: period type', [str(profile.periodType.type), str(profile.periodType.unit)],
       ['cpu', 'nanoseconds']);
  same('pprof: period', Number(profile.period), nsPerSample);
  same('pprof: duration', Number(profile.durationNanos), 1e9);
  same('pprof: time', String(profile.timeNanos), '1750000000000000000');

  const functions = new Map(profile.function.map((f) => [Number(f.id), f]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  const nameOf = (locationId) => {
    const line = locations.get(Number(locationId)).line;
    return str(functions.get(Number(line[0].functionId)).name);
  };
  const got = {};  // thread -> "outer;...;inner" -> samples
  const nsOk = [];
  for (const s of profile.sample) {
    const label = s.label.find((l) => str(l.key) === 'thread');
    const thread = label ? str(label.str) : '(no thread label)';
    const names = s.locationId.map(nameOf).reverse();  // pprof lists the leaf first
    const key = names.join(' > ');
    got[thread] ??= {};
    got[thread][key] = (got[thread][key] ?? 0) + Number(s.value[0]);
    nsOk.push(Number(s.value[1]) === Number(s.value[0]) * nsPerSample);
  }
  const expected = {};
  for (const [thread, list] of Object.entries(stacks)) {
    expected[thread] = {};
    for (const [names, n] of list) expected[thread][names.join(' > ')] = n;
    expected[thread]['[lost samples]'] = lost[thread];
  }
  expected['[no thread]'] = { '[lost samples]': lostOfNoThread };
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort().map(
      ([k, v]) => [k, typeof v === 'object' ? sorted(v) : v]));
  same('pprof: samples per thread and stack', sorted(got), sorted(expected));
  check('pprof: every cpu value is samples * 1e9 / hz', nsOk.length > 0 && nsOk.every((x) => x));

  const render = [...functions.values()].find((f) => str(f.name) === 'fixture!render_scene');
  check('pprof: function fixture!render_scene exists', render !== undefined);
  if (render) {
    same('pprof: its file and line', [str(render.filename), Number(render.startLine)],
         ['render.c', 40]);
    same('pprof: its system name', str(render.systemName), 'render_scene');
  }
  const comments = profile.comment.map(str).join('\n');
  check('pprof: a comment counts the lost samples', comments.includes('lost samples: 7'), comments);
});

section('speedscope', () => {
  const text = fs.readFileSync(path.join(outdir, 'profile.speedscope.json'), 'utf8');
  const doc = JSON.parse(text);
  const schemaPath = require.resolve('speedscope/package.json')
      .replace(/package\.json$/, 'dist/release/file-format-schema.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  check('speedscope: valid against speedscope\'s file-format-schema.json', validate(doc),
        JSON.stringify(validate.errors));
  same('speedscope: $schema', doc.$schema, 'https://www.speedscope.app/file-format-schema.json');
  same('speedscope: profile names', doc.profiles.map((p) => p.name),
       ['main (4 samples lost)', 'thread 2 (1 sample lost)']);
  const names = doc.shared.frames.map((f) => f.name);
  for (const [i, thread] of ['main', 'thread 2'].entries()) {
    const p = doc.profiles[i];
    same(`speedscope: ${thread} is sampled in milliseconds`, [p.type, p.unit],
         ['sampled', 'milliseconds']);
    const got = p.samples.map((s, k) => [s.map((f) => names[f]), p.weights[k]])
        .sort((a, b) => b[1] - a[1]);
    same(`speedscope: ${thread}'s stacks and weights`, got, stacks[thread]);
    same(`speedscope: ${thread}'s endValue`, p.endValue,
         stacks[thread].reduce((sum, [, n]) => sum + n, 0));
  }
  const render = doc.shared.frames.find((f) => f.name === 'fixture!render_scene');
  same('speedscope: a frame\'s file and line', render && [render.file, render.line],
       ['render.c', 40]);
});

section('folded', () => {
  const text = fs.readFileSync(path.join(outdir, 'profile.folded'), 'utf8');
  check('folded: ends with a newline', text.endsWith('\n'));
  const got = {};
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const space = line.lastIndexOf(' ');
    const count = Number(line.slice(space + 1));
    check(`folded: "${line}" ends in a count`, space > 0 && Number.isInteger(count) && count > 0);
    got[line.slice(0, space)] = count;
  }
  const expected = {};
  for (const [thread, list] of Object.entries(stacks)) {
    // ';' inside a name cannot stay in a folded frame: it is replaced by ':'.
    for (const [names, n] of list) {
      expected[[thread, ...names.map((x) => x.replaceAll(';', ':'))].join(';')] = n;
    }
    expected[`${thread};[lost samples]`] = lost[thread];
  }
  expected['[no thread];[lost samples]'] = lostOfNoThread;
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort());
  same('folded: stacks and counts', sorted(got), sorted(expected));
});

section('svg', () => {
  const text = fs.readFileSync(path.join(outdir, 'profile.svg'), 'utf8');
  check('svg: an XML document', text.startsWith('<?xml'));
  check('svg: names escaped', text.includes('data-name="fixture!shade&lt;&amp;&gt;;pixel"') &&
        !text.includes('<&>'));
  const script = /<script><!\[CDATA\[([\s\S]*)\]\]><\/script>/.exec(text);
  check('svg: one inline script', script !== null);
  if (script) {
    let error = null;
    try {
      new Function(script[1]);  // compiles without running it
    } catch (e) {
      error = e;
    }
    check('svg: the script compiles', error === null, String(error));
  }
  check('svg: nothing external', !/(href|src)=/.test(text));
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
