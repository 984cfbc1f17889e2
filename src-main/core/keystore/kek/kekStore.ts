import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../../shared/errors.js';
import { open, seal } from '../../crypto/aead.js';
import { encodeFields, wipe } from '../../crypto/bytes.js';
import { fingerprint } from '../../crypto/fingerprint.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../sqlite.js';

export type KekScope = 'client' | 'system';
export type KekState = 'active' | 'disabled' | 'destroyed';

export interface KekRow {
  id: number;
  scope: KekScope;
  owner: string;
  state: KekState;
  sealed: Uint8Array | null;
  fingerprint: string;
  created_at: string;
  changed_at: string;
}

export interface KekInfo {
  id: number;
  scope: KekScope;
  owner: string;
  state: KekState;
  fingerprint: string;
  /** Key versions sealed under it (destroyed ones included). */
  keys: number;
  createdAt: string;
  changedAt: string;
}

/** A KEK is sealed under the master key's record wrapping key, bound to its id, scope and owner. */
export function kekAad(keystoreId: Uint8Array, row: Pick<KekRow, 'id' | 'scope' | 'owner'>): Uint8Array {
  return encodeFields(['custos/kek/v1', keystoreId, row.id, row.scope, row.owner]);
}

export function kekRow(db: Db, id: number): KekRow {
  const row = db.prepare('SELECT * FROM keks WHERE id = ?').get(id) as KekRow | undefined;
  if (!row) throw new CustosError('KEK_NOT_FOUND', `there is no KEK ${id} (see 'custos kek list')`);
  return row;
}

/** Prepared once per connection: generate asks this for every key, and preparing cost more than the query. */
const liveKekStatements = new WeakMap<Db, Statement<[KekScope, string], KekRow>>();

/** The live (not destroyed) KEK of an owner, or null. */
export function liveKekOf(db: Db, scope: KekScope, owner: string): KekRow | null {
  let statement = liveKekStatements.get(db);
  if (!statement) liveKekStatements.set(db, (statement = db.prepare<[KekScope, string], KekRow>("SELECT * FROM keks WHERE scope = ? AND owner = ? AND state <> 'destroyed'")));
  return statement.get(scope, owner) ?? null;
}

export function listKeks(db: Db): KekInfo[] {
  const rows = db.prepare('SELECT k.*, (SELECT count(*) FROM key_versions v JOIN keys y ON y.id = v.key_id WHERE y.kek_id = k.id) AS n FROM keks k ORDER BY k.id').all() as Array<KekRow & { n: number }>;
  return rows.map((r) => ({ id: r.id, scope: r.scope, owner: r.owner, state: r.state, fingerprint: r.fingerprint, keys: r.n, createdAt: r.created_at, changedAt: r.changed_at }));
}

/** Call inside a write transaction. A fresh random 256-bit KEK, sealed under `wrap`. */
export function insertKek(db: Db, wrap: Uint8Array, keystoreId: Uint8Array, scope: KekScope, owner: string, at: string): KekRow {
  if (liveKekOf(db, scope, owner)) throw new CustosError('KEK_EXISTS', `${scope} ${owner} already has a KEK`);
  const material = new Uint8Array(randomBytes(32));
  try {
    const fp = fingerprint('kek256', material);
    // The id is part of the associated data, so the row exists before its seal.
    const id = Number(db.prepare('INSERT INTO keks (scope, owner, state, sealed, fingerprint, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(scope, owner, 'active', new Uint8Array(1), fp, at, at).lastInsertRowid);
    const sealed = seal(wrap, material, kekAad(keystoreId, { id, scope, owner }));
    db.prepare('UPDATE keks SET sealed = ? WHERE id = ?').run(sealed, id);
    return kekRow(db, id);
  } finally {
    wipe(material);
  }
}

/**
 * The KEK's material (the caller owns and wipes it). KEK_DISABLED,
 * KEK_DESTROYED, or KEY_RECORD_TAMPERED when its seal does not open.
 */
export function openKek(db: Db, wrap: Uint8Array, keystoreId: Uint8Array, id: number): Uint8Array {
  const row = kekRow(db, id);
  if (row.state === 'disabled') throw new CustosError('KEK_DISABLED', `KEK ${id} (${row.scope} ${row.owner}) is disabled: every key below it is unreadable until 'custos kek enable ${id}'`);
  if (row.state === 'destroyed' || !row.sealed) throw new CustosError('KEK_DESTROYED', `KEK ${id} (${row.scope} ${row.owner}) was destroyed, and with it every key below it`);
  const material = open(wrap, row.sealed, kekAad(keystoreId, row));
  if (!material) throw new CustosError('KEY_RECORD_TAMPERED', `KEK ${id} (${row.scope} ${row.owner}) does not open: it was edited or moved`);
  return material;
}

/** Master-key rotation: every live KEK re-sealed under the new wrapping key (the records below it are untouched). */
export function resealKeks(db: Db, keystoreId: Uint8Array, oldWrap: Uint8Array, newWrap: Uint8Array): number {
  const rows = db.prepare('SELECT * FROM keks WHERE sealed IS NOT NULL ORDER BY id').all() as KekRow[];
  const update = db.prepare('UPDATE keks SET sealed = ? WHERE id = ?');
  for (const row of rows) {
    const material = row.sealed ? open(oldWrap, row.sealed, kekAad(keystoreId, row)) : null;
    if (!material) throw new CustosError('KEY_RECORD_TAMPERED', `KEK ${row.id} does not open under the current master key; nothing was rotated`);
    update.run(seal(newWrap, material, kekAad(keystoreId, row)), row.id);
    wipe(material);
  }
  return rows.length;
}
