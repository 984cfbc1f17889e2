/**
 * The keystore file itself as hostile input: someone who can write the file
 * but not unlock it corrupts or truncates it, plants a trigger, or stores a
 * huge blob. Opening, listing and checking answer with a typed code (or work
 * on what is intact), promptly, and a refused open writes nothing to the file.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkKeystore } from '../../src-main/core/check/check.js';
import { offeredUnlockMethods } from '../../src-main/core/keystore/methods/offered.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { makeVault } from '../helpers/keystore.js';
import { sha256File, tempDir } from '../helpers/tmp.js';
import { mutate, mutation, outcome, outcomeAsync, runs, timeoutFor } from './runs.js';

let pristine: Buffer;
let masterKey: Uint8Array;

beforeAll(async () => {
  const v = await makeVault({ passphrase: 'hostile file passphrase' });
  const ks = await v.open();
  ks.generate([{ scope: 'client', clientId: 'orders' }]);
  ks.close();
  // One self-contained file: the WAL folded in, as a copied keystore would be.
  const db = new Database(v.path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
  pristine = readFileSync(v.path);
  masterKey = new Uint8Array(v.masterKey);
}, 60_000);

/** A fresh copy of the keystore, changed by `change`, at its own path. */
function planted(bytes: Uint8Array): string {
  const path = join(tempDir('custos-prop-file-'), 'custos.db');
  writeFileSync(path, bytes, { mode: 0o600 });
  return path;
}

async function openListCheck(path: string): Promise<void> {
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  try {
    ks.list({ allVersions: true });
    checkKeystore(ks);
  } finally {
    ks.close();
  }
}

/** Whether the open itself refused (typed), as opposed to a later read reporting a problem. */
async function refusedOpen(path: string): Promise<boolean> {
  let opened: Awaited<ReturnType<typeof openKeystore>> | null = null;
  const result = await outcomeAsync(async () => {
    opened = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  });
  (opened as { close(): void } | null)?.close();
  return result !== 'ok';
}

describe('a corrupt or truncated keystore file', () => {
  it('is refused with a typed code and left as it was, or opens and reads with typed problems only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const path = planted(mutate(pristine, mutations));
        const before = sha256File(path);
        outcome(() => offeredUnlockMethods(path));
        expect(sha256File(path)).toBe(before);
        // A refused open never writes the keystore (unlock notes go beside it, not into it).
        if (await refusedOpen(path)) expect(sha256File(path)).toBe(before);
        // An open that succeeds may settle the file (journal mode, its own unlock entry); reading it then reports typed problems only.
        else await outcomeAsync(() => openListCheck(path));
        rmSync(path, { force: true });
      }),
      { numRuns: runs(60) },
    );
  }, timeoutFor(120_000));
});

describe('a keystore with planted objects', () => {
  it('a planted trigger: refused as KEYSTORE_CORRUPT before any write, for the unlock screen and the open alike', async () => {
    const path = planted(pristine);
    const db = new Database(path);
    db.exec("CREATE TRIGGER keep_copy AFTER UPDATE ON key_versions BEGIN INSERT INTO audit_log SELECT * FROM audit_log LIMIT 0; END;");
    db.close();
    const before = sha256File(path);
    expect(outcome(() => offeredUnlockMethods(path))).toBe('KEYSTORE_CORRUPT');
    expect(await outcomeAsync(() => openListCheck(path))).toBe('KEYSTORE_CORRUPT');
    expect(sha256File(path)).toBe(before);
  });

  it('a huge sealed blob and huge method parameters: typed codes in bounded time, the rest still readable', async () => {
    const path = planted(pristine);
    const db = new Database(path);
    const huge = Buffer.alloc(16 * 1024 * 1024, 0x41);
    db.prepare("UPDATE key_versions SET sealed = ? WHERE key_id = (SELECT id FROM keys WHERE name = 'orders_storage_sym')").run(huge);
    db.prepare("UPDATE unlock_methods SET params = ? WHERE kind = 'passphrase'").run(`{"memoryKiB":${'9'.repeat(4 * 1024 * 1024)}}`);
    db.close();
    const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
    try {
      const report = checkKeystore(ks);
      expect(report.problems.map((p) => [p.name, p.code])).toEqual([['orders_storage_sym', 'KEY_RECORD_TAMPERED']]);
      expect(ks.list().length).toBeGreaterThan(1);
    } finally {
      ks.close();
    }
    expect(await outcomeAsync(() => openKeystore(path, { kind: 'passphrase', passphrase: 'hostile file passphrase' }))).toBe('UNLOCK_METHOD_TAMPERED');
    expect(outcome(() => offeredUnlockMethods(path))).toBe('ok');
  }, 60_000);
});
