import type { KeyInfo } from '../../../shared/keys.js';
import { wipe } from '../crypto/bytes.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { generateMaterial } from '../catalog/material.js';
import type { PlannedKey } from '../catalog/plan.js';
import { materialFingerprint, type RecordOpener } from './recordOpener.js';
import type { KeyRows } from './rows.js';
import { freshPair, type FreshPair } from './freshPairs.js';

/**
 * Generates a version's material, or takes a pair made beforehand (`made`, from keystore/freshPairs.ts),
 * seals it under the record's identity and stores it; the secret is wiped either way.
 */
export function addFreshVersion(rows: KeyRows, records: RecordOpener, keyId: number, plan: PlannedKey, version: number, at: string, kekId: number | null = null, made?: FreshPair): KeyInfo {
  // P-256 pairs come with their fingerprint's SPKI from one scalar multiplication (see crypto/p256Points.ts); the same material as generateMaterial's.
  const pair = made ?? (plan.algorithm === 'sym256' ? null : freshPair(plan.algorithm));
  const material = pair ?? generateMaterial(plan.algorithm);
  try {
    const sealed = records.sealSecret(records.identity({ ...plan, version, public_key: material.publicKey, kek_id: kekId }), material.secret);
    const fp = pair?.spki ? fingerprint('p256-spki', pair.spki) : materialFingerprint(plan.algorithm, material.secret, material.publicKey);
    rows.addVersion(keyId, version, 'active', material.publicKey, sealed, fp, at);
    return { name: plan.name, clientId: plan.clientId, zoneId: plan.zoneId, purpose: plan.purpose, algorithm: plan.algorithm, version, state: 'active', fingerprint: fp, createdAt: at };
  } finally {
    wipe(material.secret);
  }
}
