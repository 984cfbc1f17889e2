import { CustosError } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import { keyEntry } from '../audit/subjects.js';
import { wipe } from '../crypto/bytes.js';
import { x25519PublicFromSecret, x25519SecretFromPem } from '../catalog/material.js';
import { planKeys, type GenerateRequest } from '../catalog/plan.js';
import type { Keystore } from './keystore.js';
import { materialFingerprint } from './recordOpener.js';

/** Key material brought from elsewhere: 32 raw bytes, or a PEM PKCS#8 X25519 private key. */
export type OwnMaterial = { format: 'raw'; bytes: Uint8Array } | { format: 'pem'; text: string };

/**
 * The secret and public key for a purpose's algorithm. Raw: exactly 32
 * bytes (a 256-bit symmetric key, or an X25519 private scalar). PEM: only for
 * X25519 purposes, and only an X25519 private key. Anything else is
 * INVALID_ARGUMENT, and nothing of the material appears in the message.
 */
export function ownMaterial(algorithm: 'x25519' | 'sym256', material: OwnMaterial): { secret: Uint8Array; publicKey: Uint8Array | null } {
  let secret: Uint8Array | null;
  if (material.format === 'raw') {
    if (material.bytes.length !== 32) throw new CustosError('INVALID_ARGUMENT', `raw key material is exactly 32 bytes; this is ${material.bytes.length}`);
    secret = new Uint8Array(material.bytes);
  } else {
    if (algorithm !== 'x25519') throw new CustosError('INVALID_ARGUMENT', 'a PEM key fits only an X25519 purpose; give a symmetric key as 32 raw bytes (--raw-file)');
    secret = x25519SecretFromPem(material.text);
    if (!secret) throw new CustosError('INVALID_ARGUMENT', 'the PEM is not an X25519 private key (PKCS#8, "BEGIN PRIVATE KEY")');
  }
  return { secret, publicKey: algorithm === 'x25519' ? x25519PublicFromSecret(secret) : null };
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
