/**
 * Many keys fast for the Backups tests and benchmark: written through the
 * core's own importer (Keystore.importKeys: the path a bundle import takes)
 * in one transaction, so they are real sealed records with true fingerprints
 * and one audit entry; one symmetric storage key per client id, as a fleet of
 * services would have. Keystore.generate makes the same records but plans and
 * checks each key on its own, about 20 times slower at 100,000 keys here.
 * Run while the vault is locked in the worker.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { materialFingerprint } from '../../src-main/core/keystore/recordOpener.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';

export const clientId = (i: number) => `client-${String(i).padStart(6, '0')}`;

/** Adds `count` keys (clients `from` .. `from + count - 1`, purpose storage-sym) to the vault at `path`. */
export async function addKeys(path: string, passphrase: string, count: number, from = 0): Promise<void> {
  const ks = await openKeystore(path, { kind: 'passphrase', passphrase }, { actor: 'fixture' });
  try {
    const at = new Date().toISOString();
    // One contiguous buffer: 100,000 small live arrays would slow sealing (DESIGN.md, environment facts).
    const material = randomBytes(32 * count);
    ks.importKeys(
      (importer) => {
        for (let i = 0; i < count; i++) {
          const secret = new Uint8Array(material.buffer, material.byteOffset + 32 * i, 32);
          const id = clientId(from + i);
          const version = { version: 1, state: 'active' as const, publicKey: null, fingerprint: materialFingerprint('sym256', secret, null), createdAt: at, changedAt: at, secret };
          importer.insert({ name: `${id}_storage_sym`, clientId: id, zoneId: null, purpose: 'storage-sym', algorithm: 'sym256', currentVersion: 1, createdAt: at, versions: [version] });
        }
        return count;
      },
      (n) => ({ operation: 'import', subject: { fixture: `${n} storage-sym keys` } }),
    );
    material.fill(0);
  } finally {
    ks.close();
  }
}

/** SHA-256 of the SQLite file and its WAL (absent once the last connection closed and checkpointed). */
export function fileHash(path: string): string {
  const hash = createHash('sha256').update(readFileSync(path));
  if (existsSync(`${path}-wal`)) hash.update(readFileSync(`${path}-wal`));
  return hash.digest('hex');
}
