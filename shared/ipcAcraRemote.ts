/**
 * The Backups screen's Acra actions beyond folders (docs/app.md, "Backups:
 * Acra"): `custos acra push|pull` (Redis), `custos acra bundle export|import`
 * (acra-keys bundles) and `custos acra vault-publish`. The renderer sends
 * what a person types (an address, a Redis password, a Vault token) to main
 * and never gets it back; every file (TLS certificates, the bundle, its
 * secret, the Acra master key) is chosen in main's own dialogs and read or
 * written by the worker. Answers carry names, counts, addresses, paths main
 * chose and fingerprints only.
 */
import { z } from 'zod';
import { ACRA_KEYS_LISTED, ACRA_MASTER_KEY_SOURCES, acraImportedKeySchema, acraSelectionSchema, acraSkippedKeySchema, acraWrittenKeySchema } from './ipcAcra.js';

const text = (max: number) => z.string().max(max);
const count = z.int().min(0);
/** Typed by a person, sent to main, never returned: no response schema has a field for it. */
const secret = (max: number) => z.string().min(1).max(max);

/** A host name, an IPv4 address or an IPv6 address without brackets. */
const HOST_PATTERN = /^[A-Za-z0-9._:-]{1,253}$/;

/** Where Redis is, as the CLI's --redis URL and its --redis-* options (each Acra flag in brackets in docs/app.md). */
export const redisTargetSchema = z.strictObject({
  host: z.string().regex(HOST_PATTERN, 'a host is a name or an address'),
  port: z.int().min(1).max(65535),
  /** Acra's --redis_db_keys. */
  db: z.int().min(0).max(99999),
  /** Acra's --keys_dir: Redis keys are named `<keysDir>/<file>`. */
  keysDir: z.string().min(1).max(1024),
  password: secret(1024).optional(),
  /** Null: plain TCP. `ca`, `clientCert`: main's dialogs choose the PEM files, the worker reads them. */
  tls: z.strictObject({ ca: z.boolean(), clientCert: z.boolean(), sni: z.string().regex(HOST_PATTERN).optional() }).nullable(),
  timeoutSeconds: z.int().min(1).max(600).optional(),
});

const pushSchema = z.strictObject({
  /** redis://host:port/db (never a password). */
  redis: text(600),
  keysDir: text(1024),
  files: count,
  /** Keys that were under the prefix before and were deleted (Replace ticked). */
  replaced: count,
  versions: count,
  keys: z.array(acraWrittenKeySchema).max(ACRA_KEYS_LISTED),
  skipped: z.array(acraSkippedKeySchema).max(ACRA_KEYS_LISTED),
  acraMasterKeyFile: text(4096).nullable(),
  /** What AcraServer is started with to read this keystore. */
  acraServerFlags: z.array(text(700)).max(8),
});

const pullSchema = z.strictObject({
  redis: text(600),
  keysDir: text(1024),
  files: count,
  versions: count,
  publicOnlyVersions: count,
  keys: z.array(acraImportedKeySchema).max(ACRA_KEYS_LISTED),
});

const bundleExportSchema = z.strictObject({
  bundle: text(4096),
  /** The secret's path; its 32 bytes stay in the file the worker wrote. */
  secret: text(4096),
  entries: count,
  versions: count,
  keys: z.array(acraWrittenKeySchema).max(ACRA_KEYS_LISTED),
  skipped: z.array(acraSkippedKeySchema).max(ACRA_KEYS_LISTED),
});

const bundleImportSchema = z.strictObject({
  bundle: text(4096),
  entries: count,
  versions: count,
  publicOnlyVersions: count,
  keys: z.array(acraImportedKeySchema).max(ACRA_KEYS_LISTED),
});

/** A Vault token, or an AppRole login, as the CLI's --vault-token-file / --vault-role-id. */
export const acraVaultAuthSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('token'), token: secret(4096) }),
  z.strictObject({ method: z.literal('approle'), roleId: secret(256), secretId: secret(4096) }),
]);

const vaultPublishSchema = z.strictObject({
  endpoint: text(2048),
  secretsPath: text(1024),
  writtenPath: text(1100),
  kvVersion: z.union([z.literal(1), z.literal(2)]),
  /** The KV v2 version written; null on KV v1. */
  secretVersion: z.int().min(0).nullable(),
  replaced: z.boolean(),
  acraServerFlags: z.array(text(2200)).max(8),
});

export const ACRA_REMOTE_CONTRACT = {
  /** Main's dialogs for the TLS files and the Acra master key (a new one's folder, or an existing file); the worker pushes as `custos acra push` does. */
  'acra:redisPush': {
    request: z.strictObject({ redis: redisTargetSchema, selection: acraSelectionSchema, masterKey: z.enum(ACRA_MASTER_KEY_SOURCES), replace: z.boolean() }),
    response: pushSchema,
  },
  /** Main's dialogs for the TLS files and the Acra master key file; the worker imports as `custos acra pull` does. */
  'acra:redisPull': { request: z.strictObject({ redis: redisTargetSchema }), response: pullSchema },
  /** Main's save dialogs for the bundle, then its secret; the worker writes both 0600 as `custos acra bundle export` does. */
  'acra:bundleExport': { request: z.strictObject({ selection: acraSelectionSchema, replace: z.boolean() }), response: bundleExportSchema },
  /** Main's file dialogs for the bundle, then its secret; the worker reads both as `custos acra bundle import` does. */
  'acra:bundleImport': { request: z.strictObject({}), response: bundleImportSchema },
  /** Main asks the person to approve the Vault address (its own dialog), then its file dialog for the Acra master key; the worker publishes as `custos acra vault-publish` does. */
  'acra:vaultPublish': {
    request: z.strictObject({ vaultAddr: z.string().min(1).max(2048), path: z.string().min(1).max(1024), auth: acraVaultAuthSchema, privateCa: z.boolean(), replace: z.boolean() }),
    response: vaultPublishSchema,
  },
} as const;

export type RedisTargetInput = z.input<typeof redisTargetSchema>;
export type AcraVaultAuthInput = z.input<typeof acraVaultAuthSchema>;
export type IpcRequestAcraVaultPublish = z.input<(typeof ACRA_REMOTE_CONTRACT)['acra:vaultPublish']['request']>;
export type AcraPushView = z.output<typeof pushSchema>;
export type AcraPullView = z.output<typeof pullSchema>;
export type AcraBundleExportView = z.output<typeof bundleExportSchema>;
export type AcraBundleImportView = z.output<typeof bundleImportSchema>;
export type AcraVaultPublishView = z.output<typeof vaultPublishSchema>;
