/**
 * The one IPC contract between renderer and main. Every channel maps to a
 * request and a response schema; main validates both through one wrapper
 * (src-main/ipc/handle.ts) and preload exposes exactly these channels. No
 * schema here has a field for a private key, a symmetric key or the master
 * key, and response objects are strict, so a stray field is an error rather
 * than a leak.
 */
import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import { KEY_ALGORITHMS, KEY_PURPOSES, KEY_STATES, ROTATION_NEEDS, UNLOCK_METHOD_KINDS } from './keys.js';
import type { EventChannel, InvokeChannel } from './ipcChannels.js';
import { CEREMONY_CONTRACT } from './ipcCeremony.js';
import { AUDIT_CONTRACT } from './ipcAudit.js';
import { RESTORE_CONTRACT } from './ipcRestore.js';
import { BACKUPS_CONTRACT } from './ipcBackups.js';
import { ACRA_CONTRACT } from './ipcAcra.js';
import { ACRA_REMOTE_CONTRACT } from './ipcAcraRemote.js';

export { EVENT_CHANNELS, INVOKE_CHANNELS, type EventChannel, type InvokeChannel } from './ipcChannels.js';

import { ID_PATTERN, IDLE_LOCK_MINUTES, KDF_LIMITS, KEY_NAME_PATTERN, MIN_PASSPHRASE_LENGTH, VAULT_ID_PATTERN, VAULT_NAME_PATTERN } from './ipcRules.js';

export * from './ipcRules.js';
export { CEREMONY_STEPS, type CeremonySheet, type CeremonyState, type CeremonyStep } from './ipcCeremony.js';

const empty = z.strictObject({});
const keyName = z.string().regex(KEY_NAME_PATTERN, 'a key name is letters, digits, - and _');
const entityId = z.string().regex(ID_PATTERN, 'an id is 5 to 256 letters, digits, - or _');
const vaultId = z.string().regex(VAULT_ID_PATTERN);
const version = z.int().min(1).max(1_000_000);
const text = (max: number) => z.string().max(max);

export const keyInfoSchema = z.strictObject({
  name: keyName,
  clientId: entityId.nullable(),
  zoneId: entityId.nullable(),
  purpose: z.enum(KEY_PURPOSES),
  algorithm: z.enum(KEY_ALGORITHMS),
  version,
  state: z.enum(KEY_STATES),
  fingerprint: text(200),
  createdAt: text(40),
});

export const keyDetailSchema = z.strictObject({
  name: keyName,
  clientId: entityId.nullable(),
  zoneId: entityId.nullable(),
  purpose: z.enum(KEY_PURPOSES),
  algorithm: z.enum(KEY_ALGORITHMS),
  currentVersion: version,
  versions: z.array(keyInfoSchema),
});

/** `vaultFingerprint`: the vault fingerprint v2 (of the master key alone), the value paper sheets print; the side navigation shows it. */
const vaultRef = z.strictObject({
  id: vaultId,
  name: text(260),
  keystoreId: z.string().regex(/^[0-9a-f]{32}$/),
  vaultFingerprint: z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/),
});
const vaultEntry = z.strictObject({ id: vaultId, name: text(260), path: text(4096) });
const settings = z.strictObject({ idleLockMinutes: z.int().min(IDLE_LOCK_MINUTES.min).max(IDLE_LOCK_MINUTES.max) });
const purposes = z.array(z.enum(KEY_PURPOSES)).min(1).max(KEY_PURPOSES.length).optional();

export const generateRequestSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('client'), clientId: entityId, purposes }),
  z.strictObject({ scope: z.literal('zone'), zoneId: entityId, purposes }),
  z.strictObject({ scope: z.literal('global'), purposes }),
]);

const methodId = z.int().min(1).max(2 ** 31);
const secret = (max: number) => z.string().min(1).max(max);
const fingerprint = text(200);

/** How to reach Vault for a stored Vault method. The CA file is chosen in main's own dialog, never named here. */
const vaultCredentials = z.strictObject({
  auth: z.discriminatedUnion('method', [
    z.strictObject({ method: z.literal('token'), token: secret(4096) }),
    z.strictObject({ method: z.literal('approle'), roleId: secret(256), secretId: secret(4096) }),
  ]),
  privateCa: z.boolean(),
  allowPlainHttp: z.boolean(),
});

const passphraseCredentials = z.strictObject({ kind: z.literal('passphrase'), passphrase: secret(1024) });
const pkcs11Credentials = z.strictObject({ kind: z.literal('pkcs11'), pin: secret(256) });
const transitCredentials = z.strictObject({ kind: z.literal('vault-transit'), vault: vaultCredentials });

/** What a person types to use one stored method. Sent to main, never returned. */
export const methodCredentialsSchema = z.discriminatedUnion('kind', [
  passphraseCredentials,
  pkcs11Credentials,
  transitCredentials,
  z.strictObject({ kind: z.literal('vault-kv'), vault: vaultCredentials }),
  z.strictObject({
    kind: z.literal('paper'),
    shares: z.array(secret(4000)).min(1).max(16),
    passphrase: z.string().max(1024).optional(),
  }),
]);

const offeredMethod = z.strictObject({ id: methodId, kind: z.enum(UNLOCK_METHOD_KINDS), label: text(200), createdAt: text(40) });

/** Only these kinds can be re-wrapped: a Vault KV secret or paper shares hold the old master key itself, so they are never asked for. */
const rewrapCredentials = z.discriminatedUnion('kind', [passphraseCredentials, pkcs11Credentials, transitCredentials]);

export const rotateRequestSchema = z.strictObject({
  /** Must be the word `rotate`: the typed confirmation is checked in main too. */
  confirmation: text(20),
  methods: z
    .array(
      z.discriminatedUnion('action', [
        z.strictObject({ action: z.literal('drop'), methodId }),
        z.strictObject({ action: z.literal('rewrap'), methodId, credentials: rewrapCredentials }),
      ]),
    )
    .max(256)
    .refine((methods) => new Set(methods.map((m) => m.methodId)).size === methods.length, 'each method once: re-wrapped or dropped'),
});

export const CONTRACT = {
  'app:status': { request: empty, response: z.strictObject({ unlocked: vaultRef.nullable() }) },
  'network:status': {
    request: empty,
    response: z.strictObject({
      airGapped: z.boolean(),
      interfaces: z.array(z.strictObject({ name: text(64), address: text(64), family: z.enum(['IPv4', 'IPv6']) })),
    }),
  },
  'vault:list': { request: empty, response: z.strictObject({ vaults: z.array(vaultEntry) }) },
  'vault:create': {
    request: z.strictObject({
      name: z.string().regex(VAULT_NAME_PATTERN, 'a vault name is 1 to 64 letters, digits, - or _'),
      passphrase: z.string().min(MIN_PASSPHRASE_LENGTH).max(1024),
      /** Omitted in the app: main calibrates argon2id to about a second. Given, it may not go below the core's floor. */
      kdf: z
        .strictObject({
          memoryMiB: z.int().min(KDF_LIMITS.minMemoryMiB).max(KDF_LIMITS.maxMemoryMiB),
          passes: z.int().min(KDF_LIMITS.minPasses).max(KDF_LIMITS.maxPasses),
        })
        .optional(),
    }),
    response: vaultRef,
  },
  'vault:openFile': { request: empty, response: vaultEntry },
  'vault:unlockMethods': { request: z.strictObject({ id: vaultId }), response: z.strictObject({ methods: z.array(offeredMethod).max(256) }) },
  /** Any passphrase method, or the one `methodId` names. */
  'vault:unlock': { request: z.strictObject({ id: vaultId, passphrase: z.string().min(1).max(1024), methodId: methodId.optional() }), response: vaultRef },
  /** One stored method with its credentials; a failure never falls back to another method. */
  'vault:unlockWithMethod': { request: z.strictObject({ id: vaultId, methodId, credentials: methodCredentialsSchema }), response: vaultRef },
  'vault:unlockWithKeyFile': { request: z.strictObject({ id: vaultId }), response: vaultRef },
  'vault:lock': { request: empty, response: z.strictObject({ locked: z.literal(true) }) },
  'keys:list': {
    request: z.strictObject({
      clientId: entityId.optional(),
      zoneId: entityId.optional(),
      purpose: z.enum(KEY_PURPOSES).optional(),
      state: z.enum(KEY_STATES).optional(),
      allVersions: z.boolean().optional(),
    }),
    response: z.strictObject({ keys: z.array(keyInfoSchema) }),
  },
  'keys:get': { request: z.strictObject({ name: keyName }), response: keyDetailSchema },
  'keys:generate': { request: generateRequestSchema, response: z.strictObject({ created: z.array(keyInfoSchema) }) },
  'keys:rotate': { request: z.strictObject({ name: keyName }), response: keyInfoSchema },
  'keys:disable': { request: z.strictObject({ name: keyName }), response: keyDetailSchema },
  'keys:enable': { request: z.strictObject({ name: keyName }), response: keyDetailSchema },
  'keys:destroy': {
    /** `confirmation` must repeat the key name: the typed confirmation is checked in main, not only on screen. */
    request: z.strictObject({ name: keyName, confirmation: text(300), version: version.optional() }),
    response: keyDetailSchema.extend({ oldBytesRemain: z.literal(true).optional() }),
  },
  'keys:publicPem': {
    request: z.strictObject({ name: keyName, version: version.optional() }),
    response: z.strictObject({ pem: z.string().regex(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/) }),
  },
  'keys:copyPublicPem': { request: z.strictObject({ name: keyName, version: version.optional() }), response: z.strictObject({ copied: z.literal(true) }) },
  'masterKey:rotationPlan': {
    request: empty,
    response: z.strictObject({
      vaultFingerprint: fingerprint,
      /** Paper ceremonies whose shares stop working when the master key is rotated. */
      activeCeremonies: z.int().min(0),
      methods: z.array(offeredMethod.extend({ needs: z.enum(ROTATION_NEEDS) })).max(256),
    }),
  },
  'masterKey:rotate': {
    request: rotateRequestSchema,
    response: z.strictObject({
      previousVaultFingerprint: fingerprint,
      vaultFingerprint: fingerprint,
      records: z.int().min(0),
      keks: z.int().min(0),
      auditEntries: z.int().min(0),
      supersededCeremonies: z.int().min(0),
      methods: z.array(z.strictObject({ id: methodId, kind: z.enum(UNLOCK_METHOD_KINDS), label: text(200), action: z.enum(['rewrapped', 'dropped']) })).max(256),
      /** Another process was using the vault: records sealed under the old master key are still on disk (core Keystore.checkpoint). */
      oldBytesRemain: z.literal(true).optional(),
    }),
  },
  'settings:get': { request: empty, response: settings },
  'settings:set': { request: settings, response: settings },
  ...CEREMONY_CONTRACT,
  ...AUDIT_CONTRACT,
  ...RESTORE_CONTRACT,
  ...BACKUPS_CONTRACT,
  ...ACRA_CONTRACT,
  ...ACRA_REMOTE_CONTRACT,
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const PROGRESS_TASKS = ['create', 'unlock', 'generate', 'destroy', 'rotate', 'split', 'print', 'backup', 'export', 'import', 'restore'] as const;
export const LOCK_REASONS = ['user', 'idle', 'suspend', 'lock-screen', 'worker-exit'] as const;

export const EVENTS = {
  /** total 0: length unknown (a KDF); done === total > 0: finished. */
  'event:progress': z.strictObject({ task: z.enum(PROGRESS_TASKS), label: text(200), done: z.int().min(0), total: z.int().min(0) }),
  'event:locked': z.strictObject({ reason: z.enum(LOCK_REASONS) }),
} as const satisfies Record<EventChannel, z.ZodType>;

export type IpcRequest<C extends InvokeChannel> = z.input<(typeof CONTRACT)[C]['request']>;
export type IpcResponse<C extends InvokeChannel> = z.output<(typeof CONTRACT)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof EVENTS)[E]>;
export type ProgressEvent = EventPayload<'event:progress'>;
export type LockReason = (typeof LOCK_REASONS)[number];
export type VaultRef = IpcResponse<'vault:create'>;
export type VaultEntry = IpcResponse<'vault:openFile'>;
export type Settings = IpcResponse<'settings:get'>;
export type NetworkStatus = IpcResponse<'network:status'>;
export type GenerateKeysRequest = IpcRequest<'keys:generate'>;
export type MethodCredentialsInput = z.input<typeof methodCredentialsSchema>;
export type RewrapCredentialsInput = z.input<typeof rewrapCredentials>;
export type OfferedMethod = IpcResponse<'vault:unlockMethods'>['methods'][number];
export type RotationPlan = IpcResponse<'masterKey:rotationPlan'>;
export type RotateRequest = IpcRequest<'masterKey:rotate'>;
export type RotationOutcome = IpcResponse<'masterKey:rotate'>;

/** The one result shape of every channel. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

type GroupOf<C extends string> = C extends `${infer G}:${string}` ? G : never;

/** What preload puts on `window.custos`: one method per channel, grouped by prefix, plus event subscriptions. */
export type CustosApi = {
  readonly [G in GroupOf<InvokeChannel>]: {
    readonly [C in InvokeChannel as C extends `${G}:${infer M}` ? M : never]: (request: IpcRequest<C>) => Promise<IpcResult<IpcResponse<C>>>;
  };
} & {
  readonly on: {
    readonly [E in EventChannel as E extends `event:${infer N}` ? N : never]: (listener: (payload: EventPayload<E>) => void) => () => void;
  };
};
