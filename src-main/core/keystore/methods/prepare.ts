import { CustosError } from '../../../../shared/errors.js';
import { equalBytes, utf8Bytes, wipe } from '../../crypto/bytes.js';
import type { Argon2idParams } from '../../crypto/kdf.js';
import { hsmUnwrap, hsmWrap } from '../../kms/pkcs11/gcmWrap.js';
import { findKeyByLabel, generateWrappingKey } from '../../kms/pkcs11/keys.js';
import { withHsmSession, type TokenSelector } from '../../kms/pkcs11/session.js';
import { checkVaultPath } from '../../kms/vault/connect.js';
import { readMasterKeyFromKv, writeMasterKeyToKv } from '../../kms/vault/kv.js';
import { transitUnwrap, transitWrap } from '../../kms/vault/transit.js';
import { wrapWithPassphrase } from '../../masterkey/passphraseWrap.js';
import type { MethodKind, VaultAccess } from './kinds.js';
import { CALLER_NAMED, type ApprovalGate } from '../../config/approvals.js';
import { approvedModule, withVault } from './unwrap.js';

/** A new unlock method, as asked for (credentials included; they are used, never stored). */
export type MethodSpec = { label?: string | undefined } & (
  | { kind: 'passphrase'; passphrase: string; params: Argon2idParams }
  | { kind: 'pkcs11'; modulePath: string; token: TokenSelector; pin: string; keyLabel: string; generate: boolean }
  | { kind: 'vault-transit'; endpoint: string; mount?: string | undefined; keyName: string; vault: VaultAccess }
  | { kind: 'vault-kv'; endpoint: string; mount?: string | undefined; path: string; field?: string | undefined; vault: VaultAccess; write?: boolean | undefined; overwrite?: boolean | undefined }
  | { kind: 'paper'; ceremonyId: string }
);

/** What goes into the row. `wrapped` is empty for methods that store no blob (Vault KV, paper). */
export interface PreparedMethod {
  kind: MethodKind;
  label: string;
  params: string;
  wrapped: Uint8Array;
}

const mismatch = (what: string) => new CustosError('UNLOCK_METHOD_TAMPERED', `${what} did not give back this keystore's master key; nothing was added`);

/**
 * Wraps (or places) the master key for a new method and proves the method
 * opens again to exactly this key before anything is stored. Runs outside any
 * transaction: an HSM, Vault or a KDF may take a while.
 */
export async function prepareMethod(spec: MethodSpec, masterKey: Uint8Array, keystoreId: Uint8Array, approve: ApprovalGate = CALLER_NAMED): Promise<PreparedMethod> {
  const json = (value: unknown) => JSON.stringify(value);
  switch (spec.kind) {
    case 'passphrase':
      return { kind: 'passphrase', label: spec.label ?? 'passphrase', params: json(spec.params), wrapped: await wrapWithPassphrase(masterKey, spec.passphrase, spec.params, keystoreId) };
    case 'pkcs11': {
      const modulePath = await approvedModule(spec.modulePath, approve);
      const wrapped = await withHsmSession({ modulePath, token: spec.token, pin: spec.pin }, (s) => {
        const key = spec.generate ? generateWrappingKey(s, spec.keyLabel) : findKeyByLabel(s, spec.keyLabel);
        const blob = hsmWrap(s, key, masterKey, keystoreId);
        const back = hsmUnwrap(s, key, blob, keystoreId);
        const ok = equalBytes(back, masterKey);
        wipe(back);
        if (!ok) throw mismatch('the HSM key');
        return blob;
      });
      const params = { kind: 'pkcs11', modulePath: spec.modulePath, token: spec.token, keyLabel: spec.keyLabel, mechanism: 'CKM_AES_GCM', format: 1 };
      return { kind: 'pkcs11', label: spec.label ?? `pkcs11 ${spec.keyLabel}`, params: json(params), wrapped };
    }
    case 'vault-transit': {
      const key = { mount: checkVaultPath(spec.mount ?? 'transit', 'the transit mount'), name: checkVaultPath(spec.keyName, 'the transit key') };
      const wrapped = await withVault(spec.endpoint, spec.vault, approve, async (conn) => {
        const blob = await transitWrap(conn, key, masterKey, keystoreId);
        const back = await transitUnwrap(conn, key, blob, keystoreId);
        const ok = equalBytes(back, masterKey);
        wipe(back);
        if (!ok) throw mismatch('the transit key');
        return blob;
      });
      return { kind: 'vault-transit', label: spec.label ?? `vault-transit ${key.name}`, params: json({ kind: 'vault-transit', endpoint: spec.endpoint, mount: key.mount, keyName: key.name }), wrapped: utf8Bytes(wrapped) };
    }
    case 'vault-kv': {
      const location = { mount: checkVaultPath(spec.mount ?? 'secret', 'the KV mount'), path: checkVaultPath(spec.path, 'the KV path'), field: spec.field ?? 'master_key' };
      await withVault(spec.endpoint, spec.vault, approve, async (conn) => {
        if (spec.write) await writeMasterKeyToKv(conn, location, masterKey, { overwrite: Boolean(spec.overwrite) });
        const back = await readMasterKeyFromKv(conn, location);
        const ok = equalBytes(back, masterKey);
        wipe(back);
        if (!ok) throw new CustosError('WRONG_MASTER_KEY', `the KV secret ${location.mount}/${location.path} (field ${location.field}) holds another master key; nothing was added (pass --write to store this one there)`);
      });
      return { kind: 'vault-kv', label: spec.label ?? `vault-kv ${location.path}`, params: json({ kind: 'vault-kv', endpoint: spec.endpoint, ...location }), wrapped: new Uint8Array(0) };
    }
    case 'paper':
      return { kind: 'paper', label: spec.label ?? `paper ${spec.ceremonyId}`, params: json({ kind: 'paper', ceremonyId: spec.ceremonyId }), wrapped: new Uint8Array(0) };
  }
}
