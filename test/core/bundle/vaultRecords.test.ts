import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeAccessKeys, readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import type { Staging } from '../../../src-main/core/bundle/codec.js';
import { encodeKey } from '../../../src-main/core/bundle/codec.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { encodeCeremony, encodeVaultIdentity, type PortableCeremony } from '../../../src-main/core/bundle/vaultRecords.js';
import { accessKeysOf, BundleWriter, newExportSecrets } from '../../../src-main/core/bundle/writer.js';
import type { PortableKey } from '../../../src-main/core/keystore/importer.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Bundles that a correct writer refuses to make, signed all the same (as
 * someone holding the signing key, or a buggy exporter, could): the reader
 * must refuse each with BUNDLE_MALFORMED. The writer's own guards are
 * stepped around by encoding into its staging buffer directly.
 */
const KEY: PortableKey = {
  name: 'poison_key_sym',
  clientId: null,
  zoneId: null,
  purpose: 'poison-sym' as PortableKey['purpose'],
  algorithm: 'sym256',
  currentVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  versions: [{ version: 1, state: 'active', publicKey: null, secret: null, fingerprint: '0'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z', changedAt: '2026-01-01T00:00:00.000Z' }],
};
const CEREMONY: PortableCeremony = {
  record: {
    id: '654', createdAt: '2026-01-01T00:00:00.000Z', identifier: 654, groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], iterationExponent: 1, extendable: true, passphraseUsed: false,
    vaultFingerprint: '6447-4354-f04a-0861', masterKeyCheck: 'cd9a-dec0-f722-b5d8', tagScheme: 2, tagSalt: null, shares: [{ groupIndex: 0, memberIndex: 0, custodian: null, tag: new Uint8Array(32).fill(7) }],
  },
  supersededAt: '2026-02-01T00:00:00.000Z',
  supersededTagKey: new Uint8Array(73).fill(9),
};

function craft(build: (writer: BundleWriter, staging: Staging) => void, options: { privateKeys?: boolean; formatVersion?: 1 | 2; keys?: number } = {}): string {
  const dir = tempDir();
  const secrets = newExportSecrets();
  const parts: Uint8Array[] = [];
  const writer = new BundleWriter((b) => parts.push(new Uint8Array(b)), secrets, {
    privateKeys: options.privateKeys ?? true,
    keyCount: options.keys ?? 0,
    versionCount: options.keys ?? 0,
    sourceFingerprint: new Uint8Array(16),
    chunkBytes: 1024,
    formatVersion: options.formatVersion,
  });
  const internals = writer as unknown as { staging: Staging; vaultWritten: boolean };
  build(writer, internals.staging);
  internals.vaultWritten = true;
  writer.finish();
  writeFileSync(join(dir, 'b.bundle'), Buffer.concat(parts));
  writeFileSync(join(dir, 'b.access.json'), encodeAccessKeys(accessKeysOf(secrets)));
  return dir;
}

function read(dir: string): void {
  const reader = new BundleReader(join(dir, 'b.bundle'));
  try {
    reader.readKeys(readAccessKeysFile(join(dir, 'b.access.json')), () => undefined);
  } finally {
    reader.close();
  }
}

const refused = (dir: string, message: RegExp) => expect(() => read(dir)).toThrowError(expect.objectContaining({ code: 'BUNDLE_MALFORMED', message: expect.stringMatching(message) as unknown }));

describe('the vault records of a v2 bundle: the reader enforces their order and content', () => {
  it('a v2 bundle without its vault record', () => {
    refused(craft(() => undefined), /must carry its vault record/);
  });

  it('a key record after the vault record', () => {
    refused(craft((_, staging) => {
      encodeVaultIdentity(staging, { vaultFingerprint: '6447-4354-f04a-0861', vaultName: null });
      encodeKey(staging, KEY);
    }), /out of place/);
  });

  it('a vault record twice, or a ceremony before it', () => {
    const vault = { vaultFingerprint: '6447-4354-f04a-0861', vaultName: null };
    refused(craft((w) => {
      w.addVaultIdentity(vault);
      (w as unknown as { vaultWritten: boolean }).vaultWritten = false;
      w.addVaultIdentity(vault);
    }), /out of place/);
    refused(craft((_, staging) => encodeCeremony(staging, { ...CEREMONY, supersededTagKey: null })), /out of place/);
  });

  it("a superseded ceremony's tag key in a bundle without private keys", () => {
    refused(craft((w, staging) => {
      w.addVaultIdentity({ vaultFingerprint: '6447-4354-f04a-0861', vaultName: null });
      encodeCeremony(staging, CEREMONY);
    }, { privateKeys: false }), /tag key in a bundle without private keys/);
  });

  it('a vault record in a v1 bundle (which holds keys only)', () => {
    refused(craft((_, staging) => encodeVaultIdentity(staging, { vaultFingerprint: '6447-4354-f04a-0861', vaultName: null }), { formatVersion: 1 }), /unknown record type/);
  });

  it('a ceremony whose shares do not match its groups', () => {
    refused(craft((w) => {
      w.addVaultIdentity({ vaultFingerprint: '6447-4354-f04a-0861', vaultName: null });
      w.addCeremony({ ...CEREMONY, record: { ...CEREMONY.record, groups: [{ threshold: 2, count: 3 }] } });
    }), /do not match its groups/);
  });

  const VAULT = { vaultFingerprint: '6447-4354-f04a-0861', vaultName: null };
  const current = { ...CEREMONY, supersededAt: null, supersededTagKey: null };
  const twoShares = (shares: PortableCeremony['record']['shares']): PortableCeremony => ({ ...current, record: { ...current.record, groups: [{ threshold: 2, count: 2 }], shares } });
  const share = (memberIndex: number, fill: number) => ({ groupIndex: 0, memberIndex, custodian: null, tag: new Uint8Array(32).fill(fill) });

  it('a vault name that the keystore would not take (control characters, too long, untrimmed)', () => {
    for (const vaultName of ['Payments\u001b]0;owned\u0007', 'x'.repeat(201), ' padded ', '']) {
      refused(craft((w) => w.addVaultIdentity({ ...VAULT, vaultName })), /vault name/);
    }
  });

  it('a ceremony that names one share position twice, or one tag twice', () => {
    refused(craft((w) => {
      w.addVaultIdentity(VAULT);
      w.addCeremony(twoShares([share(0, 1), share(0, 2)]));
    }), /twice/);
    refused(craft((w) => {
      w.addVaultIdentity(VAULT);
      w.addCeremony(twoShares([share(0, 1), share(1, 1)]));
    }), /twice/);
  });

  it('one ceremony id twice, or one tag in two ceremonies', () => {
    refused(craft((w) => {
      w.addVaultIdentity(VAULT);
      w.addCeremony(current);
      w.addCeremony({ ...current, record: { ...current.record, shares: [share(0, 3)] } });
    }), /ceremony 654 twice/);
    refused(craft((w) => {
      w.addVaultIdentity(VAULT);
      w.addCeremony(current);
      w.addCeremony({ ...current, record: { ...current.record, id: '655', identifier: 655 } });
    }), /twice/);
  });

  it('a custodian name or a date with control characters, an iteration exponent SLIP-0039 cannot hold', () => {
    const bad: Array<Partial<PortableCeremony['record']>> = [
      { shares: [{ ...share(0, 4), custodian: 'Ana\u001b[2J' }] },
      { createdAt: '2026-01-01\u001b[2J' },
      { iterationExponent: 16 },
    ];
    for (const change of bad) {
      refused(craft((w) => {
        w.addVaultIdentity(VAULT);
        w.addCeremony({ ...current, record: { ...current.record, ...change } });
      }), /ceremony 654/);
    }
  });

  it('a vault record naming another vault than the header does', () => {
    // craft() leaves the header's source field zero: vault 0000-0000-0000-0000.
    refused(craft((w) => w.addVaultIdentity(VAULT)), /header names vault 0000-0000-0000-0000, its vault record 6447-4354-f04a-0861/);
    expect(() => read(craft((w) => w.addVaultIdentity({ ...VAULT, vaultFingerprint: '0000-0000-0000-0000' })))).not.toThrow();
  });
});

