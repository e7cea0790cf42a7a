// Synthetic instances for `cargo xtask conformance`, from json-schema-faker (the
// engine Prism uses for its dynamic responses). Reads on stdin
//   {"document": <the document, schemas converted to JSON Schema>,
//    "targets": ["#/components/schemas/Pet", ...], "count": 20, "seed": 1}
// and writes a line per target as it is done:
//   {"pointer": "<pointer>", "instances": [values...], "error": "why"}
// so that when Node dies on one target, what came before is kept. Seeded: the
// same input gives the same instances.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');

// json-schema-faker 0.5.8 throws in its final clean-up (`shouldClean` reads
// `schema.items` of an undefined schema) whenever an instance holds an empty
// object inside an array it has no `items` schema for; Stripe's `account`,
// `charge` and `api_errors` got no instance at all. Its module is loaded with
// that one line guarded (and as it is, if the line is not there).
function loadFaker() {
  const file = require.resolve('json-schema-faker');
  const broken = 'schema = schema.items || schema;';
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes(broken)) return require(file);
  const patched = new Module(file, module);
  patched.filename = file;
  patched.paths = Module._nodeModulePaths(path.dirname(file));
  patched._compile(source.replace(broken, `if (!schema) return true; ${broken}`), file);
  return patched.exports;
}
const jsfModule = loadFaker();
const jsf = jsfModule.JSONSchemaFaker || jsfModule.default || jsfModule;

function mulberry32(seed) {
  let state = seed >>> 0;
  return function random() {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lookup(document, pointer) {
  if (!pointer.startsWith('#')) return undefined;
  const tokens = pointer.slice(1).split('/').slice(1)
    .map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'));
  let current = document;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[token];
  }
  return current;
}

// Only what the target reaches: json-schema-faker walks its whole root on every
// call, and a root holding all of a large document makes it slow.
function reachable(document, target) {
  const root = {};
  const seen = new Set();
  const stack = [target];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/')) {
        if (seen.has(child)) continue;
        seen.add(child);
        const found = lookup(document, child);
        if (found === undefined) continue;
        place(root, child, found);
        stack.push(found);
      } else {
        stack.push(child);
      }
    }
  }
  return root;
}

function place(root, pointer, value) {
  const tokens = pointer.slice(2).split('/');
  let current = root;
  tokens.forEach((token, i) => {
    if (i === tokens.length - 1) {
      current[token] = value;
    } else {
      if (current[token] === undefined || current[token] === null || typeof current[token] !== 'object') {
        current[token] = {};
      }
      current = current[token];
    }
  });
}

// FNV-1a: a target's numbers depend on its pointer and the seed only.
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// The largest instance kept, in bytes of JSON.
const LIMIT = 65536;
// Time for one target's instances: what is made by then is kept.
const BUDGET_MS = 10000;

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { document, targets, count, seed } = JSON.parse(input);
  targets.forEach((pointer) => {
    const answer = (instances, error) => {
      // Synchronous for pipes and files on Linux: written before a later crash.
      process.stdout.write(`${JSON.stringify({ pointer, instances, error })}\n`);
    };
    // Each target its own stream of numbers, so adding a target changes no other.
    jsf.option({
      random: mulberry32((hash(pointer) ^ Math.imul(seed, 0x9e3779b1)) >>> 0),
      alwaysFakeOptionals: false,
      optionalsProbability: 0.5,
      fillProperties: false,
      maxItems: 3,
      failOnInvalidTypes: false,
      failOnInvalidFormat: false,
      refDepthMax: 3,
      useExamplesValue: false,
      useDefaultValue: false,
    });
    // json-schema-faker does not unescape `~1`/`~0` in a root `$ref`, so the
    // target is looked up here; what it references stays beside it, at the same
    // pointers, so its `#/components/...` references resolve.
    const target = lookup(document, pointer);
    if (target === undefined || target === null || typeof target !== 'object') {
      answer([], 'no schema at this pointer');
      return;
    }
    const root = Object.assign({}, reachable(document, target), target);
    const values = [];
    let oversized = 0;
    let error;
    const started = Date.now();
    for (let i = 0; i < count; i += 1) {
      if (Date.now() - started > BUDGET_MS) {
        error = `${i} of ${count} instances made in the ${BUDGET_MS / 1000} s budget`;
        break;
      }
      try {
        const value = jsf.generate(root);
        // Recursive schemas can make instances of many megabytes; they test
        // nothing a smaller one does not, and would make the run slow and big.
        if (JSON.stringify(value).length > LIMIT) {
          oversized += 1;
        } else {
          values.push(value);
        }
      } catch (e) {
        error = String(e && e.message ? e.message : e).slice(0, 300);
        break;
      }
    }
    if (oversized > 0 && !error) {
      error = `${oversized} of ${count} instances over ${LIMIT} bytes, left out`;
    }
    answer(values, error);
  });
});
