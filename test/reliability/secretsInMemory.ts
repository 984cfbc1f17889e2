/**
 * One secrets-in-memory run (issue 14): a vault with a master key this side
 * knows, opened by the real core worker in a child Node process
 * (secretsInMemoryTarget.mjs), dumped with gcore while unlocked (the control:
 * the search must find the keys there) and again after the lock (the claim:
 * it must not). Shared by the short test and the stress run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { recordWrapKey } from '../../src-main/core/masterkey/subkeys.js';
import { dumpProcess, keyForms, searchFile, type Needle } from '../helpers/gcore.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TARGET = join(ROOT, 'test', 'reliability', 'secretsInMemoryTarget.mjs');

export interface SecretsRun {
  /** Hits (needle label → count) in the dump taken while unlocked. */
  unlocked: Map<string, number>;
  /** Hits in the dump taken after the lock: what issue 14 says must be empty. */
  locked: Map<string, number>;
  dumpBytes: number;
}

/** `keyFile`: base64 text (what `custos master-key generate --out` writes) or the raw 32 bytes (acra-keymaker). */
export async function secretsInMemoryRun(keyFile: 'base64' | 'raw'): Promise<SecretsRun> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-secrets-'));
  try {
    const masterKey = new Uint8Array(randomBytes(32));
    const vault = join(dir, 'vault.custos');
    const created = await createKeystore(vault, { masterKey });
    const keyPath = join(dir, 'master.key');
    writeFileSync(keyPath, keyFile === 'raw' ? masterKey : `${Buffer.from(masterKey).toString('base64')}\n`, { mode: 0o600 });
    const needles: Needle[] = [
      ...keyForms('master key', masterKey),
      ...keyForms('record wrapping key', recordWrapKey(masterKey, Buffer.from(created.keystoreId, 'hex'))),
    ];

    const child = spawn(process.execPath, [TARGET, ROOT, vault, keyPath, 'billing-svc'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const expect = async (word: string) => {
      const line = await lines.next();
      if (line.done || line.value !== word) throw new Error(`the target process said ${line.done ? 'nothing (it ended)' : JSON.stringify(line.value)}, not ${word}`);
    };
    try {
      await expect('unlocked');
      const pid = child.pid ?? 0;
      const before = dumpProcess(pid, join(dir, 'unlocked'));
      const unlocked = searchFile(before, needles);
      rmSync(before);
      child.stdin.write('lock\n');
      await expect('locked');
      const after = dumpProcess(pid, join(dir, 'locked'));
      const dumpBytes = (await import('node:fs')).statSync(after).size;
      const locked = searchFile(after, needles);
      rmSync(after);
      child.stdin.write('done\n');
      return { unlocked, locked, dumpBytes };
    } finally {
      child.stdin.end();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
