import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { Keystore } from './keystore.js';
import { assertSupportedVersion, migrate } from './migrations/index.js';
import { APPLICATION_ID, applyConnectionPragmas, applyJournalMode, guardSqlite, openSqlite, readHeader, type Db } from './sqlite.js';
import { readIdentity, resolveMasterKey, type Unlock } from './unlock.js';

/**
 * Opens and unlocks a keystore. Until the master key is verified against the
 * stored check value nothing is written: the header is read first, a file that
 * is not ours or is newer than this build is refused, and only a verified
 * unlock runs pending migrations.
 */
export async function openKeystore(path: string, unlock: Unlock): Promise<Keystore> {
  const target = resolve(path);
  if (!existsSync(target)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${target} (create one with 'custos init')`);
  const db = openSqlite(target);
  let masterKey: Uint8Array | null = null;
  try {
    const { applicationId, userVersion } = readHeader(db, target);
    if (applicationId !== APPLICATION_ID) throw new CustosError('NOT_A_KEYSTORE', `${target} is not a Custos keystore`);
    assertSupportedVersion(userVersion, target);
    applyConnectionPragmas(db, target);
    const identity = guardSqlite(target, () => readIdentity(db, target));
    masterKey = await resolveMasterKey(db, identity, unlock);
    applyJournalMode(db, target);
    guardSqlite(target, () => migrate(db, userVersion));
    const keystore = new Keystore(db, target, identity, masterKey);
    masterKey = null;
    return keystore;
  } catch (error) {
    wipe(masterKey);
    closeQuietly(db);
    throw error;
  }
}

function closeQuietly(db: Db): void {
  try {
    db.close();
  } catch {
    // already failing; the original error matters
  }
}
