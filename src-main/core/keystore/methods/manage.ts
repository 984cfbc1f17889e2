import { CustosError } from '../../../../shared/errors.js';
import type { JsonValue } from '../../audit/entry.js';
import type { Keystore } from '../keystore.js';
import { readUnlockMethods, type UnlockMethodRow } from '../unlock.js';
import { CALLER_NAMED, type ApprovalGate } from '../../config/approvals.js';
import { prepareMethod, type MethodSpec } from './prepare.js';

export interface MethodInfo {
  id: number;
  kind: string;
  label: string;
  /** The stored, non-secret parameters (where the root lives; never a PIN, token or key). */
  params: { [field: string]: JsonValue };
  createdAt: string;
}

function info(row: UnlockMethodRow): MethodInfo {
  let params: { [field: string]: JsonValue } = {};
  try {
    params = JSON.parse(row.params) as { [field: string]: JsonValue };
  } catch {
    params = { malformed: true };
  }
  // A passphrase's salt is not secret, but it is noise to a reader.
  if (row.kind === 'passphrase') params = { algorithm: params['algorithm'] ?? null, memoryKiB: params['memoryKiB'] ?? null, iterations: params['iterations'] ?? null, parallelism: params['parallelism'] ?? null };
  return { id: row.id, kind: row.kind, label: row.label, params, createdAt: row.created_at };
}

export function listUnlockMethods(keystore: Keystore): MethodInfo[] {
  return keystore.internal('read', (ctx) => readUnlockMethods(ctx.db).map(info));
}

/**
 * Adds a method that wraps (or holds) this keystore's master key. The wrap
 * is made and checked first, outside the transaction; then the row and its
 * `unlock-method-add` entry are written together.
 */
export async function addUnlockMethod(keystore: Keystore, spec: MethodSpec, now = new Date(), approve: ApprovalGate = CALLER_NAMED): Promise<MethodInfo> {
  const { masterKey, keystoreId, ceremony } = keystore.internal('read', (ctx) => ({
    masterKey: new Uint8Array(ctx.masterKey),
    keystoreId: new Uint8Array(ctx.keystoreId),
    ceremony: spec.kind === 'paper' ? (ctx.db.prepare('SELECT superseded_at FROM paper_ceremonies WHERE id = ?').get(spec.ceremonyId) as { superseded_at: string | null } | undefined) : undefined,
  }));
  try {
    if (spec.kind === 'paper' && !ceremony) throw new CustosError('INVALID_ARGUMENT', `no paper ceremony ${spec.ceremonyId} is recorded in this keystore (see 'custos paper split')`);
    if (ceremony?.superseded_at) throw new CustosError('INVALID_ARGUMENT', `paper ceremony ${spec.kind === 'paper' ? spec.ceremonyId : ''} was superseded by a master-key rotation; split new shares first`);
    if (spec.label !== undefined && (spec.label.length === 0 || spec.label.length > 100)) throw new CustosError('INVALID_ARGUMENT', 'a method label is 1 to 100 characters');
    const prepared = await prepareMethod(spec, masterKey, keystoreId, approve);
    const at = now.toISOString();
    return keystore.internal('write', (ctx) => {
      const result = ctx.db.prepare('INSERT INTO unlock_methods (kind, label, params, wrapped, created_at) VALUES (?, ?, ?, ?, ?)').run(prepared.kind, prepared.label, prepared.params, prepared.wrapped, at);
      const row = readUnlockMethods(ctx.db).find((m) => m.id === Number(result.lastInsertRowid));
      if (!row) throw new CustosError('INTERNAL', 'the new unlock method was not stored');
      const added = info(row);
      ctx.audit.append({ operation: 'unlock-method-add', subject: { id: added.id, kind: added.kind, label: added.label, params: added.params } });
      return added;
    });
  } finally {
    masterKey.fill(0);
  }
}

/**
 * Removes one method. The raw master key always unlocks (it is not a row), but
 * a keystore's last row is never removed: whoever opened it with a passphrase
 * or an HSM may not hold the raw key, and would lock themselves out.
 */
export function removeUnlockMethod(keystore: Keystore, id: number): MethodInfo {
  return keystore.internal('write', (ctx) => {
    const rows = readUnlockMethods(ctx.db);
    const row = rows.find((m) => m.id === id);
    if (!row) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `there is no unlock method ${id} (see 'custos unlock-methods list')`);
    if (rows.length === 1) throw new CustosError('UNLOCK_METHOD_LAST', `unlock method ${id} is the keystore's last; add another before removing it`);
    ctx.db.prepare('DELETE FROM unlock_methods WHERE id = ?').run(id);
    const removed = info(row);
    ctx.audit.append({ operation: 'unlock-method-remove', subject: { id: removed.id, kind: removed.kind, label: removed.label } });
    return removed;
  });
}
