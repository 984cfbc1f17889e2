// Runs electronegativity's programmatic API (its CLI is broken with the
// hoisted commander 14) over one folder and writes the findings as JSON.
// Its translation download is replaced by an immediate failure: tests stay
// offline and the built-in English messages are used.
'use strict';
const Module = require('node:module');
const { writeFileSync } = require('node:fs');

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('network disabled in tests'));
  return load.call(this, request, ...rest);
};

const [input, output, electronVersion] = process.argv.slice(2);
const run = require('@doyensec/electronegativity');
run({
  input,
  isRelative: true,
  severitySet: 'informational',
  confidenceSet: 'tentative',
  electronVersionOverride: electronVersion,
  customScan: [],
  excludeFromScan: [],
  parserPlugins: [],
})
  .then((result) => {
    const issues = result.issues.map((i) => ({
      id: i.id,
      file: i.file,
      line: i.location?.line ?? null,
      severity: i.severity?.name ?? String(i.severity),
      confidence: i.confidence?.name ?? String(i.confidence),
      manualReview: Boolean(i.manualReview),
      description: i.description,
      sample: i.sample,
    }));
    writeFileSync(output, JSON.stringify({ checks: result.atomicChecks + result.globalChecks, errors: result.errors, issues }, null, 2));
  })
  .catch((error) => {
    process.stderr.write(`electronegativity failed: ${error && error.stack}\n`);
    process.exit(2);
  });
