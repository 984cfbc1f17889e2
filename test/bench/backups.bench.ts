/**
 * Issue 12 / 15 figures for the Backups screen: export and import of 100,000
 * keys through the app's real handler table and worker (as test/ipc/backups.test.ts
 * does with fewer keys), timed as the window would see it. Printed: the time
 * of each pass, the progress events main received and the longest gap between
 * two of them (counting from the request to the first event and from the last
 * event to the answer): the window must hear from the worker at least every
 * 500 ms. Also: how long `keys:list` waits when it is made during the import
 * (refused at once as KEYSTORE_BUSY), and how long Cancel takes to land.
 * DEBUG_GAPS=1 also prints each gap over 150 ms with the event that ended it.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProgressEvent } from '../../shared/ipc.js';
import type { InvokeChannel, IpcRequest } from '../../shared/ipc.js';
import type { FolderPurpose } from '../../src-main/ipc/context.js';
import { createIpc } from '../../src-main/ipc/handlers/index.js';
import { chromiumPrinter } from '../../src-main/ipc/printing.js';
import { fileSettings } from '../../src-main/ipc/settings.js';
import { vaultRegistry } from '../../src-main/ipc/vaults.js';
import { startCore } from '../../src-main/ipc/worker/coreClient.js';
import { addKeys } from '../ipc/backupsFixture.js';
import { fmt, row, timed } from './measure.js';

const KEYS = Number(process.env['CUSTOS_BENCH_BACKUP_KEYS'] ?? 100_000);
const PASS = 'correct horse battery staple';
const ROOT = resolve(import.meta.dirname, '..', '..');
const ORIGIN = 'custos://app';
const SENDER = { url: `${ORIGIN}/index.html`, isMainFrame: true };

const dir = mkdtempSync(join(tmpdir(), 'custos-bench-backups-'));
const stick = statSync('/dev/shm').dev !== statSync(tmpdir()).dev ? mkdtempSync(join('/dev/shm', 'custos-bench-')) : join(dir, 'stick');
mkdirSync(stick, { recursive: true });
const progress: Array<{ at: number; event: ProgressEvent }> = [];
const files: string[] = [];
const folders: Array<{ purpose: FolderPurpose; path: string }> = [];
const core = startCore({
  workerUrl: pathToFileURL(join(ROOT, 'dist', 'src-main', 'ipc', 'worker', 'coreWorker.js')),
  onProgress: (event) => progress.push({ at: performance.now(), event }),
});
const ipc = createIpc({
  core,
  appOrigin: ORIGIN,
  vaults: vaultRegistry(join(dir, 'vaults')),
  settings: fileSettings(join(dir, 'settings.json')),
  network: () => ({ airGapped: true, interfaces: [] }),
  chooseFile: async () => files.shift() ?? null,
  chooseFolder: async (purpose) => folders.find((f) => f.purpose === purpose)?.path ?? null,
  chooseSaveFile: async () => null,
  printer: chromiumPrinter(),
  setCamera: () => undefined,
  cupsServerRoot: null,
  writeClipboard: () => undefined,
  emit: () => undefined,
  testKnobs: { weakKdf: true },
});

async function call<C extends InvokeChannel>(channel: C, payload: IpcRequest<C>) {
  const result = await ipc.handlers[channel](payload, SENDER);
  if (!result.ok) throw new Error(`${channel}: ${result.code} ${result.message}`);
  return result.value as never;
}

/** Progress of `task` since `from`, and the longest silence the window saw between `start` and `end`. */
function cadence(task: ProgressEvent['task'], from: number, start: number, end: number): { events: number; maxGapMs: number } {
  const times = progress.slice(from).filter((p) => p.event.task === task).map((p) => p.at);
  const points = [start, ...times, end];
  let maxGap = 0;
  const labels = ['(request)', ...progress.slice(from).filter((p) => p.event.task === task).map((p) => `${p.event.label}`), '(answer)'];
  for (let i = 1; i < points.length; i++) {
    const gap = (points[i] ?? 0) - (points[i - 1] ?? 0);
    if (process.env['DEBUG_GAPS'] && gap > 150) console.log(`  gap ${Math.round(gap)} ms before: ${labels[i]}`);
    maxGap = Math.max(maxGap, gap);
  }
  return { events: times.length, maxGapMs: maxGap };
}

async function vault(name: string): Promise<{ id: string; path: string }> {
  const v: { id: string } = await call('vault:create', { name, passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } });
  const list: { vaults: Array<{ id: string; path: string }> } = await call('vault:list', {});
  await call('vault:lock', {});
  return { id: v.id, path: list.vaults.find((e) => e.id === v.id)?.path ?? '' };
}

try {
  const source = await vault('source');
  const target = await vault('target');
  const made = await timed(() => addKeys(source.path, PASS, KEYS));
  console.log(`${KEYS.toLocaleString('en')} keys (storage-sym, one per client id) written by the fixture in ${fmt(made.ms / 1000)} s; 2 cores, shared\n`);
  row('', 'seconds', 'events', 'max gap ms');

  await call('vault:unlock', { id: source.id, passphrase: PASS });
  folders.push({ purpose: 'backup-bundle', path: dir }, { purpose: 'backup-access-keys', path: stick });
  let from = progress.length;
  let start = performance.now();
  const exported: { bundle: string; accessKeys: string } = await call('backups:export', { selection: { scope: 'all' }, privateKeys: true });
  let end = performance.now();
  let c = cadence('export', from, start, end);
  row('export, private keys', fmt((end - start) / 1000), c.events, fmt(c.maxGapMs, 0));

  await call('vault:unlock', { id: target.id, passphrase: PASS });
  files.push(exported.bundle, exported.accessKeys);
  await call('backups:openBundle', {});
  from = progress.length;
  start = performance.now();
  await call('backups:openAccessKeys', {});
  end = performance.now();
  c = cadence('import', from, start, end);
  row('verify (access keys chosen)', fmt((end - start) / 1000), c.events, fmt(c.maxGapMs, 0));

  from = progress.length;
  start = performance.now();
  const importing = call('backups:import', { onConflict: 'fail' });
  while (!progress.slice(from).some((p) => p.event.task === 'import' && p.event.done > 0)) await new Promise((r) => setTimeout(r, 2));
  const asked = performance.now();
  const listed = await ipc.handlers['keys:list']({}, SENDER);
  const answered = performance.now();
  await importing;
  end = performance.now();
  c = cadence('import', from, start, end);
  row('import', fmt((end - start) / 1000), c.events, fmt(c.maxGapMs, 0));
  console.log(`\nkeys:list during the import: ${listed.ok ? 'answered' : listed.code} after ${fmt(answered - asked, 2)} ms (the import ran ${fmt((end - asked) / 1000)} s more)`);

  // Cancel: the same import again with replace, cancelled once under way.
  files.push(exported.bundle, exported.accessKeys);
  await call('backups:openBundle', {});
  await call('backups:openAccessKeys', {});
  from = progress.length;
  const again = ipc.handlers['backups:import']({ onConflict: 'replace' }, SENDER);
  while (!progress.slice(from).some((p) => p.event.task === 'import' && p.event.done > 0)) await new Promise((r) => setTimeout(r, 2));
  const cancelAt = performance.now();
  await ipc.handlers['backups:cancel']({}, SENDER);
  const outcome = await again;
  console.log(`Cancel during an import: ${outcome.ok ? 'not cancelled' : outcome.code} after ${fmt(performance.now() - cancelAt, 0)} ms`);
} finally {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(stick, { recursive: true, force: true });
}
