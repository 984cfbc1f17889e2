/**
 * The first two steps of a ceremony (air gap, roles) need no vault. A ceremony
 * started from the Welcome screen runs them in main on a draft session held in
 * memory; the vault created (or unlocked) at step 3 then adopts the draft:
 * its session, roles, air-gap decision and step log go into that vault, with
 * audit entries naming who did each step and when. These functions are the
 * steps' rules for both paths: wizard.ts runs them on a vault's stored session.
 * Plain data only (no keystore), so main can run them without the worker.
 */
import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../shared/errors.js';
import type { NetworkStatus } from '../../../shared/ipc.js';
import type { AuditDraft, AuditSubject } from '../audit/entry.js';
import { actor, checkRoles, logStep, requireStep } from './rules.js';
import type { CeremonySession } from './session.js';

/** A new session at the air-gap step, the check made at once. `vaultFingerprint` is '' for a draft. */
export function newSession(network: NetworkStatus, vaultFingerprint: string): CeremonySession {
  const s: CeremonySession = {
    sessionId: randomBytes(16).toString('hex'),
    step: 'air-gap',
    startedAt: new Date().toISOString(),
    vaultFingerprint,
    airGap: null,
    roles: null,
    keys: null,
    quorum: null,
    record: null,
    auditHead: null,
    sheets: [],
    recorded: false,
    backup: null,
    transcriptFile: null,
    log: [],
  };
  checkAirGap(s, network, null);
  return s;
}

function checkAirGap(s: CeremonySession, network: NetworkStatus, by: string | null): void {
  s.airGap = { airGapped: network.airGapped, interfaces: network.interfaces, checkedAt: new Date().toISOString(), overrideReason: null };
  if (network.airGapped) {
    logStep(s, 'air-gap', by, 'no network interface up');
    s.step = 'roles';
  }
}

/**
 * Checks again; or, with a typed reason, goes on with a network up. Returns
 * the audit entry the override needs (the caller appends it in the same
 * transaction, or keeps it in the draft's log until a vault adopts it).
 */
export function airGapOn(s: CeremonySession, network: NetworkStatus, override: string | undefined, by: string | undefined): AuditDraft | null {
  requireStep(s, ['air-gap'], 'the air-gap check');
  const who = actor(s, by);
  checkAirGap(s, network, who);
  if (network.airGapped || override === undefined) return null;
  const reason = override.trim();
  s.airGap = { ...s.airGap!, overrideReason: reason };
  logStep(s, 'air-gap', who, `went on with a network up: ${reason}`);
  s.step = 'roles';
  return overrideEntry(s, who);
}

function overrideEntry(s: CeremonySession, who: string | null, extra: AuditSubject = {}): AuditDraft {
  const interfaces = (s.airGap?.interfaces ?? []).map((i) => `${i.name} ${i.address}`);
  return { operation: 'ceremony-air-gap-override', subject: { session: s.sessionId, reason: s.airGap?.overrideReason ?? '', interfaces, ...extra }, ...(who ? { actor: who } : {}) };
}

export function rolesOn(s: CeremonySession, roles: { operator: string; witnesses: string[]; custodians: string[] }): void {
  checkRoles(roles.operator, roles.witnesses, roles.custodians);
  requireStep(s, ['roles', 'keys', 'quorum'], 'naming the roles');
  if (s.record) throw new CustosError('INVALID_ARGUMENT', 'the master key is split already: the roles are fixed');
  s.roles = { operator: roles.operator.trim(), witnesses: roles.witnesses.map((w) => w.trim()), custodians: roles.custodians.map((c) => c.trim()) };
  // The air gap comes before anyone is named; "the operator when omitted" is the rule, so the operator named now did it.
  for (const entry of s.log) if (entry.step === 'air-gap' && entry.by === null) entry.by = s.roles.operator;
  logStep(s, 'roles', s.roles.operator, `operator ${s.roles.operator}; ${s.roles.witnesses.length} witness(es); ${s.roles.custodians.length} custodian(s)`);
  if (s.step === 'roles') s.step = 'keys';
}

/**
 * What a vault records when it adopts a draft: the override (as the wizard
 * records one on a vault, naming who decided and when), then one entry with
 * the draft's roles, air-gap check and every step it logged, by whom and when.
 */
export function adoptionEntries(draft: CeremonySession, vaultName: string | null): AuditDraft[] {
  const entries: AuditDraft[] = [];
  if (draft.airGap?.overrideReason) {
    const decided = draft.log.filter((l) => l.step === 'air-gap').at(-1);
    entries.push(overrideEntry(draft, decided?.by ?? null, { decidedAt: decided?.at ?? draft.airGap.checkedAt, beforeVault: true }));
  }
  const airGap = draft.airGap ? { airGapped: draft.airGap.airGapped, interfaces: draft.airGap.interfaces.map((i) => `${i.name} ${i.address}`), checkedAt: draft.airGap.checkedAt, overrideReason: draft.airGap.overrideReason } : null;
  entries.push({
    operation: 'ceremony-begun-before-vault',
    subject: {
      session: draft.sessionId,
      startedAt: draft.startedAt,
      vault: vaultName,
      airGap,
      roles: draft.roles ? { operator: draft.roles.operator, witnesses: draft.roles.witnesses, custodians: draft.roles.custodians } : null,
      steps: draft.log.map((l) => ({ step: l.step, by: l.by, at: l.at, note: l.note })),
    },
    ...(draft.roles ? { actor: draft.roles.operator } : {}),
  });
  return entries;
}
