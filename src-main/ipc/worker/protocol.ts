/**
 * Messages between the main thread and the core worker. The worker owns the
 * SQLite handle and every key; main only ever receives what these types name,
 * which is what the IPC contract allows out.
 */
import type { ErrorCode } from '../../../shared/errors.js';
import type { DestroyedKey, KeyDetail, KeyInfo, KeyPurpose, KeyState } from '../../../shared/keys.js';
import type { GenerateRequest } from '../../core/catalog/plan.js';
import type { MethodCredentials } from '../../core/keystore/methods/kinds.js';
import type { OfferedMethod } from '../../core/keystore/methods/offered.js';
import type { RotationPreview } from '../../core/keystore/rotation/preview.js';
import type { RotationResult } from '../../core/keystore/rotation/rotate.js';
import type { CeremonyOps } from './ceremonyOps.js';
import type { AuditOps } from './auditOps.js';
import type { RestoreOps } from './restoreOps.js';
import type { BackupOps } from './backupOps.js';
import type { AcraOps } from './acraOps.js';
import type { AcraRedisOps } from './acraRedisOps.js';
import type { AcraBundleOps } from './acraBundleOps.js';
import type { AcraVaultOps } from './acraVaultOps.js';
import type { ApprovalOps } from './approvalOps.js';
import type { Approvals } from '../../core/config/approvals.js';

export interface OpenedVault {
  path: string;
  keystoreId: string;
  /** Vault fingerprint v2 (of the master key): changes when the master key is rotated. */
  vaultFingerprint: string;
}

export interface KdfChoice {
  memoryKiB: number;
  iterations: number;
}

export interface ListArgs {
  clientId?: string | undefined;
  zoneId?: string | undefined;
  purpose?: KeyPurpose | undefined;
  state?: KeyState | undefined;
  allVersions?: boolean | undefined;
}

/** Every operation the worker runs, with its argument and result (the ceremony wizard's in ceremonyOps.ts). */
export interface CoreOps extends CeremonyOps, AuditOps, BackupOps, AcraOps, AcraRedisOps, AcraBundleOps, AcraVaultOps, RestoreOps, ApprovalOps {
  status: { args: Record<string, never>; result: OpenedVault | null };
  /** `kdf: null` calibrates argon2id (256 MiB) to about one second, as the CLI does. */
  create: { args: { path: string; name: string; passphrase: string; kdf: KdfChoice | null }; result: OpenedVault };
  unlockPassphrase: { args: { path: string; passphrase: string; methodId?: number | undefined }; result: OpenedVault };
  unlockKeyFile: { args: { path: string; keyFile: string }; result: OpenedVault };
  /** Read before unlocking: which methods the vault offers (never their parameters or wraps). */
  unlockMethods: { args: { path: string }; result: OfferedMethod[] };
  /** `approvals`: what main's settings approved (main asked the person first); nothing else is loaded or contacted. */
  unlockWithMethod: { args: { path: string; methodId: number; credentials: MethodCredentials; approvals: Approvals }; result: OpenedVault };
  rotationPlan: { args: Record<string, never>; result: RotationPreview };
  rotateMasterKey: { args: { rewrap: Array<{ methodId: number; credentials: MethodCredentials }>; drop: number[]; approvals: Approvals }; result: RotationResult & { oldBytesRemain?: true } };
  lock: { args: Record<string, never>; result: null };
  list: { args: ListArgs; result: KeyInfo[] };
  get: { args: { name: string }; result: KeyDetail };
  generate: { args: { requests: GenerateRequest[] }; result: KeyInfo[] };
  rotate: { args: { name: string }; result: KeyInfo };
  disable: { args: { name: string }; result: KeyDetail };
  enable: { args: { name: string }; result: KeyDetail };
  destroy: { args: { name: string; version?: number | undefined }; result: DestroyedKey };
  publicPem: { args: { name: string; version?: number | undefined }; result: string };
}

export type CoreOp = keyof CoreOps;

export interface WorkerCall<K extends CoreOp = CoreOp> {
  kind: 'call';
  id: number;
  op: K;
  args: CoreOps[K]['args'];
}

export type ProgressTask = 'create' | 'unlock' | 'generate' | 'destroy' | 'rotate' | 'split' | 'print' | 'backup' | 'export' | 'import' | 'restore';

/**
 * Long operations: while one runs, main refuses every other call at once with
 * KEYSTORE_BUSY (the worker is inside one synchronous pass and could not even
 * read the request), except `lock`, which cancels it and then runs.
 */
export const LONG_OPS: ReadonlySet<CoreOp> = new Set<CoreOp>(['backupExport', 'backupPreview', 'backupImport']);

export interface WorkerProgress {
  kind: 'progress';
  task: ProgressTask;
  label: string;
  done: number;
  total: number;
}

export type WorkerReply =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; code: ErrorCode; message: string }
  | WorkerProgress;

/** What main passes when it starts the worker. */
export interface WorkerConfig {
  /** better-sqlite3 built for Electron's ABI; absent under plain Node. */
  nativeBinding?: string | undefined;
  /** pkcs11js built for Electron's ABI (its package folder); absent under plain Node. */
  pkcs11Module?: string | undefined;
  /** One Int32 that main sets to 1 to cancel the long operation under way; read between batches (Atomics). */
  cancelFlag?: SharedArrayBuffer | undefined;
}
