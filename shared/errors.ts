/**
 * Stable error codes. Tests, the CLI's `--json` output and (later) the IPC
 * bridge all speak these codes; messages are for people and may change.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'A command-line option or request field is missing or malformed.',
  CONFIRMATION_REQUIRED: 'A destructive operation needs an explicit confirmation.',
  KEYSTORE_NOT_FOUND: 'No keystore file exists at the given path.',
  KEYSTORE_EXISTS: 'A keystore (or another file) already exists at the given path.',
  KEYSTORE_CORRUPT: 'The keystore file is damaged or is not a SQLite database.',
  NOT_A_KEYSTORE: 'The file is a SQLite database but not a Custos keystore.',
  KEYSTORE_NEWER_SCHEMA: 'The keystore was written by a newer Custos; this build cannot open it.',
  KEYSTORE_IO: 'The keystore could not be read or written (permissions, disk).',
  KEYSTORE_LOCKED: 'The keystore is locked (closed); unlock it again.',
  MASTER_KEY_MISSING: 'No master key or passphrase was given to unlock the keystore.',
  MASTER_KEY_MALFORMED: 'The master key is not base64 of exactly 32 bytes.',
  WRONG_MASTER_KEY: 'The master key does not match this keystore.',
  WRONG_PASSPHRASE: 'The passphrase does not unlock this keystore.',
  UNLOCK_METHOD_TAMPERED: 'A stored unlock method failed its integrity check.',
  KEY_NOT_FOUND: 'No key with that name (or version) exists.',
  KEY_EXISTS: 'A key with that name already exists.',
  KEY_DISABLED: 'The key is disabled.',
  KEY_DESTROYED: 'The key has been destroyed.',
  KEY_NO_PUBLIC_PART: 'The key is symmetric and has no public part.',
  KEY_RECORD_TAMPERED: 'A sealed key record failed to open: it was edited, renamed, swapped or moved.',
  INTERNAL: 'An unexpected internal error.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The one error type the core throws on purpose. Never carries key material. */
export class CustosError extends Error {
  override readonly name = 'CustosError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCustosError(error: unknown): error is CustosError {
  return error instanceof CustosError;
}
