/**
 * The ceremony wizard's steps on an unlocked keystore (docs/app.md, "The
 * ceremony wizard"). Each step loads the session, checks it may run, changes
 * it and saves it in one transaction, with its audit entry when it has one.
 * Splitting, sheets and the ceremony record are the paper core's own
 * (splitVault, recordCeremony); this file only sequences them.
 */
import { CustosError } from '../../../shared/errors.js';
import type { CeremonyState, CeremonyStep } from '../../../shared/ipcCeremony.js';
import type { NetworkStatus } from '../../../shared/ipc.js';
import type { GenerateRequest } from '../catalog/plan.js';
import type { InternalContext } from '../keystore/internal.js';
import type { Keystore } from '../keystore/keystore.js';
import { listCeremonies } from '../keystore/paperStore.js';
import { recordCeremony, type VaultSplit } from '../paper/paperVault.js';
import { adoptionEntries, airGapOn, newSession, rolesOn } from './draft.js';
import { actor, logStep, requireStep } from './rules.js';
import { fullRecord, sessionView, type CeremonySession } from './session.js';
import { deleteSession, loadSession, saveSession } from './store.js';

export function currentSession(ks: Keystore): CeremonySession | null {
  return ks.internal('read', (ctx) => loadSession(ctx.db));
}

function requireSession(ctx: InternalContext): CeremonySession {
  const s = loadSession(ctx.db);
  if (!s) throw new CustosError('INVALID_ARGUMENT', 'no ceremony is under way: begin one first');
  return s;
}

/** Runs `fn` on the stored session and saves it, in one write transaction. */
export function changeSession<T>(ks: Keystore, fn: (s: CeremonySession, ctx: InternalContext) => T): T {
  return ks.internal('write', (ctx) => {
    const s = requireSession(ctx);
    const result = fn(s, ctx);
    saveSession(ctx.db, s);
    return result;
  });
}

export function stateOf(ks: Keystore, wordsHeld: boolean): CeremonyState | null {
  return ks.internal('read', (ctx) => {
    const s = loadSession(ctx.db);
    if (!s) return null;
    const earlierCeremonies = listCeremonies(ctx.db).filter((c) => c.supersededAt === null && c.id !== (s.recorded ? s.record?.id : undefined)).length;
    return sessionView(s, { earlierCeremonies, wordsHeld });
  });
}

/**
 * A new session on this vault, with the air-gap check made at once; or, given
 * a draft (air gap and roles done in main before the vault existed), that
 * draft adopted with audit entries saying who did its steps. One session per vault at a time.
 */
export function beginSession(ks: Keystore, network: NetworkStatus, draft?: CeremonySession): void {
  ks.internal('write', (ctx) => {
    if (loadSession(ctx.db)) throw new CustosError('INVALID_ARGUMENT', 'a ceremony is already under way on this vault: resume it or abandon it first');
    if (!draft) {
      saveSession(ctx.db, newSession(network, ctx.vaultFingerprint));
      return;
    }
    const s: CeremonySession = { ...draft, vaultFingerprint: ctx.vaultFingerprint };
    for (const entry of adoptionEntries(draft, ks.vaultName())) ctx.audit.append(entry);
    if (s.step === 'keys') logStep(s, 'keys', s.roles?.operator ?? null, `vault ${ks.vaultName() ?? '(unnamed)'} (${ctx.vaultFingerprint}) holds this ceremony from here on`);
    saveSession(ctx.db, s);
  });
}

/** Checks again; or, with a typed reason, goes on with a network up and says so in the audit log. */
export function airGapStep(ks: Keystore, network: NetworkStatus, override: string | undefined, by: string | undefined): void {
  changeSession(ks, (s, ctx) => {
    const entry = airGapOn(s, network, override, by);
    if (entry) ctx.audit.append(entry);
  });
}

export function rolesStep(ks: Keystore, roles: { operator: string; witnesses: string[]; custodians: string[] }): void {
  changeSession(ks, (s) => rolesOn(s, roles));
}

/** Generates every purpose of the catalogue for each id (existing keys kept), one id at a time for progress. */
export function keysStep(ks: Keystore, ids: { clientIds: string[]; zoneIds: string[]; by?: string | undefined }, onProgress: (done: number, total: number) => void): string[] {
  changeSession(ks, (s) => requireStep(s, ['keys', 'quorum'], 'generating the keys'));
  const requests: GenerateRequest[] = [...ids.clientIds.map((clientId) => ({ scope: 'client' as const, clientId })), ...ids.zoneIds.map((zoneId) => ({ scope: 'zone' as const, zoneId }))];
  const created: string[] = [];
  onProgress(0, requests.length);
  for (const [i, request] of requests.entries()) {
    created.push(...ks.generate([request], { skipExisting: true }).map((k) => k.name));
    onProgress(i + 1, requests.length);
  }
  const existing = ks.list({}).filter((k) => (k.clientId !== null && ids.clientIds.includes(k.clientId)) || (k.zoneId !== null && ids.zoneIds.includes(k.zoneId))).length - created.length;
  changeSession(ks, (s) => {
    s.keys = { clientIds: ids.clientIds, zoneIds: ids.zoneIds, created: created.length, existing: Math.max(existing, 0) };
    logStep(s, 'keys', actor(s, ids.by), `${created.length} key(s) generated for ${ids.clientIds.length} client id(s) and ${ids.zoneIds.length} zone id(s)`);
    s.step = 'quorum';
  });
  return created;
}

/** Keeps a fresh split (tags only) in the session; the words stay with the caller until printed. */
export function adoptSplit(ks: Keystore, split: VaultSplit, quorum: { groupThreshold: number; groups: Array<{ threshold: number; count: number }>; custodians: string[]; passphraseUsed: boolean }, by: string | undefined): void {
  changeSession(ks, (s) => {
    requireStep(s, ['quorum', 'print'], 'splitting the master key');
    if (s.sheets.some((sheet) => sheet.printed)) throw new CustosError('INVALID_ARGUMENT', 'sheets are printed already: abandon this ceremony to split again');
    const { shares, tagSalt, ...record } = split.record;
    void tagSalt;
    s.quorum = quorum;
    s.record = record;
    s.auditHead = split.sheets[0]?.auditHead ?? null;
    s.sheets = shares.map((share, i) => ({
      index: i + 1,
      group: share.groupIndex + 1,
      member: share.memberIndex + 1,
      custodian: share.custodian,
      tag: Buffer.from(share.tag).toString('hex'),
      sheetFingerprint: split.sheets[i]?.sheetFingerprint ?? '',
      printed: false,
      verified: false,
      verifiedBy: null,
      verifiedAt: null,
      verifiedHow: null,
    }));
    logStep(s, 'quorum', actor(s, by), `ceremony ${record.id}: ${shares.length} sheets, any ${quorum.groupThreshold} of ${quorum.groups.length} group(s) (${quorum.groups.map((g) => `${g.threshold} of ${g.count}`).join(', ')}); ${split.subsetsChecked} quorums checked${quorum.passphraseUsed ? '; share passphrase set' : ''}`);
    s.step = 'print';
  });
}

export function markPrinted(ks: Keystore, where: string, by: string | undefined): void {
  changeSession(ks, (s) => {
    requireStep(s, ['print'], 'printing');
    for (const sheet of s.sheets) sheet.printed = true;
    logStep(s, 'print', actor(s, by), `${s.sheets.length} sheets ${where}`);
    s.step = 'verify';
  });
}

/**
 * Marks sheet `index` verified when `tag` is its tag. When the last sheet is
 * verified, the ceremony is recorded (recordCeremony) in the same
 * transaction that moves the session on: nothing half-made looks complete.
 */
export function verifyStep(ks: Keystore, index: number, tag: Uint8Array, how: 'camera' | 'scan' | 'typed', by: string | undefined): { match: boolean; actualIndex: number | null } {
  const hex = Buffer.from(tag).toString('hex');
  return changeSession(ks, (s) => {
    requireStep(s, ['verify'], 'verifying a sheet');
    const sheet = s.sheets.find((x) => x.index === index);
    if (!sheet) throw new CustosError('INVALID_ARGUMENT', `this ceremony has no sheet ${index}`);
    // Each sheet must match its share before the next: held here, not only on screen, so no caller can skip one.
    const earlier = s.sheets.find((x) => x.index < index && !x.verified);
    if (earlier) throw new CustosError('SHEET_OUT_OF_ORDER', `sheet ${earlier.index} is not verified yet: each sheet must match its share before the next one (sheet ${index}) is checked`);
    if (sheet.tag !== hex) {
      const other = s.sheets.find((x) => x.tag === hex);
      return { match: false, actualIndex: other?.index ?? null };
    }
    const who = actor(s, by) ?? sheet.custodian;
    Object.assign(sheet, { verified: true, verifiedBy: who, verifiedAt: new Date().toISOString(), verifiedHow: how });
    logStep(s, 'verify', who, `sheet ${index} (${sheet.custodian ?? 'no custodian'}) read back by ${how}`);
    if (s.sheets.every((x) => x.verified)) {
      recordCeremony(ks, fullRecord(s), s.auditHead);
      s.recorded = true;
      s.step = 'backup';
    }
    return { match: true, actualIndex: null };
  });
}

export function noteBackup(ks: Keystore, files: { bundleFile: string; accessKeysFile: string }, by: string | undefined): void {
  changeSession(ks, (s) => {
    requireStep(s, ['backup', 'transcript'], 'the backup');
    s.backup = { ...files, at: new Date().toISOString() };
    logStep(s, 'backup', actor(s, by), 'bundle and access keys written to two devices');
    if (s.step === 'backup') s.step = 'transcript';
  });
}

export function noteTranscript(ks: Keystore, file: string, by: string | undefined): void {
  changeSession(ks, (s) => {
    requireStep(s, ['transcript', 'done'], 'saving the transcript');
    s.transcriptFile = file;
    logStep(s, 'transcript', actor(s, by), 'transcript saved');
    s.step = 'done';
  });
}

/** Closes a finished session: its ceremony stays recorded. */
export function finishSession(ks: Keystore): string {
  return ks.internal('write', (ctx) => {
    const s = requireSession(ctx);
    requireStep(s, ['done'], 'finishing');
    deleteSession(ctx.db);
    return s.record?.id ?? '';
  });
}

/** Deletes an unrecorded session: no ceremony record is left, and the log says it was abandoned. */
export function abandonSession(ks: Keystore): void {
  ks.internal('write', (ctx) => {
    const s = requireSession(ctx);
    if (s.recorded) throw new CustosError('INVALID_ARGUMENT', 'every sheet is verified and the ceremony is recorded: finish it; to void its sheets, rotate the master key');
    deleteSession(ctx.db);
    const step: CeremonyStep = s.step;
    ctx.audit.append({ operation: 'ceremony-abandoned', subject: { session: s.sessionId, step, identifier: s.record?.identifier ?? null, sheetsPrinted: s.sheets.filter((x) => x.printed).length } });
  });
}

