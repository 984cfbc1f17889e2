import { CustosError } from '../../../../shared/errors.js';
import { wipe } from '../../crypto/bytes.js';
import { keysSubject } from '../../audit/subjects.js';
import { validateId } from '../../catalog/ids.js';
import { recordWrapKey } from '../../masterkey/subkeys.js';
import type { InternalContext } from '../internal.js';
import type { Keystore } from '../keystore.js';
import { insertKek, kekRow, listKeks, type KekInfo, type KekScope, type KekState } from './kekStore.js';

function infoOf(ctx: InternalContext, id: number): KekInfo {
  const found = listKeks(ctx.db).find((k) => k.id === id);
  if (!found) throw new CustosError('KEK_NOT_FOUND', `there is no KEK ${id}`);
  return found;
}

/** A system name: 1 to 64 characters of A-Z, a-z, 0-9, '.', '-' or '_'. */
export function systemName(text: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(text)) throw new CustosError('INVALID_ARGUMENT', "a system name is 1 to 64 characters of A-Z, a-z, 0-9, '.', '-' or '_'");
  return text;
}

const subject = (k: KekInfo) => ({ id: k.id, scope: k.scope, owner: k.owner, fingerprint: k.fingerprint });

export function kekList(keystore: Keystore): KekInfo[] {
  return keystore.internal('read', (ctx) => listKeks(ctx.db));
}

/**
 * A new random KEK for a client id or a system name, sealed under the master
 * key. Keys generated for that client (or with `--system`) from now on go
 * under it; existing keys stay where they are.
 */
export function kekCreate(keystore: Keystore, scope: KekScope, owner: string, now = new Date()): KekInfo {
  const name = scope === 'client' ? validateId('client id', owner) : systemName(owner);
  return keystore.internal('write', (ctx) => {
    const wrap = recordWrapKey(ctx.masterKey, ctx.keystoreId);
    try {
      const row = insertKek(ctx.db, wrap, ctx.keystoreId, scope, name, now.toISOString());
      const info = infoOf(ctx, row.id);
      ctx.audit.append({ operation: 'kek-create', subject: subject(info) });
      return info;
    } finally {
      wipe(wrap);
    }
  });
}

function setState(keystore: Keystore, id: number, from: KekState, to: KekState, operation: 'kek-disable' | 'kek-enable'): KekInfo {
  const info = keystore.internal('write', (ctx) => {
    const row = kekRow(ctx.db, id);
    if (row.state === 'destroyed') throw new CustosError('KEK_DESTROYED', `KEK ${id} was destroyed`);
    if (row.state !== from) return infoOf(ctx, id);
    ctx.db.prepare('UPDATE keks SET state = ?, changed_at = ? WHERE id = ?').run(to, new Date().toISOString(), id);
    const changed = infoOf(ctx, id);
    ctx.audit.append({ operation, subject: { ...subject(changed), keysBelow: changed.keys } });
    return changed;
  });
  keystore.forgetKeks();
  return info;
}

/** Every key below it becomes unreadable (KEK_DISABLED) until `kekEnable`; nothing is deleted. */
export function kekDisable(keystore: Keystore, id: number): KekInfo {
  return setState(keystore, id, 'active', 'disabled', 'kek-disable');
}

export function kekEnable(keystore: Keystore, id: number): KekInfo {
  return setState(keystore, id, 'disabled', 'active', 'kek-enable');
}

/**
 * Destroys the KEK and every key version below it, in one transaction: the
 * KEK's seal and every record's seal are overwritten (NULL; secure_delete
 * zeroes the pages) and the versions become `destroyed`, so nothing below it
 * survives even for someone who later learns the KEK. The WAL is truncated after.
 */
export function kekDestroy(keystore: Keystore, id: number): KekInfo {
  const info = keystore.internal('write', (ctx) => {
    const row = kekRow(ctx.db, id);
    if (row.state === 'destroyed') throw new CustosError('KEK_DESTROYED', `KEK ${id} was destroyed already`);
    const at = new Date().toISOString();
    const doomed = ctx.db
      .prepare("SELECT k.name, v.version, v.fingerprint FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.kek_id = ? AND v.state <> 'destroyed' ORDER BY k.id, v.version")
      .all(id) as Array<{ name: string; version: number; fingerprint: string }>;
    ctx.db.prepare("UPDATE key_versions SET state = 'destroyed', sealed = NULL, changed_at = ? WHERE state <> 'destroyed' AND key_id IN (SELECT id FROM keys WHERE kek_id = ?)").run(at, id);
    ctx.db.prepare("UPDATE keks SET state = 'destroyed', sealed = NULL, changed_at = ? WHERE id = ?").run(at, id);
    const destroyed = infoOf(ctx, id);
    ctx.audit.append({ operation: 'kek-destroy', subject: keysSubject(doomed, { kek: subject(destroyed) }) });
    return destroyed;
  });
  keystore.forgetKeks();
  keystore.checkpoint();
  return info;
}
