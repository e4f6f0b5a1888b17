// `--param Name=value` options as a parameter map.
'use strict';

/** `['A=1', 'B=x=y']` -> `{ A: '1', B: 'x=y' }`; a repeated or malformed entry is an error. */
function parseParams(entries) {
  const out = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at < 1) throw new Error(`--param takes Name=value, got ${entry}`);
    const name = entry.slice(0, at);
    if (name in out) throw new Error(`--param ${name} is given twice`);
    out[name] = entry.slice(at + 1);
  }
  return out;
}

module.exports = { parseParams };
