import type { KeyPurpose } from '../../../shared/keys.js';
import { validateId } from '../catalog/ids.js';
import { purposeSpec } from '../catalog/purposes.js';

/**
 * Acra's keystore v1 file names (keystore/filesystem/filenames.go,
 * key_names.go) and the Secure Cell context each file is sealed with
 * (server_keystore.go: the client or zone id for per-id keys, the file's own
 * name for the poison and secure-log keys). A rotated version lives at
 * `<file>.old/<UTC time, Go layout 2006-01-02T15:04:05.999999999>`.
 */

/** private: a sealed REC2 container; public: a UEC2 container in the clear; symmetric: 32 sealed bytes; clear: 32 bytes as they are (auth_key). */
export type AcraFileKind = 'private' | 'public' | 'symmetric' | 'clear';

export interface AcraFileRef {
  /** Relative path with '/' separators, as Acra, its Redis layout and acra-keys bundles name it. */
  path: string;
  /** The Custos key it belongs to, by catalogue name and purpose. */
  keyName: string;
  purpose: KeyPurpose;
  clientId: string | null;
  zoneId: string | null;
  kind: AcraFileKind;
  /** The Secure Cell context; null for files in the clear. */
  context: string | null;
  /** The Go timestamp of a rotated version, null for the current one. */
  rotatedAt: string | null;
}

const POISON = '.poison_key/poison_key';
const FIXED: ReadonlyArray<readonly [string, KeyPurpose]> = [
  [POISON, 'poison'],
  [`${POISON}_sym`, 'poison-sym'],
  ['secure_log_key', 'secure-log'],
  ['auth_key', 'auth'],
];

/** Longest first: `x_storage_sym` is a storage-sym key of x, not a key of client `x_storage`. */
const SUFFIXES: ReadonlyArray<readonly [string, KeyPurpose]> = [
  ['_storage_sym', 'storage-sym'],
  ['_zone_sym', 'zone-sym'],
  ['_storage', 'storage'],
  ['_hmac', 'hmac'],
  ['_server', 'transport-server'],
  ['_translator', 'transport-translator'],
  ['_zone', 'zone'],
];

const isPair = (purpose: KeyPurpose) => purposeSpec(purpose).algorithm !== 'sym256';

/** The file (relative path) of a key's current version, for a purpose and its client or zone id (null for global keys). */
export function acraFileOf(purpose: KeyPurpose, id: string | null): string {
  const fixed = FIXED.find(([, p]) => p === purpose);
  if (fixed) return fixed[0];
  if (purpose === 'transport-connector') return id ?? '';
  const suffix = SUFFIXES.find(([, p]) => p === purpose);
  if (!suffix || id === null) throw new RangeError(`purpose ${purpose} needs an id`);
  return `${id}${suffix[0]}`;
}

/** The Secure Cell context Acra seals a key's private part with; null for auth_key, which Acra kept in the clear. */
export function acraContextOf(purpose: KeyPurpose, id: string | null): string | null {
  if (purpose === 'auth') return null;
  if (purpose === 'poison' || purpose === 'poison-sym' || purpose === 'secure-log') return acraFileOf(purpose, null);
  return id;
}

function refFor(path: string, purpose: KeyPurpose, id: string | null, isPublic: boolean, rotatedAt: string | null): AcraFileRef | null {
  if (isPublic && !isPair(purpose)) return null;
  const scope = purposeSpec(purpose).scope;
  if (id !== null) {
    try {
      validateId(scope === 'zone' ? 'zone id' : 'client id', id);
    } catch {
      return null;
    }
  }
  const kind: AcraFileKind = isPublic ? 'public' : purpose === 'auth' ? 'clear' : isPair(purpose) ? 'private' : 'symmetric';
  return {
    path,
    keyName: purposeSpec(purpose).nameFor(id),
    purpose,
    clientId: scope === 'client' ? id : null,
    zoneId: scope === 'zone' ? id : null,
    kind,
    context: kind === 'public' || kind === 'clear' ? null : acraContextOf(purpose, id),
    rotatedAt,
  };
}

const GO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,8}[1-9])?$/;

/**
 * What a relative path in a keystore v1 folder holds, or null when Acra
 * gives no key that name (a stray file, which breaks `acra-keys list`).
 */
export function parseAcraPath(path: string): AcraFileRef | null {
  let file = path;
  let rotatedAt: string | null = null;
  const old = /^(.+)\.old\/([^/]+)$/.exec(path);
  if (old) {
    if (!GO_TIME.test(old[2]!)) return null;
    file = old[1]!;
    rotatedAt = old[2]!;
  }
  const isPublic = file.endsWith('.pub');
  const base = isPublic ? file.slice(0, -4) : file;
  const fixed = FIXED.find(([name]) => name === base);
  if (fixed) return refFor(path, fixed[1], null, isPublic, rotatedAt);
  if (base.includes('/')) return null;
  for (const [suffix, purpose] of SUFFIXES) {
    if (base.endsWith(suffix)) return refFor(path, purpose, base.slice(0, -suffix.length), isPublic, rotatedAt);
  }
  return refFor(path, 'transport-connector', base, isPublic, rotatedAt);
}

/** The path of a file of a key: its current private or symmetric part, its public part, or a rotated version of either. */
export function acraPath(purpose: KeyPurpose, id: string | null, options: { public?: boolean; rotatedAt?: string | null } = {}): string {
  const file = `${acraFileOf(purpose, id)}${options.public ? '.pub' : ''}`;
  return options.rotatedAt ? `${file}.old/${options.rotatedAt}` : file;
}

/**
 * An ISO time (as Custos stores it, millisecond precision) in Go's layout
 * 2006-01-02T15:04:05.999999999: UTC, no zone, trailing zeros of the fraction
 * dropped (and the dot with them). `extraNanos` keeps two rotations in the
 * same millisecond apart and in order.
 */
export function goTimestamp(iso: string, extraNanos = 0): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a time: ${iso}`);
  const whole = date.toISOString().slice(0, 19);
  const nanos = date.getUTCMilliseconds() * 1_000_000 + extraNanos;
  if (nanos === 0) return whole;
  return `${whole}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
}

/** The ISO time (millisecond precision, UTC) of a Go timestamp from a rotated file's name. */
export function isoFromGoTimestamp(stamp: string): string {
  const [whole, fraction = ''] = stamp.split('.');
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  return `${whole}.${millis}Z`;
}
