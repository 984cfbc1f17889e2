#!/usr/bin/env node
// The `custos` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm ci` runs through the `prepare` script.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src-main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error INTERNAL: Custos is not built; run "npm run build" (npm ci runs it for you)\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
const { processIo } = await import(new URL('../dist/src-main/cli/io.js', import.meta.url).href);
process.exitCode = await runCli(process.argv.slice(2), processIo());
