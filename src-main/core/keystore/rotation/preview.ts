import type { RotationNeed } from '../../../../shared/keys.js';
import type { Keystore } from '../keystore.js';
import { isMethodKind, type MethodKind } from '../methods/kinds.js';
import { readUnlockMethods } from '../unlock.js';

const NEEDS: Record<MethodKind, RotationNeed> = { 'passphrase': 'passphrase', 'pkcs11': 'pin', 'vault-transit': 'vault', 'vault-kv': 'drop', 'paper': 'drop' };

export interface RotationPreview {
  vaultFingerprint: string;
  /** Paper ceremonies not yet superseded: their shares stop working. */
  activeCeremonies: number;
  methods: Array<{ id: number; kind: MethodKind; label: string; createdAt: string; needs: RotationNeed }>;
}

/** What a master-key rotation would touch, for the warning shown before it is confirmed. Reads only. */
export function rotationPreview(keystore: Keystore): RotationPreview {
  return keystore.internal('read', (ctx) => {
    const activeCeremonies = (ctx.db.prepare('SELECT count(*) AS n FROM paper_ceremonies WHERE superseded_at IS NULL').get() as { n: number }).n;
    const methods = readUnlockMethods(ctx.db)
      .filter((m): m is typeof m & { kind: MethodKind } => isMethodKind(m.kind))
      .map((m) => ({ id: m.id, kind: m.kind, label: m.label, createdAt: m.created_at, needs: NEEDS[m.kind] }));
    return { vaultFingerprint: ctx.vaultFingerprint, activeCeremonies, methods };
  });
}
