import { CustosError } from '../../../shared/errors.js';
import { utf8Bytes } from '../crypto/bytes.js';
import { decodePrivateContainer, decodePublicContainer } from '../themis/ecKeys.js';
import { openWithKey, sealWithKey } from '../themis/secureCellSeal.js';
import { parseAcraPath, type AcraFileRef } from './names.js';

/**
 * One key file of an Acra keystore v1, in two forms. An entry holds what the
 * file means in the clear (a REC2/UEC2 container, or 32 key bytes), as
 * acra-keys export bundles carry it; a file holds the bytes Acra stores on
 * disk or in Redis (private and symmetric parts sealed with Secure Cell
 * under the master key and the file's context; public keys and auth_key in
 * the clear). Both name the file by its relative path with '/'.
 */
export interface AcraKeyEntry {
  path: string;
  content: Uint8Array;
}

export interface AcraKeyFile {
  path: string;
  bytes: Uint8Array;
}

/** File modes as Acra writes them (server_keystore.go): public keys 0644, everything else 0600, folders 0700. */
export const PUBLIC_FILE_MODE = 0o644;
export const PRIVATE_FILE_MODE = 0o600;
export const FOLDER_MODE = 0o700;

export const SYMMETRIC_KEY_BYTES = 32;

export function fileModeOf(ref: AcraFileRef): number {
  return ref.kind === 'public' ? PUBLIC_FILE_MODE : PRIVATE_FILE_MODE;
}

/** The meaning of a path; ACRA_KEYSTORE_MALFORMED for a name Acra gives no key ("don't rename your keys"). */
export function refOf(path: string): AcraFileRef {
  const ref = parseAcraPath(path);
  if (!ref) throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${path}: a stray file, not a name Acra gives a key (Acra finds keys by file name: don't rename them); move it out of the folder`);
  return ref;
}

/** Whether the content fits its kind: a sound container of the right tag, or 32 bytes. Names no key material. */
export function contentProblem(ref: AcraFileRef, content: Uint8Array): string | null {
  if (ref.kind === 'private') {
    const decoded = decodePrivateContainer(content);
    if (!decoded.ok) return `is not a Themis EC P-256 private key (${decoded.problem})`;
    decoded.key.fill(0);
    return null;
  }
  if (ref.kind === 'public') {
    const decoded = decodePublicContainer(content);
    return decoded.ok ? null : `is not a Themis EC P-256 public key (${decoded.problem})`;
  }
  return content.length === SYMMETRIC_KEY_BYTES ? null : `holds ${content.length} bytes, not a ${SYMMETRIC_KEY_BYTES}-byte key`;
}

/** The file Acra would store for an entry; the caller keeps (and wipes) the entry's content. */
export function sealEntry(masterKey: Uint8Array, entry: AcraKeyEntry): AcraKeyFile {
  const ref = refOf(entry.path);
  const problem = contentProblem(ref, entry.content);
  if (problem) throw new CustosError('ACRA_KEY_UNREADABLE', `${entry.path} ${problem}`);
  if (ref.context === null) return { path: entry.path, bytes: new Uint8Array(entry.content) };
  return { path: entry.path, bytes: sealWithKey(masterKey, entry.content, utf8Bytes(ref.context)) };
}

/**
 * Opens one stored file under the master key with the context its name calls
 * for. ACRA_KEY_UNREADABLE names the file when it does not open (wrong key,
 * truncated, damaged, or another key's file under this name) or holds no
 * valid key. The caller wipes the entry's content.
 */
export function openKeyFile(masterKey: Uint8Array, file: AcraKeyFile): AcraKeyEntry {
  const ref = refOf(file.path);
  let content: Uint8Array | null;
  if (ref.context === null) content = new Uint8Array(file.bytes);
  else {
    content = openWithKey(masterKey, file.bytes, utf8Bytes(ref.context));
    if (!content) {
      throw new CustosError(
        'ACRA_KEY_UNREADABLE',
        `${file.path} does not open under the Acra master key with context '${ref.context}': it is truncated or damaged, sealed under another master key, or another key's file under this name (don't rename Acra's key files)`,
      );
    }
  }
  const problem = contentProblem(ref, content);
  if (problem) {
    content.fill(0);
    throw new CustosError('ACRA_KEY_UNREADABLE', `${file.path} ${problem}`);
  }
  return { path: file.path, content };
}

/** Whether a file is sealed (so that a wrong master key shows in it). */
export function isSealed(path: string): boolean {
  return refOf(path).context !== null;
}
