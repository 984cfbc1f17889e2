import { endianness } from 'node:os';
import { CustosError } from '../../../../shared/errors.js';
import { pkcs11js, type Handle } from './binding.js';
import { hsmCall } from './errors.js';
import type { HsmSession } from './session.js';

export const WRAPPING_KEY_BYTES = 32;

/** A key handle with the label it was found by. Handles are only valid in the session that found them. */
export interface HsmKey {
  readonly handle: Handle;
  readonly label: string;
}

/** What Custos checks before trusting a key it did not make (hold your own key). */
export interface HsmKeyAttributes {
  aes: boolean;
  lengthBytes: number;
  token: boolean;
  sensitive: boolean;
  extractable: boolean;
  canEncrypt: boolean;
  canDecrypt: boolean;
}

function validLabel(label: string): string {
  if (label.length === 0 || Buffer.byteLength(label, 'utf8') > 255) {
    throw new CustosError('INVALID_ARGUMENT', 'an HSM key label is 1 to 255 bytes');
  }
  return label;
}

function findHandles(session: HsmSession, label: string): Handle[] {
  const p = pkcs11js();
  const { pkcs11, handle } = session;
  return hsmCall('find-key', () => {
    pkcs11.C_FindObjectsInit(handle, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_LABEL, value: label },
    ]);
    try {
      // Two are enough to tell "one" from "ambiguous".
      return pkcs11.C_FindObjects(handle, 2);
    } finally {
      pkcs11.C_FindObjectsFinal(handle);
    }
  });
}

function bool(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value[0] !== 0;
}

/** CK_ULONG values come back in the platform's byte order and width. */
function ulong(value: Buffer | undefined): number {
  if (!value || value.length === 0) return -1;
  const le = endianness() === 'LE';
  if (value.length >= 8) return Number(le ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0));
  return le ? value.readUInt32LE(0) : value.readUInt32BE(0);
}

export function readKeyAttributes(session: HsmSession, key: Handle): HsmKeyAttributes {
  const p = pkcs11js();
  const types = [p.CKA_KEY_TYPE, p.CKA_VALUE_LEN, p.CKA_TOKEN, p.CKA_SENSITIVE, p.CKA_EXTRACTABLE, p.CKA_ENCRYPT, p.CKA_DECRYPT];
  const values = hsmCall('inspect-key', () => session.pkcs11.C_GetAttributeValue(session.handle, key, types.map((type) => ({ type }))));
  const get = (type: number) => values.find((v) => v.type === type)?.value;
  return {
    aes: ulong(get(p.CKA_KEY_TYPE)) === p.CKK_AES,
    lengthBytes: ulong(get(p.CKA_VALUE_LEN)),
    token: bool(get(p.CKA_TOKEN)),
    sensitive: bool(get(p.CKA_SENSITIVE)),
    extractable: bool(get(p.CKA_EXTRACTABLE)),
    canEncrypt: bool(get(p.CKA_ENCRYPT)),
    canDecrypt: bool(get(p.CKA_DECRYPT)),
  };
}

/**
 * Hold your own key: finds an existing secret key by label and refuses one
 * that could leave the HSM or is not AES-256 on the token. Usage flags are not
 * checked here; wrap and unwrap report HSM_KEY_DISABLED when they are off.
 */
export function findKeyByLabel(session: HsmSession, label: string): HsmKey {
  const handles = findHandles(session, validLabel(label));
  if (handles.length === 0) throw new CustosError('HSM_KEY_NOT_FOUND', `no secret key labelled "${label}" on token "${session.tokenLabel}"`);
  if (handles.length > 1) throw new CustosError('HSM_KEY_UNSUITABLE', `more than one secret key is labelled "${label}" on token "${session.tokenLabel}"`);
  const handle = handles[0] as Handle;
  const a = readKeyAttributes(session, handle);
  const problems = [
    a.aes ? null : 'not an AES key',
    a.aes && a.lengthBytes !== WRAPPING_KEY_BYTES ? `AES-${a.lengthBytes * 8}, not AES-256` : null,
    a.extractable ? 'extractable (CKA_EXTRACTABLE is true)' : null,
    a.sensitive ? null : 'not sensitive (CKA_SENSITIVE is false)',
    a.token ? null : 'a session object, not stored on the token',
  ].filter((x): x is string => x !== null);
  if (problems.length > 0) throw new CustosError('HSM_KEY_UNSUITABLE', `the key labelled "${label}" is ${problems.join(', ')}`);
  return { handle, label };
}

/**
 * Generates an AES-256 key inside the token. It is sensitive and never
 * extractable (the HSM will not hand out its value, even wrapped), may only
 * encrypt and decrypt data (CKA_WRAP/UNWRAP false: it cannot be used to export
 * or import other keys), is private (visible only after login) and persists
 * on the token. Refuses a label that any secret key already carries.
 */
export function generateWrappingKey(session: HsmSession, label: string): HsmKey {
  const p = pkcs11js();
  if (findHandles(session, validLabel(label)).length > 0) {
    throw new CustosError('HSM_KEY_EXISTS', `a secret key labelled "${label}" already exists on token "${session.tokenLabel}"`);
  }
  const handle = hsmCall('generate-key', () =>
    session.pkcs11.C_GenerateKey(session.handle, { mechanism: p.CKM_AES_KEY_GEN }, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
      { type: p.CKA_VALUE_LEN, value: WRAPPING_KEY_BYTES },
      { type: p.CKA_LABEL, value: label },
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_PRIVATE, value: true },
      { type: p.CKA_SENSITIVE, value: true },
      { type: p.CKA_EXTRACTABLE, value: false },
      { type: p.CKA_MODIFIABLE, value: true },
      { type: p.CKA_ENCRYPT, value: true },
      { type: p.CKA_DECRYPT, value: true },
      { type: p.CKA_WRAP, value: false },
      { type: p.CKA_UNWRAP, value: false },
      { type: p.CKA_SIGN, value: false },
      { type: p.CKA_VERIFY, value: false },
      { type: p.CKA_DERIVE, value: false },
    ]),
  );
  return { handle, label };
}
