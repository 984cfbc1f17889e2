import { readFileSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../../core/crypto/bytes.js';
import { calibrateArgon2id, DEFAULT_MEMORY_KIB, newArgon2idParams } from '../../core/crypto/kdf.js';
import { createKeystore } from '../../core/keystore/create.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { offeredUnlockMethods } from '../../core/keystore/methods/offered.js';
import { openKeystore } from '../../core/keystore/open.js';
import { generateMasterKey, parseMasterKeyFile } from '../../core/masterkey/masterKey.js';
import type { CoreOp, CoreOps, OpenedVault, ProgressTask } from './protocol.js';
import { rotationOps } from './rotationOps.js';
import { ceremonyOps } from './ceremonyOps.js';
import { auditOps } from './auditOps.js';
import { restoreOps } from './restoreOps.js';
import { backupOps } from './backupOps.js';
import { acraOps } from './acraOps.js';
import { acraRedisOps } from './acraRedisOps.js';
import { acraBundleOps } from './acraBundleOps.js';
import { acraVaultOps } from './acraVaultOps.js';
import { approvalOps } from './approvalOps.js';
import { listGate } from '../../core/config/approvals.js';

export type Report = (task: ProgressTask, label: string, done: number, total: number) => void;
type Impl = { [K in CoreOp]: (args: CoreOps[K]['args']) => Promise<CoreOps[K]['result']> | CoreOps[K]['result'] };

/**
 * The worker's state: at most one unlocked keystore. Locking closes it, which
 * zeroes the master key and the record wrapping key it holds (as far as
 * JavaScript allows: the engine may have made copies we cannot reach).
 */
export function coreOps(report: Report, cancelled: () => boolean = () => false): Impl {
  let open: Keystore | null = null;
  const unlocked = (): Keystore => {
    if (!open) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
    return open;
  };
  const ceremony = ceremonyOps(unlocked, report);
  // The restore wizard makes a new vault the open one (adopt) and keeps its shares until a lock.
  const restore = restoreOps({ current: () => open, adopt: (keystore) => adopt(keystore) }, report);

  const lock = (): void => {
    const current = open;
    open = null;
    // Share words held between a split and its printing go with the key.
    ceremony.forget();
    restore.forget();
    current?.close();
  };
  const adopt = (keystore: Keystore): OpenedVault => {
    const previous = open;
    open = null;
    ceremony.forget();
    previous?.close();
    return opened(keystore);
  };
  const opened = (keystore: Keystore): OpenedVault => {
    open = keystore;
    return { path: keystore.path, keystoreId: keystore.keystoreId, vaultFingerprint: keystore.vaultFingerprint() };
  };

  return {
    status: () => (open ? { path: open.path, keystoreId: open.keystoreId, vaultFingerprint: open.vaultFingerprint() } : null),

    async create({ path, name, passphrase, kdf }) {
      lock();
      const masterKey = generateMasterKey();
      try {
        report('create', 'Measuring this machine for the passphrase KDF', 0, 0);
        const params = kdf ? newArgon2idParams(kdf.memoryKiB, kdf.iterations) : await calibrateArgon2id(1000, DEFAULT_MEMORY_KIB);
        report('create', 'Deriving the key from the passphrase (argon2id)', 1, 3);
        // The vault's name in the app is also its human name on sheets, bundles and `custos info`.
        await createKeystore(path, { masterKey, passphrase: { text: passphrase, params }, vaultName: name });
        report('create', 'Opening the new vault', 2, 3);
        // Opened with the master key still in hand: a second KDF run would only cost time.
        const keystore = await openKeystore(path, { kind: 'master-key', masterKey });
        report('create', 'Vault created', 3, 3);
        return opened(keystore);
      } finally {
        wipe(masterKey);
      }
    },

    async unlockPassphrase({ path, passphrase, methodId }) {
      lock();
      report('unlock', 'Deriving the key from the passphrase (argon2id)', 0, 0);
      try {
        return opened(await openKeystore(path, { kind: 'passphrase', passphrase, methodId }));
      } finally {
        report('unlock', 'Unlock finished', 1, 1);
      }
    },

    async unlockKeyFile({ path, keyFile }) {
      lock();
      let content: Uint8Array;
      try {
        // The Buffer itself, not a copy: a small read lands in Node's shared pool, outside the heap a lock frees, so it must be wiped.
        content = readFileSync(keyFile);
      } catch {
        throw new CustosError('MASTER_KEY_MISSING', 'the chosen master key file could not be read');
      }
      const masterKey = parseMasterKeyFile(content, 'the chosen master key file');
      wipe(content);
      try {
        return opened(await openKeystore(path, { kind: 'master-key', masterKey }));
      } finally {
        wipe(masterKey);
      }
    },

    unlockMethods: ({ path }) => offeredUnlockMethods(path),

    async unlockWithMethod({ path, methodId, credentials, approvals }) {
      lock();
      report('unlock', `Unlocking with unlock method ${methodId} (${credentials.kind})`, 0, 0);
      try {
        // The stored row decides the kind; credentials of another kind are refused, never tried elsewhere.
        return opened(await openKeystore(path, { kind: 'method', methodId, credentials: async () => credentials }, { approvals: listGate(approvals, 'Unlock again and approve it when the app asks.') }));
      } finally {
        report('unlock', 'Unlock finished', 1, 1);
      }
    },

    lock: () => {
      lock();
      return null;
    },
    list: (filter) => unlocked().list(filter),
    get: ({ name }) => unlocked().get(name),
    generate: ({ requests }) => {
      const keystore = unlocked();
      report('generate', `Generating keys for ${requests.length} request(s)`, 0, requests.length);
      const created = keystore.generate(requests);
      report('generate', `Generated ${created.length} key(s)`, requests.length, requests.length);
      return created;
    },
    rotate: ({ name }) => unlocked().rotate(name),
    disable: ({ name }) => unlocked().disable(name),
    enable: ({ name }) => unlocked().enable(name),
    destroy: ({ name, version }) => {
      const keystore = unlocked();
      const detail = keystore.destroy(name, version);
      return keystore.oldSealedBytesRemain() ? { ...detail, oldBytesRemain: true as const } : detail;
    },
    publicPem: ({ name, version }) => unlocked().publicKeyPem(name, version),
    ...rotationOps(unlocked, report),
    ...approvalOps(),
    ...ceremony.ops,
    ...auditOps(unlocked),
    ...backupOps(unlocked, report, cancelled),
    ...acraOps(unlocked, report),
    ...acraRedisOps(unlocked, report),
    ...acraBundleOps(unlocked, report),
    ...acraVaultOps(report),
    ...restore.ops,
  };
}
