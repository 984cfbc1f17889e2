/**
 * Drives the ceremony wizard through the real handler table (worker, SQLite,
 * Chromium printing), recording every response so tests can look for share
 * words in what main sent back.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { InvokeChannel, IpcRequest, IpcResponse } from '../../shared/ipc.js';
import { decodeQrImage } from '../../src-main/core/paper/print/qrImage.js';
import { FAST_KDF, type Harness } from './harness.js';

export const PASS = 'correct horse battery staple';
export const ROLES = { operator: 'Olivia Operator', witnesses: ['Wanda Witness'], custodians: ['Ana', 'Ben', 'Cyd', 'Dee', 'Eve'] };

/** Every ok response main sent, as JSON text. */
export function recorder(h: Harness) {
  const responses: string[] = [];
  const ok = async <C extends InvokeChannel>(channel: C, payload: IpcRequest<C>): Promise<IpcResponse<C>> => {
    const result = await h.call(channel, payload);
    responses.push(JSON.stringify(result));
    if (!result.ok) throw new Error(`${channel} failed: ${result.code} ${result.message}`);
    return result.value;
  };
  const call = async <C extends InvokeChannel>(channel: C, payload: IpcRequest<C>) => {
    const result = await h.call(channel, payload);
    responses.push(JSON.stringify(result));
    return result;
  };
  return { responses, ok, call };
}

export async function createVault(h: Harness) {
  return h.ok('vault:create', { name: 'ceremony', passphrase: PASS, kdf: FAST_KDF });
}

export function vaultPath(h: Harness): string {
  return join(h.vaultsDir, 'ceremony.custos.db');
}

/** Rows of paper_ceremonies: what `custos info` and `paper check` read. */
export function recordedCeremonies(h: Harness): Array<{ id: string }> {
  const db = new Database(vaultPath(h), { readonly: true });
  try {
    return db.prepare('SELECT id FROM paper_ceremonies').all() as Array<{ id: string }>;
  } finally {
    db.close();
  }
}

export function auditOperations(h: Harness): Array<{ operation: string; subject: Record<string, unknown> }> {
  const db = new Database(vaultPath(h), { readonly: true });
  try {
    return (db.prepare('SELECT operation, subject FROM audit_log ORDER BY seq').all() as Array<{ operation: string; subject: string }>).map((r) => ({ operation: r.operation, subject: JSON.parse(r.subject) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

/** The words each PDF sheet's QR code holds, read by pdftoppm + zbarimg. */
export async function wordsOf(files: readonly string[]): Promise<string[]> {
  const words: string[] = [];
  for (const file of files) {
    const codes = await decodeQrImage(file);
    expect(codes, file).toHaveLength(1);
    words.push(codes[0] ?? '');
  }
  return words;
}

/** Steps 1 to 5 on an air-gapped machine: begin, roles, keys, quorum, sheets saved as PDF into `sheetsDir`. */
export async function throughPrint(h: Harness, r: ReturnType<typeof recorder>, options: { sheetsDir: string; groups?: Array<{ threshold: number; count: number }>; passphrase?: string; clientIds?: string[] }) {
  const groups = options.groups ?? [{ threshold: 3, count: 5 }];
  const count = groups.reduce((n, g) => n + g.count, 0);
  await r.ok('ceremony:begin', {});
  await r.ok('ceremony:roles', ROLES);
  const keys = await r.ok('ceremony:keys', { clientIds: options.clientIds ?? ['billing-svc', 'orders-svc'], zoneIds: [] });
  const custodians = ROLES.custodians.slice(0, count);
  await r.ok('ceremony:quorum', { groupThreshold: 1, groups, custodians, ...(options.passphrase ? { passphrase: options.passphrase } : {}) });
  mkdirSync(options.sheetsDir, { recursive: true });
  h.folderChoices.push({ purpose: 'ceremony-sheets', path: options.sheetsDir });
  const printed = await r.ok('ceremony:print', { destination: 'pdf-folder', paperSize: 'a4' });
  return { keys, printed };
}
