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
  KEYSTORE_IN_USE: 'Another process (a second custos, or the app) is writing to the keystore and did not finish within the wait; nothing was changed. Run the command again once it has finished.',
  MASTER_KEY_CHANGED: 'Another process rotated the master key while this one had the keystore open; nothing was changed. Run the command again with the new master key.',
  DISK_FULL: 'The disk (file system) is full; nothing was changed. Free some space and run the command again.',
  KEYSTORE_BUSY: 'The vault is busy with a long operation (an import or export); the request was refused at once. Try again when it ends, or cancel it.',
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
  SHARE_WORD_UNKNOWN: 'A share contains a word that is not in the SLIP-39 word list.',
  SHARE_CHECKSUM: 'A share fails its checksum: a word is mistyped or words are in the wrong order.',
  SHARE_LENGTH: 'A share has a number of words that no SLIP-39 share can have.',
  SHARE_PADDING: 'A share has non-zero padding bits: it is damaged or was not made by SLIP-39.',
  SHARE_INVALID: 'A share is well-formed but its parameters break a SLIP-39 rule.',
  SHARE_DUPLICATE: 'The same share (or two shares with the same member index) was given twice.',
  SHARES_MISMATCH: 'The shares do not belong to the same set (identifier or parameters differ).',
  SHARES_INSUFFICIENT: 'Not enough shares were given to recover the secret.',
  SHARES_TOO_MANY: 'More shares or groups were given than the thresholds call for.',
  SHARE_DIGEST: 'The recovered secret fails its digest check: a share is forged or from another set.',
  KEY_PUBLIC_ONLY: 'Only the public part of this key version is held here (it came from a public-only bundle).',
  BUNDLE_MALFORMED: 'The file is not a Custos bundle, or its structure is invalid.',
  BUNDLE_VERSION: 'The bundle or access-keys file has a format version this build does not understand.',
  BUNDLE_TRUNCATED: 'The bundle ends early: it was cut short while being written or copied.',
  BUNDLE_TAMPERED: 'The bundle fails authentication: bytes were changed, chunks reordered, or it was re-signed.',
  BUNDLE_FINGERPRINT: 'A key in the bundle does not match the fingerprint recorded for it.',
  BUNDLE_IO: 'The bundle or access-keys file could not be read.',
  ACCESS_KEYS_MALFORMED: 'The access-keys file is damaged or is not a Custos access-keys file.',
  ACCESS_KEYS_MISMATCH: 'The access keys belong to another export, not to this bundle.',
  FILE_EXISTS: 'An output file exists already and is never overwritten without being asked.',
  FILE_IO: 'An output file could not be written.',
  CHROMIUM_NOT_FOUND: 'No Chromium was found to print paper sheets.',
  PDF_RENDER_FAILED: 'Chromium failed to print a paper sheet.',
  PRINT_FAILED: 'The printing system (CUPS lp) is missing or refused to print a paper sheet.',
  ZBAR_NOT_FOUND: 'zbarimg (zbar-tools) is needed to read QR images and is not installed.',
  PDFTOPPM_NOT_FOUND: 'pdftoppm (poppler-utils) is needed to read the QR code of a PDF sheet and is not installed.',
  QR_NOT_FOUND: 'No QR code could be read from the image.',
  FORBIDDEN_SENDER: 'An IPC call came from a frame that is not the app\'s own page; it was refused.',
  CANCELLED: 'The person cancelled the operation (for example, closed a file dialog).',
  HSM_MODULE_NOT_FOUND: 'The PKCS#11 module (library) could not be found or loaded.',
  HSM_TOKEN_NOT_FOUND: 'No HSM token matches the given label or slot (or the label is ambiguous).',
  HSM_PIN_INCORRECT: 'The HSM rejected the PIN (wrong, locked or expired).',
  HSM_KEY_NOT_FOUND: 'No key with that label exists on the HSM token (it may have been destroyed).',
  HSM_KEY_EXISTS: 'A key with that label already exists on the HSM token.',
  HSM_KEY_UNSUITABLE: 'The HSM key is not a non-extractable AES-256 token key, or the label is ambiguous.',
  HSM_KEY_DISABLED: 'The HSM key may not encrypt or decrypt (its usage was disabled on the token).',
  HSM_UNWRAP_FAILED: 'The HSM could not unwrap the master key: wrong key, wrong context or a tampered blob.',
  HSM_ERROR: 'The HSM or its PKCS#11 module reported an unexpected error.',
  VAULT_SEALED: 'HashiCorp Vault is sealed (or not initialised); nothing was read from it.',
  VAULT_FORBIDDEN: 'HashiCorp Vault refused the request (permission denied: token or policy).',
  VAULT_AUTH_FAILED: 'HashiCorp Vault rejected the login (AppRole role_id or secret_id).',
  VAULT_TIMEOUT: 'HashiCorp Vault did not answer within the timeout.',
  VAULT_UNREACHABLE: 'HashiCorp Vault could not be reached (connection refused, DNS, network).',
  VAULT_TLS: 'The TLS connection to HashiCorp Vault failed (certificate not trusted, wrong host name).',
  VAULT_MALFORMED: 'HashiCorp Vault answered, but not with what was expected (missing field, bad base64, wrong length).',
  VAULT_NOT_FOUND: 'The HashiCorp Vault secret or transit key does not exist.',
  VAULT_SECRET_EXISTS: 'The HashiCorp Vault secret exists already and is not overwritten without being asked.',
  VAULT_UNWRAP_FAILED: 'HashiCorp Vault could not decrypt the wrapped master key: wrong key, wrong context or tampered ciphertext.',
  VAULT_ERROR: 'HashiCorp Vault reported an unexpected error.',
  REDIS_UNREACHABLE: 'Redis could not be reached (connection refused, DNS, timeout, TLS handshake).',
  REDIS_AUTH_FAILED: 'Redis refused the password (or the user name) given for it.',
  REDIS_ERROR: 'Redis answered with an error or with something that is not the Redis protocol.',
  ACRA_MASTER_KEY_MALFORMED: "The Acra master key is not standard base64 of at least 32 bytes (Acra's ACRA_MASTER_KEY).",
  ACRA_WRONG_MASTER_KEY: 'No sealed file of the Acra keystore opens under this Acra master key: it is the wrong one.',
  ACRA_KEY_UNREADABLE: 'A file of the Acra keystore does not open under the master key with the context its name calls for, or holds no valid key: truncated, damaged, swapped or renamed.',
  ACRA_KEYSTORE_MALFORMED: 'The folder is not an Acra keystore v1 that Custos reads: a stray file, a missing part, or another layout (keystore v2).',
  ACRA_KEY_UNSUPPORTED: 'A key cannot go to Acra as it is: Acra reads Themis EC key pairs on P-256, not X25519.',
  AUDIT_WRITE_FAILED: 'The audit entry could not be written, so the change it records was not made.',
  AUDIT_TAMPERED: 'The audit log fails verification (its head or newest entries were changed); changes are refused until it is investigated.',
  TRANSCRIPT_MALFORMED: 'The file is not a Custos audit transcript, or its structure is invalid.',
  ROTATION_METHOD_UNAVAILABLE: 'An unlock method cannot be re-wrapped under the new master key (its credentials were not given or it cannot be re-wrapped); the rotation changed nothing. Give its credentials, or drop it by id.',
  ROTATION_SAME_KEY: 'The new master key is the one the keystore already has; nothing was rotated.',
  UNLOCK_METHOD_NOT_FOUND: 'No unlock method with that id or kind exists in this keystore.',
  UNLOCK_METHOD_LAST: 'The last unlock method of a keystore cannot be removed; add another first.',
  KEK_NOT_FOUND: 'No key-encrypting key (KEK) with that id, client id or system name exists.',
  KEK_EXISTS: 'That client id or system already has a key-encrypting key (KEK).',
  KEK_DISABLED: 'The key-encrypting key (KEK) that wraps this key is disabled; every key below it is unreadable until it is enabled.',
  KEK_DESTROYED: 'The key-encrypting key (KEK) was destroyed, and with it every key below it.',
  NOT_APPROVED: 'A stored unlock method names a PKCS#11 module or Vault server that this installation has not approved; nothing was loaded or contacted.',
  CONFIG_INVALID: "The CLI's configuration file (approved modules and Vault servers) is not valid JSON of the expected shape.",
  NATIVE_MODULE_UNAVAILABLE: 'A native module (better-sqlite3, pkcs11js) could not be loaded: it was built for another Node or Electron version, or is missing.',
  SHEET_OUT_OF_ORDER: 'A ceremony sheet was checked while an earlier sheet was not verified yet; each sheet must match its share before the next.',
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
