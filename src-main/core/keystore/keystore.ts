import { CustosError } from '../../../shared/errors.js';
import type { KeyDetail, KeyInfo } from '../../../shared/keys.js';
import { toHex, wipe } from '../crypto/bytes.js';
import { planKeys, type GenerateRequest } from '../catalog/plan.js';
import { keyCheckValue, recordWrapKey, vaultFingerprintOf } from '../masterkey/subkeys.js';
import { auditKeysFor } from '../audit/keys.js';
import { AuditLog } from '../audit/log.js';
import { AuditSession } from '../audit/session.js';
import { pendingUnlockNotes } from '../audit/unlockNotes.js';
import { KeyImporter } from './importer.js';
import { keyDetail, publicKeyPem } from './keyViews.js';
import { SCHEMA_VERSION } from './migrations/index.js';
import { RecordOpener } from './recordOpener.js';
import type { AuditDraft } from '../audit/entry.js';
import { keyEntry } from '../audit/subjects.js';
import { addFreshKeys, type GenerateOptions } from './generateKeys.js';
import { openKek } from './kek/kekStore.js';
import { destroyVersions, disableVersions, enableVersions, rotateVersion } from './keyStates.js';
import { KeyRows, toKeyInfo, type ListFilter, type VersionRow } from './rows.js';
import { selectionView, type KeySelection, type SelectionView } from './selection.js';
import { guardedRows, guardSqlite, type Db } from './sqlite.js';
import { readUnlockMethods, requireSameMasterKey, type KeystoreIdentity } from './unlock.js';
import type { InternalContext } from './internal.js';
import { readVaultIdentity } from './vaultIdentity.js';
import { WalCheckpoint } from './walCheckpoint.js';

export interface KeystoreInfo {
  path: string;
  keystoreId: string;
  createdAt: string;
  schemaVersion: number;
  /** The vault's fingerprint (of its master key) and human name: see docs/formats/keystore.md. */
  vaultFingerprint: string;
  vaultName: string | null;
  keyVersions: number;
  unlockMethods: Array<{ kind: string; label: string; createdAt: string }>;
}

/**
 * An unlocked keystore. Holds the record wrapping key until `close()`;
 * every change runs in one immediate SQLite transaction, together with the
 * audit entry that records it (no entry, no change).
 */
export class Keystore {
  private readonly rows: KeyRows;
  private wrapKey: Uint8Array | null;
  private records: RecordOpener;
  private masterKey: Uint8Array | null;
  private vaultFp: string;
  private readonly wal = new WalCheckpoint();
  /** Opened KEKs, by id, for this session; emptied whenever a KEK changes (`forgetKeks`) and on close. */
  private readonly keks = new Map<number, Uint8Array>();

  constructor(
    private readonly db: Db,
    readonly path: string,
    private identity: KeystoreIdentity,
    masterKey: Uint8Array,
    private audit: AuditSession,
  ) {
    this.rows = new KeyRows(db);
    this.masterKey = masterKey;
    this.vaultFp = vaultFingerprintOf(masterKey);
    this.wrapKey = recordWrapKey(masterKey, identity.keystoreId);
    this.records = this.opener();
  }

  private opener(): RecordOpener {
    const wrap = this.requireOpen();
    return new RecordOpener(wrap, this.identity.keystoreId, (id) => {
      let kek = this.keks.get(id);
      if (!kek) this.keks.set(id, (kek = openKek(this.db, wrap, this.identity.keystoreId, id)));
      return kek;
    });
  }

  /** For the KEK commands (kek/manage.ts): after a KEK is disabled, enabled or destroyed. */
  forgetKeks(): void {
    for (const kek of this.keks.values()) wipe(kek);
    this.keks.clear();
  }

  get keystoreId(): string {
    return toHex(this.identity.keystoreId);
  }

  info(): KeystoreInfo {
    return this.read(() => ({
      path: this.path,
      keystoreId: this.keystoreId,
      createdAt: this.identity.createdAt,
      schemaVersion: SCHEMA_VERSION,
      vaultFingerprint: this.vaultFp,
      vaultName: this.vaultName(),
      keyVersions: this.rows.count(),
      unlockMethods: readUnlockMethods(this.db).map((m) => ({ kind: m.kind, label: m.label, createdAt: m.created_at })),
    }));
  }

  list(filter: ListFilter = {}): KeyInfo[] {
    return this.read(() => this.rows.list(filter).map(toKeyInfo));
  }

  get(name: string): KeyDetail {
    return this.read(() => keyDetail(this.rows, name));
  }

  /**
   * Generates every key the requests name, all or nothing (KEY_EXISTS for a
   * name taken, unless `skipExisting` and it has the same purpose and owner).
   * A client's keys go under its KEK when it has one; `system` names a
   * system's KEK for all of them.
   */
  generate(requests: readonly GenerateRequest[], options: GenerateOptions = {}): KeyInfo[] {
    const planned = requests.flatMap((r) => planKeys(r));
    return this.write(() => addFreshKeys(this.db, this.rows, this.records, planned, options), (created) => keyEntry('key-generate', created));
  }

  rotate(name: string): KeyInfo {
    return this.write(() => rotateVersion(this.rows, this.records, name, new Date().toISOString()), (info) => keyEntry('key-rotate', [info]));
  }

  /** Disables every readable version; the material stays sealed until `enable`. */
  disable(name: string): KeyDetail {
    this.write(() => disableVersions(this.rows, name, new Date().toISOString()), (changed) => keyEntry('key-disable', changed));
    return this.get(name);
  }

  enable(name: string): KeyDetail {
    this.write(() => enableVersions(this.rows, name, new Date().toISOString()), (changed) => keyEntry('key-enable', changed));
    return this.get(name);
  }

  /** Destroys the sealed material of one older version, or of every version (public key and fingerprint stay), then truncates the WAL. */
  destroy(name: string, version?: number): KeyDetail {
    this.write(() => destroyVersions(this.rows, name, version, new Date().toISOString()), (doomed) => keyEntry('key-destroy', doomed));
    this.checkpoint();
    return this.get(name);
  }

  /** The public key as PEM (SPKI), after checking the sealed record still opens and matches it. */
  publicKeyPem(name: string, version?: number): string {
    return this.read(() => publicKeyPem(this.rows, this.records, name, version));
  }

  /** Every stored version, in storage order (streamed, not loaded at once). */
  versionRows(): IterableIterator<VersionRow> {
    this.requireOpen();
    return guardedRows(this.path, this.rows.iterateAll());
  }

  /** Runs `fn` in one read transaction over the selected keys, so a long export sees one consistent state. */
  exportView<T>(selection: KeySelection, fn: (view: SelectionView) => T): T {
    this.requireOpen();
    return guardSqlite(this.path, () => this.db.transaction(() => fn(selectionView(this.db, selection))).deferred());
  }

  /**
   * Runs `fn` in one immediate transaction with a writer for imported keys (and the internal context, for
   * the bundle's ceremony records and history): all of it, and its audit entry, is kept, or none.
   */
  importKeys<T>(fn: (importer: KeyImporter, ctx: InternalContext) => T, entry?: (result: T) => AuditDraft | null): T {
    const masterKey = new Uint8Array(this.masterKey ?? new Uint8Array(0));
    let result: T;
    let importer: KeyImporter | null = null;
    try {
      result = this.write(() => fn((this.requireOpen(), (importer = new KeyImporter(this.db, this.records))), this.context(masterKey)), entry);
    } finally {
      wipe(masterKey);
    }
    // As in destroy: the old sealed bytes of replaced keys must not survive in the WAL. An import that
    // replaced nothing left no old bytes, and SQLite checkpoints on its own later (a 10,000-key import
    // spent a tenth of its time in this one).
    if ((importer as KeyImporter | null)?.removedAny) this.checkpoint();
    return result;
  }

  /** Records an operation that reveals but changes nothing (an export, a transcript), in its own transaction. */
  record(draft: AuditDraft): void {
    this.write(() => undefined, () => draft);
  }

  /**
   * Opens a version's sealed secret (the caller wipes it). KEY_RECORD_TAMPERED when it does not open
   * under this keystore's identity, KEY_PUBLIC_ONLY when only the public part is held, KEK_* below a KEK.
   */
  openSecret(row: VersionRow): Uint8Array {
    this.requireOpen();
    return this.records.openSecret(row);
  }

  /** Throws KEY_RECORD_TAMPERED unless a public-only version's seal opens to its fingerprint. */
  verifyPublicOnly(row: VersionRow): void {
    this.requireOpen();
    this.records.verifyPublicOnly(row);
  }

  /** SQLite's own page-level check; an empty list means the file is sound. */
  integrityCheck(): string[] {
    return this.read(() => (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).filter((m) => m !== 'ok'));
  }

  /**
   * For other core modules only (paper ceremonies, audit): runs `fn` in one
   * transaction with the database, the audit session (a write appends its
   * entries through it) and a copy of the master key that is wiped
   * afterwards. Never reachable from the CLI or IPC surface directly.
   */
  internal<T>(mode: 'read' | 'write', fn: (ctx: InternalContext) => T): T {
    this.requireOpen();
    const masterKey = new Uint8Array(this.masterKey ?? new Uint8Array(0));
    try {
      return mode === 'write' ? this.write(() => fn(this.context(masterKey))) : this.read(() => fn(this.context(masterKey)));
    } finally {
      wipe(masterKey);
    }
  }

  /** Unlocks noted beside the keystore that the chain does not hold yet, apart from this session's own. */
  unlockNotesWaiting(): { failed: number; unlocked: number; unreadable: number } {
    return pendingUnlockNotes(this.path, this.audit.noteId);
  }

  private context(masterKey: Uint8Array): InternalContext {
    return { db: this.db, keystoreId: this.identity.keystoreId, masterKey, vaultFingerprint: this.vaultFp, vaultName: this.vaultName(), audit: this.audit };
  }

  /** Names this vault and its master-key epoch for people (of the master key alone): it changes when the master key does. */
  vaultFingerprint(): string {
    return this.vaultFp;
  }

  /** The human name given at `init --name` (or adopted from an imported bundle); null when none. */
  vaultName(): string | null {
    return readVaultIdentity(this.db, SCHEMA_VERSION)?.vaultName ?? null;
  }

  /**
   * For master-key rotation only (rotation/rotate.ts), once committed: holds the new master key,
   * its wrapping and audit keys, and truncates the WAL so records sealed under the old key leave it.
   */
  adoptMasterKey(masterKey: Uint8Array): void {
    this.requireOpen();
    const next = new Uint8Array(masterKey);
    wipe(this.wrapKey, this.masterKey);
    this.masterKey = next;
    this.vaultFp = vaultFingerprintOf(next);
    this.identity = { ...this.identity, keyCheck: keyCheckValue(next, this.identity.keystoreId) };
    this.wrapKey = recordWrapKey(next, this.identity.keystoreId);
    this.forgetKeks();
    this.records = this.opener();
    const actor = this.audit.actor;
    this.audit.dispose();
    this.audit = new AuditSession(new AuditLog(this.db, this.identity.keystoreId, auditKeysFor(next, this.identity.keystoreId)), actor);
    this.checkpoint();
  }

  close(): void {
    this.forgetKeks();
    wipe(this.wrapKey, this.masterKey);
    this.wrapKey = null;
    this.masterKey = null;
    this.audit.dispose();
    if (this.db.open) this.db.close();
  }

  /** Truncates the WAL after a committed change that left old sealed bytes (walCheckpoint.ts); whether it finished. */
  checkpoint(): boolean {
    this.requireOpen();
    return this.wal.run(this.db);
  }

  /** Whether the last checkpoint was kept from finishing (another connection using the file, or an error). */
  oldSealedBytesRemain(): boolean {
    return this.wal.oldSealedBytesRemain;
  }

  private requireOpen(): Uint8Array {
    if (!this.wrapKey || !this.db.open) throw new CustosError('KEYSTORE_LOCKED', 'the keystore is locked');
    return this.wrapKey;
  }

  private read<T>(fn: () => T): T {
    this.requireOpen();
    return guardSqlite(this.path, fn);
  }

  /** One immediate transaction for the change and its audit entry (`entry` returns null when nothing changed). */
  private write<T>(fn: () => T, entry?: (result: T) => AuditDraft | null): T {
    this.requireOpen();
    const guarded = () => {
      requireSameMasterKey(this.db, this.path, this.identity.keyCheck);
      return fn();
    };
    return guardSqlite(this.path, () => this.audit.transaction(this.db, guarded, entry));
  }
}
