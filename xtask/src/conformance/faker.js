// Synthetic instances for `cargo xtask conformance`, from json-schema-faker (the
// engine Prism uses for its dynamic responses). Reads on stdin
//   {"document": <the document, schemas converted to JSON Schema>,
//    "targets": ["#/components/schemas/Pet", ...], "count": 20, "seed": 1}
// and writes {"instances": {"<pointer>": [values...]}, "errors": {"<pointer>": "why"}}.
// Seeded: the same input gives the same instances.
'use strict';
const jsfModule = require('json-schema-faker');
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

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { document, targets, count, seed } = JSON.parse(input);
  const instances = {};
  const errors = {};
  targets.forEach((pointer, index) => {
    // Each target its own stream of numbers, so adding a target changes no other.
    jsf.option({
      random: mulberry32(seed * 1000003 + index),
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
    // target is looked up here; the document's own members stay beside it so the
    // schema's `#/components/...` references resolve.
    const target = lookup(document, pointer);
    if (target === undefined || target === null || typeof target !== 'object') {
      errors[pointer] = 'no schema at this pointer';
      instances[pointer] = [];
      return;
    }
    const root = Object.assign({}, document, target);
    const values = [];
    for (let i = 0; i < count; i += 1) {
      try {
        values.push(jsf.generate(root));
      } catch (e) {
        errors[pointer] = String(e && e.message ? e.message : e).slice(0, 300);
        break;
      }
    }
    instances[pointer] = values;
  });
  process.stdout.write(JSON.stringify({ instances, errors }));
});
