/**
 * The wizard's rules, independent of storage: which step may run when, who
 * may be named as having done it, and how the step log grows.
 */
import { CustosError } from '../../../shared/errors.js';
import { CEREMONY_STEPS, type CeremonyStep } from '../../../shared/ipcCeremony.js';
import type { CeremonySession } from './session.js';

const STEP_NAMES: Record<CeremonyStep, string> = {
  'air-gap': 'air gap',
  roles: 'roles',
  keys: 'vault and keys',
  quorum: 'quorum',
  print: 'print',
  verify: 'verify the sheets',
  backup: 'backup',
  transcript: 'transcript',
  done: 'done',
};

/** Refuses a step the session is not at (or may not go back to). */
export function requireStep(s: CeremonySession, allowed: readonly CeremonyStep[], doing: string): void {
  if (!allowed.includes(s.step)) {
    throw new CustosError('INVALID_ARGUMENT', `${doing} is not possible now: the ceremony is at step '${STEP_NAMES[s.step]}'`);
  }
}

/** The step after `step` in the wizard's order. */
export function nextStep(step: CeremonyStep): CeremonyStep {
  return CEREMONY_STEPS[Math.min(CEREMONY_STEPS.indexOf(step) + 1, CEREMONY_STEPS.length - 1)] ?? 'done';
}

/** Who did a step: a named role (checked once roles are set), else the operator. */
export function actor(s: CeremonySession, by: string | undefined): string | null {
  if (by === undefined) return s.roles?.operator ?? null;
  const name = by.trim();
  if (s.roles) {
    const named = [s.roles.operator, ...s.roles.witnesses, ...s.roles.custodians];
    if (!named.includes(name)) throw new CustosError('INVALID_ARGUMENT', 'that person is not among the ceremony roles (operator, witnesses, custodians)');
  }
  return name;
}

export function logStep(s: CeremonySession, step: CeremonyStep, by: string | null, note: string | null = null, at = new Date()): void {
  s.log.push({ step, by, at: at.toISOString(), note });
}

/** Names appear once across all roles, so the log and the transcript name one person each. */
export function checkRoles(operator: string, witnesses: readonly string[], custodians: readonly string[]): void {
  const all = [operator, ...witnesses, ...custodians].map((n) => n.trim());
  if (new Set(all).size !== all.length) throw new CustosError('INVALID_ARGUMENT', 'each person is named once: the operator, witnesses and custodians are different people');
}

/** One custodian per sheet, in split order, each one of the roles' custodians. */
export function checkAssignment(s: CeremonySession, custodians: readonly string[], sheets: number): void {
  if (custodians.length !== sheets) throw new CustosError('INVALID_ARGUMENT', `${sheets} sheets need ${sheets} custodian assignments; ${custodians.length} were given`);
  const named = new Set(s.roles?.custodians ?? []);
  if (!custodians.every((c) => named.has(c.trim()))) throw new CustosError('INVALID_ARGUMENT', 'every sheet goes to one of the custodians named in the roles step');
}
