import { CustosError } from '../../../shared/errors.js';
import type { KeyAlgorithm, KeyInfo } from '../../../shared/keys.js';
import { keyEntry } from '../audit/subjects.js';
import { wipe } from '../crypto/bytes.js';
import { publicFromSecret, secretFromPem } from '../catalog/material.js';
import { planKeys, type GenerateRequest } from '../catalog/plan.js';
import type { Keystore } from './keystore.js';
import { materialFingerprint } from './recordOpener.js';

/** Key material brought from elsewhere: 32 raw bytes, or a PEM private key (P-256 or X25519, as the purpose's key type). */
export type OwnMaterial = { format: 'raw'; bytes: Uint8Array } | { format: 'pem'; text: string };

/**
 * The secret and public key for a purpose's algorithm. Raw: exactly 32
 * bytes (a 256-bit symmetric key, or a P-256 or X25519 private scalar). PEM:
 * only for key pairs, and only a private key of the same type. Anything else is
 * INVALID_ARGUMENT, and nothing of the material appears in the message.
 */
export function ownMaterial(algorithm: KeyAlgorithm, material: OwnMaterial): { secret: Uint8Array; publicKey: Uint8Array | null } {
  let secret: Uint8Array | null;
  if (material.format === 'raw') {
    if (material.bytes.length !== 32) throw new CustosError('INVALID_ARGUMENT', `raw key material is exactly 32 bytes; this is ${material.bytes.length}`);
    secret = new Uint8Array(material.bytes);
  } else {
    if (algorithm === 'sym256') throw new CustosError('INVALID_ARGUMENT', 'a PEM key fits only a key-pair purpose; give a symmetric key as 32 raw bytes (--raw-file)');
    secret = secretFromPem(algorithm, material.text);
    if (!secret) throw new CustosError('INVALID_ARGUMENT', `the PEM is not ${algorithm === 'p256' ? 'a P-256' : 'an X25519'} private key (PKCS#8, "BEGIN PRIVATE KEY")${algorithm === 'p256' ? "; for an X25519 key add --key-type x25519" : ''}`);
  }
  if (algorithm === 'sym256') return { secret, publicKey: null };
  try {
    return { secret, publicKey: publicFromSecret(algorithm, secret) };
  } catch {
    wipe(secret);
    throw new CustosError('INVALID_ARGUMENT', `the 32 bytes are not a valid ${algorithm} private key`);
  }
}

/**
 * Bring your own key: stores existing material as version 1 of a new key of
 * one purpose (Acra's name for it), sealed under the master key like an
 * imported bundle key, with its `key-import` audit entry, in one transaction.
 * KEY_EXISTS when the name is taken.
 */
export function importOwnKey(keystore: Keystore, request: GenerateRequest, material: OwnMaterial, now = new Date()): KeyInfo {
  if (request.purposes?.length !== 1) throw new CustosError('INVALID_ARGUMENT', 'import one key at a time: exactly one --purpose');
  const [plan] = planKeys(request);
  if (!plan) throw new CustosError('INVALID_ARGUMENT', 'nothing to import');
  const { secret, publicKey } = ownMaterial(plan.algorithm, material);
  try {
    const at = now.toISOString();
    const fingerprint = materialFingerprint(plan.algorithm, secret, publicKey);
    return keystore.importKeys(
      (importer) => {
        if (importer.presence(plan.name) !== 'absent') throw new CustosError('KEY_EXISTS', `a key named '${plan.name}' already exists; nothing was imported`);
        importer.insert({ ...plan, currentVersion: 1, createdAt: at, versions: [{ version: 1, state: 'active', publicKey, secret, fingerprint, createdAt: at, changedAt: at }] });
        return { ...plan, version: 1, state: 'active' as const, fingerprint, createdAt: at };
      },
      (info) => keyEntry('key-import', [info], { source: 'own-material', format: material.format }),
    );
  } finally {
    wipe(secret);
  }
}
