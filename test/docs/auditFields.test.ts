/**
 * docs/formats/audit.md against the code: every operation the log can record
 * is in its table, and the export and import entries carry exactly the fields
 * its "field by field" table names. The entries are the real ones: a real
 * keystore exports a bundle, an Acra keystore folder and an acra-keys bundle,
 * and a second keystore imports them (Redis push and pull need a server and
 * are left out; they write through the same keyEntry with the fields listed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportAcraKeysBundle, importAcraKeysBundle } from '../../src-main/core/acra/acraKeysBundleVault.js';
import { exportAcraKeystore } from '../../src-main/core/acra/exportKeys.js';
import { newAcraMasterKey } from '../../src-main/core/acra/masterKey.js';
import { AUDIT_OPERATIONS } from '../../src-main/core/audit/entry.js';
import { auditEntries } from '../../src-main/core/audit/report.js';
import type { TranscriptEntry } from '../../src-main/core/audit/transcript.js';
import { exportFrom, importInto } from '../core/bundle/helpers.js';
import { makeVault } from '../helpers/keystore.js';
import { tempDir } from '../helpers/tmp.js';

const DOC = readFileSync('docs/formats/audit.md', 'utf8');
/** Fields the doc marks as present only sometimes: the key list's tail past 256 keys, and tag keys that did not open. */
const SOMETIMES = new Set(['more', 'digest', 'unverifiedTagKeys']);
const KEY_LIST = ['count', 'keys'];

/** The "field by field" table: entry label (e.g. "export acra-keystore-v1", "import bundle") to its documented fields. */
function documentedFields(): Map<string, string[]> {
  const start = DOC.indexOf('### Export and import entries, field by field');
  expect(start, 'audit.md has the field-by-field section').toBeGreaterThan(0);
  const rows = DOC.slice(start).split('\n').filter((l) => /^\| `(export|import)`/.test(l));
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const [entry = '', , fields = ''] = row.split('|').slice(1).map((c) => c.trim());
    const op = /^`(\w+)`/.exec(entry)?.[1] ?? '';
    const format = /format `([\w-]+)`/.exec(entry)?.[1] ?? 'bundle';
    table.set(`${op} ${format}`, [...fields.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? ''));
  }
  return table;
}

function entryLabel(e: TranscriptEntry): string {
  const subject = e.subject as Record<string, unknown>;
  return `${e.operation} ${typeof subject['format'] === 'string' ? subject['format'] : 'bundle'}`;
}

describe('docs/formats/audit.md', () => {
  it('names every operation the log records', () => {
    const table = DOC.slice(DOC.indexOf('## What is recorded'), DOC.indexOf('### Export and import entries'));
    for (const op of AUDIT_OPERATIONS) expect(table, `${op} missing from "What is recorded"`).toContain(`\`${op}\``);
  });

  it('lists exactly the fields each export and import entry carries', { timeout: 120_000 }, async () => {
    const documented = documentedFields();
    const source = await makeVault();
    let ks = await source.open();
    ks.generate([{ scope: 'client', clientId: 'billing-svc' }, { scope: 'global' }]);
    ks.close();

    const bundle = await exportFrom(source);
    const work = tempDir();
    ks = await source.open();
    const selection = { clientIds: ['billing-svc'], zoneIds: [], global: true };
    exportAcraKeystore(ks, { out: join(work, '.acrakeys'), selection, acraMasterKey: newAcraMasterKey() });
    const acraBundle = exportAcraKeysBundle(ks, { bundle: join(work, 'acra.bundle'), secret: join(work, 'acra.secret'), selection });
    const exported = auditEntries(ks).filter((e) => e.operation === 'export');
    ks.close();

    const target = await makeVault();
    await importInto(target, join(bundle.dir, 'keys.bundle'), join(bundle.dir, 'keys.access.json'));
    const other = await makeVault();
    ks = await other.open();
    importAcraKeysBundle(ks, readFileSync(acraBundle.bundle), readFileSync(acraBundle.secret), `acra-keys bundle ${acraBundle.bundle}`);
    const acraImport = auditEntries(ks).filter((e) => e.operation === 'import');
    ks.close();
    ks = await target.open();
    const imported = [...auditEntries(ks).filter((e) => e.operation === 'import'), ...acraImport];
    ks.close();

    const entries = [...exported, ...imported];
    expect(entries.map(entryLabel).sort()).toEqual(['export acra-keys-bundle-v1', 'export acra-keystore-v1', 'export bundle', 'import acra-keystore-v1', 'import bundle']);
    for (const entry of entries) {
      const label = entryLabel(entry);
      const fields = documented.get(label);
      expect(fields, `audit.md has a row for ${label}`).toBeDefined();
      const written = Object.keys(entry.subject as object).filter((f) => !KEY_LIST.includes(f));
      for (const field of written) expect(fields, `${label}: field ${field} is written but not documented`).toContain(field);
      for (const field of fields ?? []) if (!SOMETIMES.has(field)) expect(written, `${label}: field ${field} is documented but not written`).toContain(field);
      expect(Object.keys(entry.subject as object)).toEqual(expect.arrayContaining(KEY_LIST));
    }
    // The Acra folder's export id is the crash journal's name: 32 hex digits, as documented.
    const acraExport = exported.find((e) => entryLabel(e) === 'export acra-keystore-v1');
    expect((acraExport?.subject as Record<string, unknown>)['exportId']).toMatch(/^[0-9a-f]{32}$/);
    expect((exported.find((e) => entryLabel(e) === 'export bundle')?.subject as Record<string, unknown>)['bundleId']).toBe(bundle.bundleId);
  });
});
