/**
 * Issue 5 figures: what an audit entry adds to a change (append cost, alone
 * and inside one transaction), and how long `custos audit verify` takes over
 * 100,000 entries. The verification runs in a fresh child process, as
 * `custos audit verify` does, not in the process whose heap just held the
 * 100,000 appends (whose garbage slowed it by a fifth or more).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAudit } from '../../src-main/core/audit/report.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { threadCpuMs } from './floors.js';
import { fmt, peakRssMiB, row, timed, inFreshProcess } from './measure.js';

const LOG = 100_000;
const ALONE = 500;

/** In the child: `audit verify` (two threads and one) and its floor, taking turns, best of three each. */
async function verifyStep(path: string, masterKeyHex: string): Promise<void> {
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(Buffer.from(masterKeyHex, 'hex')) }, { actor: 'bench' });
  verifyAudit(ks); // warm-up: the first pass also pays for reading the file into the page cache
  // Verify (two threads, as `custos audit verify` runs on this machine, and one) and the floor take
  // turns, best of three each, so a load that changes from one second to the next skews all alike.
  // The floor, per entry: one SHA-256 over an entry-sized message and one HMAC-SHA256 (node:crypto,
  // fresh objects, one thread).
  const message = new Uint8Array(200);
  const macKey = new Uint8Array(32).fill(7);
  const best = { two: Infinity, one: Infinity, floor: Infinity };
  const cpu = { two: 0, one: 0, floor: 0 }; // this thread's CPU ms, summed over the rounds (see floors.ts)
  let entries = 0;
  for (let round = 0; round < 3; round++) {
    for (const [key, worker] of [['two', true], ['one', false]] as const) {
      const cpuAt = threadCpuMs();
      const verdict = await timed(() => ks.internal('read', (ctx) => ctx.audit.log.verify(undefined, { worker })));
      if (!verdict.value.ok) throw new Error(`the bench log does not verify: ${JSON.stringify(verdict.value.problem)}`);
      entries = verdict.value.entries;
      best[key] = Math.min(best[key], verdict.ms);
      cpu[key] += threadCpuMs() - cpuAt;
    }
    const cpuAt = threadCpuMs();
    const floor = await timed(() => {
      for (let i = 0; i < entries; i++) createHmac('sha256', macKey).update(createHash('sha256').update(message).digest()).digest();
    });
    best.floor = Math.min(best.floor, floor.ms);
    cpu.floor += threadCpuMs() - cpuAt;
  }
  const us = (ms: number) => (ms / entries) * 1000;
  for (const [key, threads] of [['two', 'two threads'], ['one', 'one thread']] as const) {
    row(`verify (${entries.toLocaleString('en')} entries), ${threads}`, entries, fmt(best[key]), fmt(us(best[key]), 2));
    row(`  entries per second (goal ≥ 100,000), ratio to floor`, '', '', fmt((entries / best[key]) * 1000, 0), `${fmt(best[key] / best.floor, 2)}×`);
    row(`  this thread's CPU per entry, ratio to the floor's`, '', '', fmt((cpu[key] / (3 * entries)) * 1000, 2), `${fmt(cpu[key] / cpu.floor, 2)}×`);
  }
  row('floor: a SHA-256 and an HMAC per entry, alone (one thread)', entries, fmt(best.floor), fmt(us(best.floor), 2));
  ks.close();
  console.log(`peak RSS of the verifying process ${fmt(peakRssMiB())} MiB`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-'));
  try {
    const masterKey = generateMasterKey();
    const path = join(dir, 'audit.db');
    await createKeystore(path, { masterKey });
    const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }, { actor: 'bench' });
    const subject = { count: 1, keys: [{ name: 'client-00001_storage', version: 1, fingerprint: '0123456789abcdef0123456789abcdef' }] };

    row('', 'entries', 'ms', 'µs/entry');

    // As a real change does it: one immediate transaction (synchronous=FULL, one fsync) per entry.
    const alone = await timed(() => {
      for (let i = 0; i < ALONE; i++) ks.internal('write', (ctx) => ctx.audit.append({ operation: 'key-rotate', subject }));
    });
    row('append, one transaction per entry (fsync)', ALONE, fmt(alone.ms), fmt((alone.ms / ALONE) * 1000));

    // The audit part alone (hash, HKDF, two HMACs, two statements), many entries in one transaction.
    const bulk = await timed(() =>
      ks.internal('write', (ctx) => {
        for (let i = ALONE; i < LOG - 2; i++) ctx.audit.append({ operation: 'key-generate', subject });
      }),
    );
    row('append, all in one transaction (CPU + SQLite)', LOG - 2 - ALONE, fmt(bulk.ms), fmt((bulk.ms / (LOG - 2 - ALONE)) * 1000));
    ks.close();
    console.log(`peak RSS of the appending process ${fmt(peakRssMiB())} MiB`);
    inFreshProcess(import.meta.url, ['--verify', path, Buffer.from(masterKey).toString('hex')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--verify') await verifyStep(args[1] ?? '', args[2] ?? '');
else await main();
