import { CustosError } from '../../../../shared/errors.js';
import { encodeBase64, equalBytes, wipe } from '../../crypto/bytes.js';
import { auditKeysFor, type AuditKeys } from '../../audit/keys.js';
import { rerootAuditLog } from '../../audit/reroot.js';
import { MASTER_KEY_BYTES } from '../../masterkey/masterKey.js';
import { keyCheckValue, paperTagKey, paperTagKeyV2, recordWrapKey, vaultFingerprintOf } from '../../masterkey/subkeys.js';
import { storeVaultFingerprint } from '../vaultIdentity.js';
import type { Keystore } from '../keystore.js';
import { readUnlockMethods, type UnlockMethodRow } from '../unlock.js';
import { resealRecords, supersedeCeremonies } from './reseal.js';
import { resealKeks } from '../kek/kekStore.js';
import type { RewrappedMethod, Rewrapper } from './rewrap.js';

export interface RotateOptions {
  newMasterKey: Uint8Array;
  /** How to re-wrap each unlock method, by its id (built from that method's credentials). */
  rewrappers: ReadonlyMap<number, Rewrapper>;
  /** Unlock methods to remove instead of re-wrapping. */
  drop?: readonly number[];
  now?: Date;
  /** Runs inside the transaction, last: a throw rolls everything back (the CLI puts the new key's file in place here). */
  beforeCommit?: () => void;
}

export interface RotationResult {
  rotatedAt: string;
  previousVaultFingerprint: string;
  vaultFingerprint: string;
  /** Key records re-sealed (those under the master key). */
  records: number;
  /** KEKs re-sealed; the records under them are not touched. */
  keks: number;
  methods: Array<{ id: number; kind: string; label: string; action: 'rewrapped' | 'dropped' }>;
  supersededCeremonies: number;
  auditEntries: number;
  /** The audit transcripts' new signing key (base64): the audit root moved with the master key. */
  transcriptPublicKey: string;
}

/** Which methods would stop the rotation: neither re-wrappable with what was given, nor dropped. */
export function methodsBlockingRotation(methods: readonly UnlockMethodRow[], rewrappers: ReadonlyMap<number, Rewrapper>, drop: readonly number[]): UnlockMethodRow[] {
  return methods.filter((m) => !drop.includes(m.id) && !rewrappers.has(m.id));
}

/**
 * Replaces the master key. First, outside any transaction, every unlock
 * method is re-wrapped under the new key by its kind's rewrapper (which
 * proves its credentials open the current wrap): a missing or wrong
 * credential refuses the rotation before anything is written. Then, in ONE
 * transaction: the audit log is verified under the old root and the
 * `master-key-rotate` entry appended to it; every sealed record is re-sealed
 * under the new wrapping key (same identity); the key check value, the unlock
 * methods and the paper ceremonies (superseded) are updated; and the whole log
 * is re-MACed under the new audit root. The keystore object then holds the new key.
 */
export async function rotateMasterKey(keystore: Keystore, options: RotateOptions): Promise<RotationResult> {
  const drop = [...new Set(options.drop ?? [])];
  if (options.newMasterKey.length !== MASTER_KEY_BYTES) throw new CustosError('MASTER_KEY_MALFORMED', 'a master key is exactly 32 bytes');
  const { methods, oldMasterKey, keystoreId } = keystore.internal('read', (ctx) => ({ methods: readUnlockMethods(ctx.db), oldMasterKey: new Uint8Array(ctx.masterKey), keystoreId: new Uint8Array(ctx.keystoreId) }));
  const newMasterKey = new Uint8Array(options.newMasterKey);
  try {
    if (equalBytes(oldMasterKey, newMasterKey)) throw new CustosError('ROTATION_SAME_KEY', 'the new master key is the current one; nothing was rotated');
    for (const id of drop) if (!methods.some((m) => m.id === id)) throw new CustosError('INVALID_ARGUMENT', `there is no unlock method ${id} to drop (see 'custos unlock-methods list')`);
    const blocking = methodsBlockingRotation(methods, options.rewrappers, drop);
    if (blocking.length > 0) {
      const list = blocking.map((m) => `${m.id} (${m.kind}, ${m.label})`).join(', ');
      throw new CustosError('ROTATION_METHOD_UNAVAILABLE', `unlock method ${list} cannot be re-wrapped without its credentials; nothing was rotated. Give them, or drop it with --drop-method ID`);
    }
    const rewrapped = new Map<number, RewrappedMethod>();
    for (const method of methods) {
      const rewrapper = drop.includes(method.id) ? undefined : options.rewrappers.get(method.id);
      if (rewrapper) rewrapped.set(method.id, await rewrapper(method, { keystoreId, oldMasterKey, newMasterKey }));
    }
    const result = commitRotation(keystore, { methods, rewrapped, drop, newMasterKey, at: (options.now ?? new Date()).toISOString(), beforeCommit: options.beforeCommit });
    keystore.adoptMasterKey(newMasterKey);
    return result;
  } finally {
    wipe(oldMasterKey, newMasterKey);
  }
}

interface Commit {
  methods: readonly UnlockMethodRow[];
  rewrapped: ReadonlyMap<number, RewrappedMethod>;
  drop: readonly number[];
  newMasterKey: Uint8Array;
  at: string;
  beforeCommit?: (() => void) | undefined;
}

function commitRotation(keystore: Keystore, c: Commit): RotationResult {
  return keystore.internal('write', (ctx) => {
    const newKcv = keyCheckValue(c.newMasterKey, ctx.keystoreId);
    const oldWrap = recordWrapKey(ctx.masterKey, ctx.keystoreId);
    const newWrap = recordWrapKey(c.newMasterKey, ctx.keystoreId);
    // Each current ceremony keeps the tag key of its own scheme (and salt) under the old master key.
    const oldTagKey = (scheme: 1 | 2, salt: Uint8Array | null) => (scheme === 1 && salt ? paperTagKey(ctx.masterKey, salt) : paperTagKeyV2(ctx.masterKey));
    const newAudit: AuditKeys = auditKeysFor(c.newMasterKey, ctx.keystoreId);
    try {
      // Re-MACing a log that fails verification would make its tampering authentic under the new root.
      const verified = ctx.audit.log.verify();
      if (!verified.ok) {
        throw new CustosError('AUDIT_TAMPERED', `the audit log fails verification (${verified.problem?.kind ?? 'problem'} at seq ${verified.problem?.seq ?? 0}); rotating would re-authenticate it, so nothing was rotated. Run 'custos audit verify'`);
      }
      const vaultFingerprint = vaultFingerprintOf(c.newMasterKey);
      const transcriptPublicKey = encodeBase64(newAudit.signingKey().publicKey);
      const methods = c.methods.map((m) => ({ id: m.id, kind: m.kind, label: m.label, action: c.drop.includes(m.id) ? ('dropped' as const) : ('rewrapped' as const) }));
      const ceremonies = (ctx.db.prepare('SELECT count(*) AS n FROM paper_ceremonies WHERE superseded_at IS NULL').get() as { n: number }).n;
      const records = (ctx.db.prepare('SELECT count(*) AS n FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE v.sealed IS NOT NULL AND k.kek_id IS NULL').get() as { n: number }).n;
      const keks = (ctx.db.prepare('SELECT count(*) AS n FROM keks WHERE sealed IS NOT NULL').get() as { n: number }).n;
      // The last entry under the old root names the new epoch: its vault fingerprint and transcript key.
      ctx.audit.append({
        operation: 'master-key-rotate',
        at: c.at,
        subject: { previousVaultFingerprint: ctx.vaultFingerprint, vaultFingerprint, records, keks, methods, supersededCeremonies: ceremonies, transcriptPublicKey },
      });
      const resealed = resealRecords(ctx.db, ctx.keystoreId, oldWrap, newWrap);
      if (resealed !== records) throw new CustosError('INTERNAL', `re-sealed ${resealed} records of ${records}`);
      resealKeks(ctx.db, ctx.keystoreId, oldWrap, newWrap);
      ctx.db.prepare('UPDATE keystore SET key_check = ? WHERE singleton = 1').run(newKcv);
      storeVaultFingerprint(ctx.db, vaultFingerprint);
      const update = ctx.db.prepare('UPDATE unlock_methods SET params = ?, wrapped = ? WHERE id = ?');
      const remove = ctx.db.prepare('DELETE FROM unlock_methods WHERE id = ?');
      for (const m of c.methods) {
        const next = c.rewrapped.get(m.id);
        if (c.drop.includes(m.id)) remove.run(m.id);
        else if (next) update.run(next.params, next.wrapped, m.id);
        else throw new CustosError('ROTATION_METHOD_UNAVAILABLE', `unlock method ${m.id} was not re-wrapped; nothing was rotated`);
      }
      const superseded = supersedeCeremonies(ctx.db, ctx.keystoreId, { oldWrap, newWrap, oldTagKey }, c.at);
      const auditEntries = rerootAuditLog(ctx.db, newAudit);
      c.beforeCommit?.();
      return { rotatedAt: c.at, previousVaultFingerprint: ctx.vaultFingerprint, vaultFingerprint, records, keks, methods, supersededCeremonies: superseded, auditEntries, transcriptPublicKey };
    } finally {
      wipe(newKcv, oldWrap, newWrap);
      newAudit.dispose();
    }
  });
}
