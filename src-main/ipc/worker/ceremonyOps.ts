/**
 * The ceremony wizard in the worker, which holds the master key. The share
 * words exist only here, in memory, from the split until the sheets are
 * printed (or the vault is locked, or the worker stops): the keystore keeps
 * their keyed tags, and main receives them only as sheet HTML to print.
 */
import { CustosError } from '../../../shared/errors.js';
import type { CeremonyState } from '../../../shared/ipcCeremony.js';
import type { NetworkStatus } from '../../../shared/ipc.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { paperTagKeyV2 } from '../../core/masterkey/subkeys.js';
import { countQuorums, shareTag } from '../../core/paper/ceremony.js';
import { splitVault } from '../../core/paper/paperVault.js';
import type { PaperSize } from '../../core/paper/sheet/style.js';
import { renderSheetHtml, type SheetData } from '../../core/paper/sheet/template.js';
import { transcriptHtml } from '../../core/ceremony/transcript.js';
import { adoptSplit, abandonSession, airGapStep, beginSession, currentSession, finishSession, keysStep, markPrinted, noteBackup, noteTranscript, rolesStep, stateOf, verifyStep } from '../../core/ceremony/wizard.js';
import { checkAssignment } from '../../core/ceremony/rules.js';
import type { CeremonySession } from '../../core/ceremony/session.js';
import { exportBundle } from '../../core/bundle/export.js';
import type { Report } from './coreOps.js';

type By = { by?: string | undefined };

export interface SheetPreview {
  vaultName: string;
  vaultFingerprint: string;
  ceremonyId: string;
  createdAt: string;
  auditHead: string | null;
  passphraseUsed: boolean;
  groupThreshold: number;
  wordsPerSheet: number;
  sheets: Array<{ index: number; group: number; groupCount: number; member: number; memberCount: number; memberThreshold: number; custodian: string | null; sheetFingerprint: string }>;
}

export interface CeremonyOps {
  ceremonyState: { args: Record<string, never>; result: CeremonyState | null };
  /** `draft`: the session main ran before this vault existed (air gap, roles), adopted into it. */
  ceremonyBegin: { args: { network: NetworkStatus; draft?: CeremonySession | undefined }; result: CeremonyState };
  ceremonyAirGap: { args: { network: NetworkStatus; override?: string | undefined } & By; result: CeremonyState };
  ceremonyRoles: { args: { operator: string; witnesses: string[]; custodians: string[] }; result: CeremonyState };
  ceremonyKeys: { args: { clientIds: string[]; zoneIds: string[] } & By; result: { state: CeremonyState; created: string[] } };
  ceremonyQuorum: { args: { groupThreshold: number; groups: Array<{ threshold: number; count: number }>; custodians: string[]; passphrase?: string | undefined } & By; result: CeremonyState };
  ceremonyPreview: { args: Record<string, never>; result: SheetPreview };
  /** The sheets as HTML, for main to print: the only way the words leave the worker. */
  ceremonySheets: { args: { paperSize: PaperSize }; result: { htmls: string[]; keystorePath: string } };
  ceremonyPrinted: { args: { where: string } & By; result: CeremonyState };
  ceremonyVerify: { args: { index: number; words: string; how: 'camera' | 'scan' | 'typed' } & By; result: { match: boolean; actualIndex: number | null; state: CeremonyState } };
  ceremonyBackup: { args: { bundleFile: string; accessKeysFile: string } & By; result: CeremonyState };
  ceremonyTranscriptHtml: { args: Record<string, never>; result: string };
  ceremonyTranscriptSaved: { args: { file: string } & By; result: CeremonyState };
  ceremonyFinish: { args: Record<string, never>; result: string };
  ceremonyAbandon: { args: Record<string, never>; result: null };
}

type Impl = { [K in keyof CeremonyOps]: (args: CeremonyOps[K]['args']) => Promise<CeremonyOps[K]['result']> | CeremonyOps[K]['result'] };

export function ceremonyOps(unlocked: () => Keystore, report: Report): { ops: Impl; forget: () => void } {
  /** The words of the current split, until printed. */
  let held: { sessionId: string; identifier: number; sheets: SheetData[] } | null = null;

  const holding = (ks: Keystore): SheetData[] | null => {
    const s = currentSession(ks);
    return held && s && s.record && held.sessionId === s.sessionId && held.identifier === s.record.identifier ? held.sheets : null;
  };
  const state = (ks: Keystore): CeremonyState => {
    const st = stateOf(ks, holding(ks) !== null);
    if (!st) throw new CustosError('INVALID_ARGUMENT', 'no ceremony is under way: begin one first');
    return st;
  };
  const forget = (): void => {
    held = null;
  };

  const ops: Impl = {
    ceremonyState: () => stateOf(unlocked(), holding(unlocked()) !== null),
    ceremonyBegin: ({ network, draft }) => (beginSession(unlocked(), network, draft), state(unlocked())),
    ceremonyAirGap: ({ network, override, by }) => (airGapStep(unlocked(), network, override, by), state(unlocked())),
    ceremonyRoles: (roles) => (rolesStep(unlocked(), roles), state(unlocked())),
    ceremonyKeys: ({ clientIds, zoneIds, by }) => {
      const ks = unlocked();
      const created = keysStep(ks, { clientIds, zoneIds, by }, (done, total) => report('generate', `Generating the catalogue: ${done} of ${total} ids`, done, total));
      return { state: state(ks), created };
    },

    async ceremonyQuorum({ groupThreshold, groups, custodians, passphrase, by }) {
      const ks = unlocked();
      const s = currentSession(ks);
      if (!s) throw new CustosError('INVALID_ARGUMENT', 'no ceremony is under way: begin one first');
      if (groupThreshold > groups.length) throw new CustosError('INVALID_ARGUMENT', `${groupThreshold} groups needed but only ${groups.length} defined`);
      if (groups.some((g) => g.threshold > g.count)) throw new CustosError('INVALID_ARGUMENT', 'a group cannot need more shares than it has');
      checkAssignment(s, custodians, groups.reduce((n, g) => n + g.count, 0));
      const total = countQuorums(groups, groupThreshold);
      forget();
      report('split', 'Splitting the master key and checking every quorum', 0, total);
      const split = await splitVault(ks, { groupThreshold, groups, custodians, passphrase: passphrase || undefined }, (done) => report('split', 'Checking every quorum restores the master key', done, total));
      adoptSplit(ks, split, { groupThreshold, groups, custodians, passphraseUsed: Boolean(passphrase) }, by);
      held = { sessionId: s.sessionId, identifier: split.record.identifier, sheets: split.sheets };
      return state(ks);
    },

    ceremonyPreview: () => {
      const ks = unlocked();
      const s = currentSession(ks);
      if (!s?.record) throw new CustosError('INVALID_ARGUMENT', 'the master key is not split yet: set the quorum first');
      const record = s.record;
      const words = holding(ks)?.[0]?.mnemonic.trim().split(/\s+/).length ?? 33;
      return {
        vaultName: ks.vaultName() ?? '',
        vaultFingerprint: record.vaultFingerprint,
        ceremonyId: record.id,
        createdAt: record.createdAt,
        auditHead: s.auditHead,
        passphraseUsed: record.passphraseUsed,
        groupThreshold: record.groupThreshold,
        wordsPerSheet: words,
        sheets: s.sheets.map((x) => {
          const g = record.groups[x.group - 1] ?? { threshold: 1, count: 1 };
          return { index: x.index, group: x.group, groupCount: record.groups.length, member: x.member, memberCount: g.count, memberThreshold: g.threshold, custodian: x.custodian, sheetFingerprint: x.sheetFingerprint };
        }),
      };
    },

    ceremonySheets: ({ paperSize }) => {
      const ks = unlocked();
      const sheets = holding(ks);
      if (!sheets) throw new CustosError('INVALID_ARGUMENT', 'the share words are gone (the vault was locked or the app restarted since the split): set the quorum again to split anew');
      return { htmls: sheets.map((sheet) => renderSheetHtml(sheet, paperSize)), keystorePath: ks.path };
    },
    ceremonyPrinted: ({ where, by }) => {
      const ks = unlocked();
      markPrinted(ks, where, by);
      forget();
      return state(ks);
    },

    ceremonyVerify: ({ index, words, how, by }) => {
      const ks = unlocked();
      const tag = ks.internal('read', (ctx) => {
        const key = paperTagKeyV2(ctx.masterKey);
        try {
          return shareTag(key, words, 2);
        } finally {
          wipe(key);
        }
      });
      const verdict = verifyStep(ks, index, tag, how, by);
      return { ...verdict, state: state(ks) };
    },

    async ceremonyBackup({ bundleFile, accessKeysFile, by }) {
      const ks = unlocked();
      const s = currentSession(ks);
      if (!s?.recorded) throw new CustosError('INVALID_ARGUMENT', 'the backup comes after every sheet is verified');
      await exportBundle(ks, { bundlePath: bundleFile, accessKeysPath: accessKeysFile, selection: { all: true }, privateKeys: true, onProgress: (done, total) => report('backup', 'Writing the backup bundle', done, total) });
      noteBackup(ks, { bundleFile, accessKeysFile }, by);
      return state(ks);
    },
    ceremonyTranscriptHtml: () => {
      const ks = unlocked();
      const s = currentSession(ks);
      if (!s?.recorded) throw new CustosError('INVALID_ARGUMENT', 'the transcript comes after every sheet is verified');
      return transcriptHtml(ks, s);
    },
    ceremonyTranscriptSaved: ({ file, by }) => (noteTranscript(unlocked(), file, by), state(unlocked())),
    ceremonyFinish: () => finishSession(unlocked()),
    ceremonyAbandon: () => {
      abandonSession(unlocked());
      forget();
      return null;
    },
  };
  return { ops, forget };
}
