/**
 * What the sheets print, compared with the key the shares gave back, before
 * anything is written (docs/app.md, "Restoring from shares"). A wrong
 * SLIP-0039 passphrase or another vault's shares give a different key without
 * any error, so the operator types the header of a sheet and each value that
 * differs is named.
 */
import { CustosError } from '../../../shared/errors.js';
import { masterKeyCheck, vaultFingerprintOf } from '../masterkey/subkeys.js';
import { parseHead } from '../audit/report.js';
import type { ExternalHead } from '../audit/verify.js';

export interface SheetClaims {
  vaultFingerprint: string;
  ceremony: string;
  keyCheck: string;
  /** Empty when the sheets print no audit head. */
  auditHead: string;
}

/** Hex values as typed from paper: dashes, spaces and case do not matter. */
const bare = (text: string) => text.replace(/[\s-]/g, '').toLowerCase();

/** The audit head the sheets print, parsed; null when none was typed. */
export function claimedHead(claims: SheetClaims): ExternalHead | null {
  return claims.auditHead.trim() === '' ? null : parseHead(claims.auditHead);
}

/**
 * Throws unless the recovered key is the one the sheets describe: the key
 * check or the vault fingerprint differing is WRONG_MASTER_KEY (a wrong
 * passphrase or another vault's shares), only the ceremony differing is
 * SHARES_MISMATCH. The message names each value, printed and recovered.
 */
export function compareClaims(masterKey: Uint8Array, identifier: number, claims: SheetClaims): { vaultFingerprint: string; ceremony: string } {
  if (!/^[0-9a-f]{16}$/.test(bare(claims.keyCheck))) throw new CustosError('INVALID_ARGUMENT', "the key check is the 16 hex digits printed as 'Key check' on the sheets");
  if (!/^[0-9a-f]{16}$/.test(bare(claims.vaultFingerprint))) throw new CustosError('INVALID_ARGUMENT', "the vault fingerprint is the 16 hex digits printed as 'Fingerprint' on the sheets");
  if (!/^\d{1,5}$/.test(claims.ceremony.trim())) throw new CustosError('INVALID_ARGUMENT', "the ceremony is the number printed as 'Ceremony' on the sheets");
  claimedHead(claims);
  const check = masterKeyCheck(masterKey);
  const vault = vaultFingerprintOf(masterKey);
  const ceremony = String(identifier);
  const differ: string[] = [];
  if (bare(claims.keyCheck) !== bare(check)) differ.push(`key check: the sheets print ${claims.keyCheck.trim()}, the shares give ${check}`);
  if (bare(claims.vaultFingerprint) !== bare(vault)) differ.push(`vault fingerprint: the sheets print ${claims.vaultFingerprint.trim()}, the shares give ${vault}`);
  if (claims.ceremony.trim().replace(/^0+(?=\d)/, '') !== ceremony) differ.push(`ceremony: the sheets print ${claims.ceremony.trim()}, the shares are of ceremony ${ceremony}`);
  if (differ.length === 0) return { vaultFingerprint: vault, ceremony };
  const keyDiffers = differ.length > 1 || !differ[0]?.startsWith('ceremony');
  throw new CustosError(
    keyDiffers ? 'WRONG_MASTER_KEY' : 'SHARES_MISMATCH',
    `the shares do not match the sheets: ${differ.join('; ')}. ${keyDiffers ? 'A wrong SLIP-0039 passphrase, shares of another vault, or a value mistyped from the sheet' : 'These shares are of another ceremony than the sheet read, or the ceremony was mistyped'}; nothing was written`,
  );
}
