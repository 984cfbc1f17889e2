#!/usr/bin/env node
// The `custos` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm ci` runs through the `prepare` script.
import { existsSync } from 'node:fs';

const dist = (path) => new URL(`../dist/src-main/cli/${path}`, import.meta.url);
const argv = process.argv.slice(2);
if (!existsSync(dist('main.js'))) {
  process.stderr.write('error INTERNAL: Custos is not built; run "npm run build" (npm ci runs it for you)\n');
  process.exitCode = 1;
} else if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Needs nothing but the version: answered before the command-line parser
  // and the commands are loaded (runCli would print the same).
  const { VERSION } = await import(dist('version.js').href);
  process.stdout.write(`${VERSION}\n`);
} else {
  const { runCli } = await import(dist('main.js').href);
  const { processIo } = await import(dist('io.js').href);
  process.exitCode = await runCli(argv, processIo());
}
