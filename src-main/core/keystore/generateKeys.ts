import { CustosError } from '../../../shared/errors.js';
import type { PlannedKey } from '../catalog/plan.js';
import { liveKekOf } from './kek/kekStore.js';
import type { KeyRows } from './rows.js';
import type { Db } from './sqlite.js';

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
