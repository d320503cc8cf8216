// Runs one export of a wasm module under node and prints its result, like the other engines:
//   node run.mjs FILE.wasm NAME [TYPE:VALUE ...]      (TYPE is i32, i64 or f64)
// The module must have no imports.
import { readFileSync } from 'node:fs';

const [file, name, ...rawArgs] = process.argv.slice(2);
if (!file || !name) {
  console.error('usage: node run.mjs FILE.wasm NAME [TYPE:VALUE ...]');
  process.exit(2);
}
const args = rawArgs.map((a) => {
  const sep = a.indexOf(':');
  const type = a.slice(0, sep);
  const value = a.slice(sep + 1);
  if (type === 'i64') return BigInt(value);
  if (type === 'i32' || type === 'f64') return Number(value);
  throw new Error(`bad argument ${a}`);
});
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const fn = instance.exports[name];
if (typeof fn !== 'function') {
  console.error(`no exported function ${name}`);
  process.exit(1);
}
console.log(String(fn(...args)));
