import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src-main/core/check/check.js';
import { sha256File } from '../helpers/tmp.js';
import { expectOk, expectTextError, initVault, json, withDb, type CliVault } from './fixtures.js';

type Report = CheckReport & { ok: boolean };

async function populated(): Promise<CliVault> {
  const vault = await initVault();
  expectOk(await vault.run(['keys', 'generate', '--client-id', 'orders', '--all']));
  expectOk(await vault.run(['keys', 'generate', '--global', '--all']));
  return vault;
}

function keyId(db: Database.Database, name: string): number {
  return (db.prepare('SELECT id FROM keys WHERE name = ?').get(name) as { id: number }).id;
}

async function check(vault: CliVault): Promise<{ report: Report; code: number }> {
  const result = await vault.run(['check', '--json']);
  expect(result.stderr).toBe('');
  return { report: json<Report>(result), code: result.code };
}

describe('custos check', () => {
  it('a clean keystore: exit 0, "ok", every record opened', async () => {
    const vault = await populated();
    const text = expectOk(await vault.run(['check']));
    expect(text.stdout).toBe('ok: 10 records opened, 0 destroyed, 0 problems\n');
    expect(text.stderr).toBe('');
    const { report, code } = await check(vault);
    expect(code).toBe(0);
    expect(report).toEqual({ ok: true, opened: 10, destroyed: 0, problems: [] });
  });

  it('an empty keystore is ok', async () => {
    const vault = await initVault();
    expect(expectOk(await vault.run(['check'])).stdout).toBe('ok: 0 records opened, 0 destroyed, 0 problems\n');
  });

  it('sealed records swapped between two keys: exit 1, both named, KEY_RECORD_TAMPERED', async () => {
    const vault = await populated();
    withDb(vault.path, (db) => {
      const a = keyId(db, 'orders_storage_sym');
      const b = keyId(db, 'orders_hmac');
      const sealedOf = (id: number) => (db.prepare('SELECT sealed FROM key_versions WHERE key_id = ? AND version = 1').get(id) as { sealed: Buffer }).sealed;
      const [sa, sb] = [sealedOf(a), sealedOf(b)];
      const set = db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ? AND version = 1');
      db.transaction(() => {
        set.run(sb, a);
        set.run(sa, b);
      })();
    });
    const { report, code } = await check(vault);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.opened).toBe(8);
    expect(report.problems.map((p) => [p.name, p.version, p.code]).sort()).toEqual([
      ['orders_hmac', 1, 'KEY_RECORD_TAMPERED'],
      ['orders_storage_sym', 1, 'KEY_RECORD_TAMPERED'],
    ]);

    const text = await vault.run(['check']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('problem KEY_RECORD_TAMPERED: orders_hmac v1: ');
    expect(text.stdout).toContain('problem KEY_RECORD_TAMPERED: orders_storage_sym v1: ');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED: 8 records opened, 0 destroyed, 2 problems');
  });

  it('one flipped byte of a stored public key: that key, and only it, is reported; exporting it fails', async () => {
    const vault = await populated();
    withDb(vault.path, (db) => {
      const id = keyId(db, 'orders_server');
      const row = db.prepare('SELECT public_key FROM key_versions WHERE key_id = ? AND version = 1').get(id) as { public_key: Buffer };
      const flipped = Buffer.from(row.public_key);
      flipped[7] = (flipped[7] ?? 0) ^ 0x01;
      db.prepare('UPDATE key_versions SET public_key = ? WHERE key_id = ? AND version = 1').run(flipped, id);
    });
    const { report, code } = await check(vault);
    expect(code).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ name: 'orders_server', version: 1, code: 'KEY_RECORD_TAMPERED' });
    expectTextError(await vault.run(['keys', 'show', 'orders_server', '--public-pem']), 'KEY_RECORD_TAMPERED');
    expectOk(await vault.run(['keys', 'show', 'orders', '--public-pem']));
  });

  it('a record renamed to another key (name edited in the keys table) is reported', async () => {
    const vault = await populated();
    withDb(vault.path, (db) => {
      // move the connector key out of the way and give its name to the server key
      db.prepare("UPDATE keys SET name = 'orders_old' WHERE name = 'orders'").run();
      db.prepare("UPDATE keys SET name = 'orders' WHERE name = 'orders_server'").run();
    });
    const { report, code } = await check(vault);
    expect(code).toBe(1);
    expect(report.problems.map((p) => [p.name, p.code]).sort()).toEqual([
      ['orders', 'KEY_RECORD_TAMPERED'],
      ['orders_old', 'KEY_RECORD_TAMPERED'],
    ]);
  });

  it('an edited fingerprint is reported even though the record still opens', async () => {
    const vault = await populated();
    withDb(vault.path, (db) => {
      db.prepare("UPDATE key_versions SET fingerprint = '00000000000000000000000000000000' WHERE key_id = ?").run(keyId(db, 'auth_key'));
    });
    const { report, code } = await check(vault);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ name: 'auth_key', version: 1, code: 'KEY_RECORD_TAMPERED' })]);
  });

  it('check only reads: a tampered keystore is left byte-identical', async () => {
    const vault = await populated();
    withDb(vault.path, (db) => {
      db.prepare("UPDATE key_versions SET sealed = zeroblob(length(sealed)) WHERE key_id = ?").run(keyId(db, 'poison_key'));
    });
    const hash = sha256File(vault.path);
    const { report, code } = await check(vault);
    expect(code).toBe(1);
    expect(report.problems.map((p) => p.name)).toEqual(['poison_key']);
    expect(sha256File(vault.path)).toBe(hash);
  });
});
