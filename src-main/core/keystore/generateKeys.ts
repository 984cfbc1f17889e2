import { CustosError } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import type { PlannedKey } from '../catalog/plan.js';
import { useSecondThread } from '../parallel/secondThread.js';
import { FreshPairs } from './freshPairs.js';
import { addFreshVersion } from './freshVersion.js';
import { liveKekOf } from './kek/kekStore.js';
import type { RecordOpener } from './recordOpener.js';
import type { KeyRows } from './rows.js';
import type { Db } from './sqlite.js';

export interface GenerateOptions {
  /** A name that exists already with the same purpose and owner is skipped rather than refused (see freshPlans). */
  skipExisting?: boolean;
  /** The system whose KEK the new keys go under (see kekForPlan). */
  system?: string | undefined;
  /**
   * Pairs' public keys computed ahead in a second thread too (keystore/freshPairs.ts; default:
   * parallel/secondThread.ts's rule, from 4,096 new keys on more than one core).
   */
  worker?: boolean;
}

/**
 * The planned keys that do not exist yet. A name that exists already fails
 * the whole call with KEY_EXISTS, unless `skipExisting` and the existing key
 * has the same purpose and owner.
 */
export function freshPlans(rows: KeyRows, planned: readonly PlannedKey[], skipExisting: boolean): PlannedKey[] {
  const fresh: PlannedKey[] = [];
  const seen = new Set<string>();
  for (const plan of planned) {
    if (seen.has(plan.name)) continue;
    seen.add(plan.name);
    const existing = rows.key(plan.name);
    if (!existing) fresh.push(plan);
    else if (!skipExisting || existing.purpose !== plan.purpose || existing.client_id !== plan.clientId || existing.zone_id !== plan.zoneId) {
      throw new CustosError('KEY_EXISTS', `a key named '${plan.name}' already exists (${existing.purpose}); nothing was generated`);
    }
  }
  return fresh;
}

/**
 * The KEK a new key goes under: the named system's (which must exist), else
 * its client's when that client has one, else none (the master key). A KEK
 * that is disabled refuses the generation rather than quietly using the master key.
 */
export function kekForPlan(db: Db, plan: PlannedKey, system: string | undefined): number | null {
  const kek = system !== undefined ? liveKekOf(db, 'system', system) : plan.clientId !== null ? liveKekOf(db, 'client', plan.clientId) : null;
  if (system !== undefined && !kek) throw new CustosError('KEK_NOT_FOUND', `system ${system} has no KEK (create one with 'custos kek create --system ${system}')`);
  if (!kek) return null;
  if (kek.state !== 'active') throw new CustosError('KEK_DISABLED', `KEK ${kek.id} (${kek.scope} ${kek.owner}) is disabled; enable it before generating keys under it`);
  return kek.id;
}

/**
 * Adds the planned keys that do not exist yet, each at version 1, inside the
 * caller's transaction. A large generate makes its pairs ahead, their public
 * keys in a second thread too (keystore/freshPairs.ts); every secret is wiped
 * once sealed, and the ones not reached when something fails part-way are
 * wiped too.
 */
export function addFreshKeys(db: Db, rows: KeyRows, records: RecordOpener, planned: readonly PlannedKey[], options: GenerateOptions): KeyInfo[] {
  const at = new Date().toISOString();
  const fresh = freshPlans(rows, planned, Boolean(options.skipExisting));
  const pairAlgorithms = fresh.flatMap((plan) => (plan.algorithm === 'sym256' ? [] : [plan.algorithm]));
  const pairs = pairAlgorithms.length > 0 ? new FreshPairs(pairAlgorithms, options.worker ?? useSecondThread(fresh.length)) : null;
  try {
    return fresh.map((plan) => {
      const kekId = kekForPlan(db, plan, options.system);
      const keyId = rows.addKey({ name: plan.name, client_id: plan.clientId, zone_id: plan.zoneId, purpose: plan.purpose, algorithm: plan.algorithm, current_version: 1, created_at: at, kek_id: kekId });
      // Taken last, so nothing can fail between it and addFreshVersion, which wipes its secret whatever happens.
      return addFreshVersion(rows, records, keyId, plan, 1, at, kekId, plan.algorithm === 'sym256' ? undefined : pairs?.take(plan.algorithm));
    });
  } finally {
    pairs?.close();
  }
}
