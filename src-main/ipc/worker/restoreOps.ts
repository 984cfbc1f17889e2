/**
 * The restore wizard in the worker (docs/app.md, "Restoring from shares").
 * The session holds the shares, what the sheets print and the chosen bundle;
 * the master key is recovered from the shares each time it is needed and
 * wiped straight after. Every step reuses the core the CLI uses: restore
 * (paper restore), createKeystore (paper restore --init), importBundle
 * (custos import), checkShare (paper check) and verifyHead (audit verify --head).
 */
import { basename } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import type { DrillReport, RestoreBundle, RestoreImportReport, RestoreState, SheetClaims } from '../../../shared/ipcRestore.js';
import { readAccessKeysFile } from '../../core/bundle/accessKeys.js';
import { summarize, type ManifestEntry } from '../../core/bundle/inspect.js';
import { BundleReader } from '../../core/bundle/reader.js';
import { wipe } from '../../core/crypto/bytes.js';
import { calibrateArgon2id, DEFAULT_MEMORY_KIB, newArgon2idParams } from '../../core/crypto/kdf.js';
import { createKeystore } from '../../core/keystore/create.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { openKeystore } from '../../core/keystore/open.js';
import { decodeQrImage } from '../../core/paper/print/qrImage.js';
import { WORDLIST } from '../../core/paper/slip39/index.js';
import { compareClaims } from '../../core/restore/sheetClaims.js';
import type { Report } from './coreOps.js';
import type { KdfChoice, OpenedVault } from './protocol.js';
import { runDrill } from './restoreDrill.js';
import { cancellable, hostReport, importInto, verifiedManifest, type CancelFlag } from './restoreImport.js';
import { ShareSession } from './restoreShares.js';

export interface RestoreOps {
  restoreState: { args: Record<string, never>; result: RestoreState };
  restoreWordlist: { args: Record<string, never>; result: string[] };
  restoreAddShare: { args: { words: string; how: 'typed' | 'camera' }; result: RestoreState };
  restoreScanShare: { args: { file: string }; result: RestoreState };
  restoreRemoveShare: { args: { index: number }; result: RestoreState };
  restoreReset: { args: Record<string, never>; result: RestoreState };
  restoreCompare: { args: { claims: SheetClaims }; result: { vaultFingerprint: string; ceremony: string } };
  restoreSetBundle: { args: { file: string; accessKeysFile: string }; result: RestoreBundle };
  restoreCreate: { args: { path: string; name: string; passphrase: string; kdf: KdfChoice | null }; result: OpenedVault };
  restoreImport: { args: { cancel: CancelFlag }; result: RestoreImportReport };
  restoreDrill: { args: { cancel: CancelFlag }; result: DrillReport };
}

/** What the worker lends the restore: the open vault, and a way to make a new one the open vault. */
export interface OpenVault {
  current(): Keystore | null;
  adopt(keystore: Keystore): OpenedVault;
}

export interface Session {
  shares: ShareSession;
  claims: SheetClaims | null;
  bundle: RestoreBundle | null;
  manifest: ManifestEntry[] | null;
  restoredPath: string | null;
  imported: boolean;
}

export function restoreOps(vault: OpenVault, report: Report) {
  const session: Session = { shares: new ShareSession(), claims: null, bundle: null, manifest: null, restoredPath: null, imported: false };
  const state = (): RestoreState => ({ ...session.shares.view(), compared: session.claims !== null, bundle: session.bundle, restoredVault: session.restoredPath ? basename(session.restoredPath) : null, imported: session.imported });
  /** Any change to the shares undoes the comparison: it held for the shares as they were. */
  const sharesChanged = () => {
    session.claims = null;
  };
  const ready = (): { claims: SheetClaims; bundle: RestoreBundle } => {
    if (!session.claims) throw new CustosError('CONFIRMATION_REQUIRED', "compare the recovered key with the sheets' values first");
    if (!session.bundle) throw new CustosError('INVALID_ARGUMENT', 'choose the backup bundle and its access keys first');
    return { claims: session.claims, bundle: session.bundle };
  };
  const forget = () => {
    session.shares.clear();
    Object.assign(session, { claims: null, bundle: null, manifest: null, restoredPath: null, imported: false });
  };

  const ops: { [K in keyof RestoreOps]: (args: RestoreOps[K]['args']) => Promise<RestoreOps[K]['result']> | RestoreOps[K]['result'] } = {
    restoreState: () => state(),
    restoreWordlist: () => [...WORDLIST],
    restoreAddShare({ words, how }) {
      session.shares.add(words, `${how} share ${session.shares.count(`${how} `) + 1}`);
      sharesChanged();
      return state();
    },
    async restoreScanShare({ file }) {
      const codes = await decodeQrImage(file);
      if (codes.length !== 1) throw new CustosError('QR_NOT_FOUND', `${basename(file)} holds ${codes.length} QR codes; pick the scan of one sheet`);
      session.shares.add(codes[0] ?? '', `scan ${basename(file)}`);
      sharesChanged();
      return state();
    },
    restoreRemoveShare({ index }) {
      session.shares.remove(index);
      sharesChanged();
      return state();
    },
    restoreReset() {
      forget();
      return state();
    },
    restoreCompare({ claims }) {
      const { masterKey, identifier } = session.shares.recover(claims.sharePassphrase ?? '');
      try {
        const found = compareClaims(masterKey, identifier, claims);
        session.claims = claims;
        return found;
      } finally {
        wipe(masterKey);
      }
    },
    restoreSetBundle({ file, accessKeysFile }) {
      const claims = session.claims;
      if (!claims) throw new CustosError('CONFIRMATION_REQUIRED', "compare the recovered key with the sheets' values first");
      const keys = readAccessKeysFile(accessKeysFile);
      const reader = new BundleReader(file);
      try {
        reader.checkAccessKeys(keys);
        const h = summarize(reader);
        if (h.vault !== null && h.vault !== claims.vaultFingerprint.trim().toLowerCase()) {
          throw new CustosError('WRONG_MASTER_KEY', `the bundle was exported by vault ${h.vault}, but the shares restore vault ${claims.vaultFingerprint.trim()}: choose that vault's bundle; nothing was written`);
        }
        session.bundle = { file, accessKeysFile, pairFingerprint: h.pairFingerprint, createdAt: h.createdAt, keys: h.keys, versions: h.versions, privateKeys: h.privateKeys, sourceVault: h.vault };
        session.manifest = null;
        return session.bundle;
      } finally {
        reader.close();
        wipe(keys.encryptionKey);
      }
    },
    async restoreCreate({ path, name, passphrase, kdf }) {
      const { bundle } = ready();
      if (session.restoredPath) throw new CustosError('KEYSTORE_EXISTS', `this restore made ${basename(session.restoredPath)} already`);
      // The whole bundle verifies (signature, every fingerprint) before a file is made.
      report('restore', 'Verifying the bundle', 0, 0);
      session.manifest = verifiedManifest(bundle);
      const { masterKey, identifier } = session.shares.recover(session.claims?.sharePassphrase ?? '');
      try {
        report('restore', 'Measuring this machine for the passphrase KDF', 0, 0);
        const params = kdf ? newArgon2idParams(kdf.memoryKiB, kdf.iterations) : await calibrateArgon2id(1000, DEFAULT_MEMORY_KIB);
        report('restore', 'Deriving the key from the passphrase (argon2id)', 1, 3);
        const audit = [{ operation: 'paper-restore' as const, subject: { mode: 'init', identifier, sharesUsed: session.shares.inputs.length, sources: session.shares.inputs.map((s) => s.source) } }];
        await createKeystore(path, { masterKey, passphrase: { text: passphrase, params }, vaultName: name, auditAlso: audit });
        report('restore', 'Opening the new vault', 2, 3);
        const opened = vault.adopt(await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }));
        session.restoredPath = path;
        report('restore', 'Vault created', 3, 3);
        return opened;
      } finally {
        wipe(masterKey);
      }
    },
    restoreImport({ cancel }) {
      const { claims, bundle } = ready();
      const keystore = vault.current();
      if (!keystore || !session.restoredPath || keystore.path !== session.restoredPath) {
        throw new CustosError('KEYSTORE_LOCKED', 'the vault this restore created is not the unlocked vault; unlock it and import the bundle from the Backups screen');
      }
      importInto(keystore, bundle, cancellable(cancel, report, 'Importing the bundle'));
      session.imported = true;
      return hostReport(keystore, session.manifest ?? verifiedManifest(bundle), claims, session);
    },
    async restoreDrill({ cancel }) {
      const { claims, bundle } = ready();
      return runDrill({ shares: session.shares, claims, bundle, logTo: vault.current(), report, progress: cancellable(cancel, report, 'Drill: importing the bundle into the scratch vault') });
    },
  };
  return { ops, forget };
}
