/** Writes docs/errors.md from shared/errors.ts (`npm run docs:errors`); test/docs checks it is current. */
import { writeFileSync } from 'node:fs';
import { ERROR_CODES } from '../../shared/errors.js';

const lines = [
  '# Error codes',
  '',
  'Every failure the core, the CLI and the app report carries one of these codes.',
  'Messages are for people and may change; codes are stable, and tests assert them.',
  '',
  'The CLI prints `error CODE: message` on standard error and exits 1 (2 for `INVALID_ARGUMENT`),',
  'or prints `{"code": ..., "message": ...}` on standard output with `--json`.',
  '',
  'This file is generated from `shared/errors.ts` by `npm run docs:errors`.',
  '',
  '| code | meaning |',
  '|---|---|',
  ...Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`),
  '',
];
writeFileSync(new URL('../../docs/errors.md', import.meta.url), lines.join('\n'));
