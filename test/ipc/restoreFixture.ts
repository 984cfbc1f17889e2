/**
 * A source vault as a ceremony leaves it, for the restore tests: keys, a
 * 2-of-3 split recorded (tags only) with the values its sheets print, and a
 * bundle with its access keys exported afterwards. Made with the real CLI and
 * core; the words are kept here only because the test plays the custodians.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { recordCeremony, splitVault } from '../../src-main/core/paper/paperVault.js';
import { expectOk, initVault, json, type CliVault } from '../cli/fixtures.js';

export interface RestoreSource {
  v: CliVault;
  words: string[];
  claims: { vaultFingerprint: string; ceremony: string; keyCheck: string; auditHead: string };
  bundle: string;
  accessKeys: string;
  /** The same bundle with one byte changed in its encrypted payload. */
  tampered: string;
  /** Access keys of another export of the same vault. */
  otherAccessKeys: string;
  /** A share of another split of the same key (another ceremony). */
  otherCeremonyShare: string;
  fingerprints: Array<{ name: string; version: number; fingerprint: string }>;
}

export async function restoreSource(): Promise<RestoreSource> {
  const v = await initVault();
  expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
  const ks = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(v.keyBytes) });
  let words: string[];
  let claims: RestoreSource['claims'];
  let otherCeremonyShare: string;
  try {
    const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: ['Ana Lima', 'Ben Okafor', 'Chen Wu'] });
    const sheet = split.sheets[0]!;
    recordCeremony(ks, split.record, sheet.auditHead);
    words = split.sheets.map((s) => s.mnemonic);
    claims = { vaultFingerprint: sheet.vaultFingerprint, ceremony: sheet.ceremonyId, keyCheck: sheet.masterKeyCheck, auditHead: sheet.auditHead ?? '' };
    otherCeremonyShare = (await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: [] })).sheets[0]!.mnemonic;
  } finally {
    ks.close();
  }
  const out = (name: string) => join(v.dir, name);
  expectOk(await v.run(['export', '--all', '--private-keys', '--bundle', out('keys.bundle'), '--access-keys', out('keys.access.json')]));
  expectOk(await v.run(['export', '--all', '--bundle', out('other.bundle'), '--access-keys', out('other.access.json')]));
  copyFileSync(out('keys.bundle'), out('tampered.bundle'));
  const bytes = readFileSync(out('tampered.bundle'));
  const at = bytes.length - 40;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  writeFileSync(out('tampered.bundle'), bytes);
  const keys = json<Array<{ name: string; version: number; fingerprint: string }>>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])));
  return {
    v,
    words,
    claims,
    bundle: out('keys.bundle'),
    accessKeys: out('keys.access.json'),
    tampered: out('tampered.bundle'),
    otherAccessKeys: out('other.access.json'),
    otherCeremonyShare,
    fingerprints: keys.map((k) => ({ name: k.name, version: k.version, fingerprint: k.fingerprint })).sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version),
  };
}
