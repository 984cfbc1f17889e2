// Preloaded with `node --import` by test/cli/startup.test.ts: records every
// module the process loads into the file named by CUSTOS_TEST_MODULE_LOG,
// one URL or path a line, so a test can say what a command did NOT load.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env['CUSTOS_TEST_MODULE_LOG'];
if (log) {
  // ES modules, seen by a load hook (it runs on the loader's own thread).
  register(new URL('./hooks.mjs', import.meta.url), { data: { log } });
  // CommonJS modules (require, createRequire) are not seen by the hook on Node 20: list require's cache at exit.
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(log, Object.keys(cache).map((path) => `${path}\n`).join('')));
}
