import type { AuditSession } from '../audit/session.js';
import type { Db } from './sqlite.js';

/** What Keystore.internal hands to other core modules for one transaction. */
export interface InternalContext {
  db: Db;
  keystoreId: Uint8Array;
  /** A copy, wiped when the transaction ends. */
  masterKey: Uint8Array;
  /** The vault fingerprint of the master key (subkeys.ts `vaultFingerprintOf`), as sheets print it. */
  vaultFingerprint: string;
  /** The vault's human name, or null when it has none. */
  vaultName: string | null;
  /** Appends audit entries inside a write transaction, and reads the log. */
  audit: AuditSession;
}
