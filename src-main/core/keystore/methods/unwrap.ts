import { CustosError } from '../../../../shared/errors.js';
import { equalBytes, utf8Bytes, wipe } from '../../crypto/bytes.js';
import { DENY_ALL, moduleRealPath, vaultTarget, type ApprovalGate } from '../../config/approvals.js';
import type { VaultConnection } from '../../kms/vault/connect.js';
import { passphraseRewrapper, type Rewrapper } from '../rotation/rewrap.js';
import type { Db } from '../sqlite.js';
import type { UnlockMethodRow } from '../unlock.js';
import type { MethodCredentials, VaultAccess } from './kinds.js';
import type { MethodParams, ParamsKind } from './params.js';

// What a stored method needs (zod for its parameters, the PKCS#11 and Vault
// clients, the SLIP-0039 word list) is imported when such a method is used, so
// opening a keystore with its master key or a passphrase loads none of it.
async function methodParams<K extends ParamsKind>(kind: K, row: UnlockMethodRow): Promise<MethodParams<K>> {
  return (await import('./params.js')).methodParams(kind, row);
}
const hsm = async () => ({ ...(await import('../../kms/pkcs11/gcmWrap.js')), ...(await import('../../kms/pkcs11/keys.js')), ...(await import('../../kms/pkcs11/session.js')) });
const vaultKv = () => import('../../kms/vault/kv.js');
const vaultTransit = () => import('../../kms/vault/transit.js');

/** Connects only to a Vault address (with the CA in use) that this installation approved. */
export async function withVault<T>(endpoint: string, access: VaultAccess, approve: ApprovalGate, fn: (conn: VaultConnection) => Promise<T>): Promise<T> {
  await approve(vaultTarget(endpoint, access.caPem));
  const { connectVault } = await import('../../kms/vault/connect.js');
  const conn = await connectVault({ ...access, endpoint });
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/**
 * The module a stored method names, resolved and approved before anything
 * loads it; the resolved path is what gets loaded, so a symlink swapped after
 * the check cannot point elsewhere.
 */
export async function approvedModule(modulePath: string, approve: ApprovalGate): Promise<string> {
  const path = moduleRealPath(modulePath);
  await approve({ kind: 'pkcs11-module', path });
  return path;
}

/**
 * The master key one stored method gives with these credentials: a fresh
 * buffer the caller owns. Throws that kind's typed error (HSM_*, VAULT_*,
 * SHARE_*); never tries another method. The caller checks the key check value.
 */
export async function unwrapMethod(db: Db, row: UnlockMethodRow, creds: Exclude<MethodCredentials, { kind: 'passphrase' }>, keystoreId: Uint8Array, approve: ApprovalGate = DENY_ALL): Promise<Uint8Array> {
  switch (creds.kind) {
    case 'pkcs11': {
      const p = await methodParams('pkcs11', row);
      const modulePath = await approvedModule(p.modulePath, approve);
      const { withHsmSession, hsmUnwrap, findKeyByLabel } = await hsm();
      return withHsmSession({ modulePath, token: p.token, pin: creds.pin }, (s) => hsmUnwrap(s, findKeyByLabel(s, p.keyLabel), row.wrapped, keystoreId));
    }
    case 'vault-transit': {
      const p = await methodParams('vault-transit', row);
      return withVault(p.endpoint, creds.vault, approve, async (conn) => (await vaultTransit()).transitUnwrap(conn, { mount: p.mount, name: p.keyName }, text(row.wrapped), keystoreId));
    }
    case 'vault-kv': {
      const p = await methodParams('vault-kv', row);
      return withVault(p.endpoint, creds.vault, approve, async (conn) => (await vaultKv()).readMasterKeyFromKv(conn, { mount: p.mount, path: p.path, field: p.field }));
    }
    case 'paper': {
      const p = await methodParams('paper', row);
      const ceremony = db.prepare('SELECT identifier, superseded_at FROM paper_ceremonies WHERE id = ?').get(p.ceremonyId) as { identifier: number; superseded_at: string | null } | undefined;
      if (!ceremony) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} names paper ceremony ${p.ceremonyId}, which this keystore has not recorded`);
      if (ceremony.superseded_at) throw new CustosError('WRONG_MASTER_KEY', `paper ceremony ${p.ceremonyId} was superseded by a master-key rotation on ${ceremony.superseded_at.slice(0, 10)}; its shares restore the old master key`);
      const { restoreSecret } = await import('../../paper/restore.js');
      const restored = restoreSecret(creds.shares, creds.passphrase ?? '');
      if (restored.identifier !== ceremony.identifier) {
        wipe(restored.secret);
        throw new CustosError('SHARES_MISMATCH', `these shares are not of paper ceremony ${p.ceremonyId} (SLIP-0039 set ${restored.identifier}, expected ${ceremony.identifier})`);
      }
      return restored.secret;
    }
  }
}

function requireSame(current: Uint8Array, expected: Uint8Array, row: UnlockMethodRow): void {
  const same = equalBytes(current, expected);
  wipe(current);
  if (!same) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} opened, but not to this keystore's master key; nothing was changed`);
}

/**
 * How master-key rotation re-wraps a method of this kind with these
 * credentials, or null when the kind cannot be re-wrapped: a Vault KV secret
 * would have to be overwritten in Vault before the keystore's transaction
 * commits (a failure then would leave Vault and the keystore disagreeing), and
 * paper shares restore the old key whatever is stored. Those are dropped and added again.
 */
export function rewrapperFor(creds: MethodCredentials, approve: ApprovalGate = DENY_ALL): Rewrapper | null {
  switch (creds.kind) {
    case 'passphrase':
      return passphraseRewrapper(creds.passphrase);
    case 'pkcs11':
      return async (row, ctx) => {
        const p = await methodParams('pkcs11', row);
        const modulePath = await approvedModule(p.modulePath, approve);
        const { withHsmSession, hsmUnwrap, hsmWrap, findKeyByLabel } = await hsm();
        return withHsmSession({ modulePath, token: p.token, pin: creds.pin }, (s) => {
          const key = findKeyByLabel(s, p.keyLabel);
          requireSame(hsmUnwrap(s, key, row.wrapped, ctx.keystoreId), ctx.oldMasterKey, row);
          return { params: row.params, wrapped: hsmWrap(s, key, ctx.newMasterKey, ctx.keystoreId) };
        });
      };
    case 'vault-transit':
      return async (row, ctx) => {
        const p = await methodParams('vault-transit', row);
        const key = { mount: p.mount, name: p.keyName };
        const { transitUnwrap, transitWrap } = await vaultTransit();
        const wrapped = await withVault(p.endpoint, creds.vault, approve, async (conn) => {
          requireSame(await transitUnwrap(conn, key, text(row.wrapped), ctx.keystoreId), ctx.oldMasterKey, row);
          return transitWrap(conn, key, ctx.newMasterKey, ctx.keystoreId);
        });
        return { params: row.params, wrapped: utf8Bytes(wrapped) };
      };
    case 'vault-kv':
    case 'paper':
      return null;
  }
}
