/**
 * The plain rules the contract's schemas enforce, without the schema library,
 * so the renderer can check a field as it is typed without bundling zod.
 */
/** Acra's client and zone id rule (see src-main/core/catalog/ids.ts). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{5,256}$/;
export const KEY_NAME_PATTERN = /^[A-Za-z0-9_-]{1,300}$/;
export const VAULT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const VAULT_ID_PATTERN = /^[0-9a-f]{16}$/;
export const MIN_PASSPHRASE_LENGTH = 10;
export const IDLE_LOCK_MINUTES = { min: 1, max: 120, default: 5 } as const;
/** The core refuses argon2id below 8 MiB; the contract says so before the worker does. */
export const KDF_LIMITS = { minMemoryMiB: 8, maxMemoryMiB: 4096, minPasses: 1, maxPasses: 64 } as const;
/** What a person types to abandon a ceremony, and the shortest reason that overrides the air-gap stop. */
export const ABANDON_CONFIRMATION = 'abandon';
export const MIN_OVERRIDE_REASON = 10;
