// Runs a WASI preview1 command module under node's own WASI (node:wasi), for the benchmarks:
//   node --no-warnings bench/drivers/wasi.mjs GUEST.wasm ARGS...
// The guest sees GUEST.wasm as its program name, no environment and no preopened directories.
// Exits with the guest's exit status.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/drivers/wasi.mjs GUEST.wasm ARGS...');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
