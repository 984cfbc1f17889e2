import { randomInt } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CustosError } from '../../../shared/errors.js';
import { equalBytes, toHex, utf8Bytes, wipe } from '../crypto/bytes.js';
import { groupHex } from './sheet/html.js';
import { combineMnemonics, decodeMnemonic, recoverEncryptedSecret, splitSecret, type EncryptedSecret, type GroupSpec } from './slip39/index.js';
import { normalizeMnemonic } from './mnemonic.js';
import { choose } from './slip39/surplus.js';
import { masterKeyCheck } from '../masterkey/subkeys.js';
import { printableName } from '../text/printable.js';

/** One printed share, as the keystore remembers it: never the words, only a keyed tag of them. */
export interface CeremonyShare {
  groupIndex: number;
  memberIndex: number;
  custodian: string | null;
  tag: Uint8Array;
}

/**
 * How a ceremony's share tags are keyed (docs/formats/paper.md): 1, the
 * master key salted with the keystore id that recorded it (`tagSalt`); 2, the
 * master key alone, so any host that holds it can check a sheet.
 */
export type TagScheme = 1 | 2;

export interface CeremonyRecord {
  /**
   * What sheets print as "Ceremony": the SLIP-0039 identifier in decimal
   * ("654"); ceremonies recorded before schema 7 keep the random id their
   * sheets printed ("0635-d5ae-…").
   */
  id: string;
  createdAt: string;
  identifier: number;
  groupThreshold: number;
  groups: GroupSpec[];
  iterationExponent: number;
  extendable: boolean;
  passphraseUsed: boolean;
  /** The vault fingerprint its sheets printed (of the master key at the time; an older scheme for old ceremonies). */
  vaultFingerprint: string;
  /** masterKeyCheck() of the key that was split; printed on every sheet. */
  masterKeyCheck: string;
  tagScheme: TagScheme;
  /** Scheme 1: the keystore id the tags were keyed with; null for scheme 2. */
  tagSalt: Uint8Array | null;
  /** null when made here; else the bundle it came in ("bundle <pair fingerprint>"). */
  importedFrom: string | null;
  shares: CeremonyShare[];
}

export interface SplitRequest {
  groupThreshold: number;
  groups: GroupSpec[];
  /** Custodian names in sheet order (group by group); fewer than the shares is fine. */
  custodians: string[];
  passphrase?: string | undefined;
  iterationExponent?: number | undefined;
  now?: Date;
  /** Identifiers this vault has recorded already: a new ceremony never reuses one, so its id names it alone. */
  usedIdentifiers?: ReadonlySet<number> | undefined;
}

export interface SplitOutcome {
  record: CeremonyRecord;
  /** Mnemonics per group, in the same order as record.shares when flattened. */
  mnemonics: string[][];
  subsetsChecked: number;
}

/** The longest custodian name a sheet prints (the app's contract takes the same). */
export const MAX_CUSTODIAN_NAME = 100;

/** A custodian's name as the sheet, the keystore, bundles and the audit log keep it: trimmed, printable, 1 to 100 characters. */
export function validCustodianName(name: string): string {
  return printableName(name, MAX_CUSTODIAN_NAME, 'a custodian name');
}

/**
 * The tag that lets the keystore recognise a sheet it printed: HMAC-SHA256
 * of the normalised mnemonic under a key derived from the master key. Without
 * the master key no one can compute a tag, so a forged share (or a row
 * inserted into the keystore) is never recognised as genuine.
 */
export function shareTag(tagKey: Uint8Array, mnemonic: string, scheme: TagScheme = 2): Uint8Array {
  return hmac(sha256, tagKey, utf8Bytes(`custos/paper/share-tag/v${scheme}\0${normalizeMnemonic(mnemonic)}`));
}

/** A 15-bit SLIP-0039 identifier this vault has not recorded yet. */
export function freshIdentifier(used: ReadonlySet<number> = new Set()): number {
  if (used.size >= 0x8000) throw new CustosError('INVALID_ARGUMENT', 'this vault has recorded every SLIP-0039 identifier; no new ceremony can be told apart');
  for (;;) {
    const candidate = randomInt(0x8000);
    if (!used.has(candidate)) return candidate;
  }
}

/** The short sheet fingerprint printed in each header: the first 8 bytes of its tag. */
export function sheetFingerprint(tag: Uint8Array): string {
  return groupHex(toHex(tag.subarray(0, 8)));
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** How many minimal quorums `quorums` yields, for a progress bar. */
export function countQuorums(groups: readonly GroupSpec[], groupThreshold: number): number {
  let total = 0;
  for (const chosen of choose(groups, groupThreshold)) total += chosen.reduce((n, g) => n * binomial(g.count, g.threshold), 1);
  return total;
}

/** Every minimal quorum: each choice of `groupThreshold` groups, times each choice of members in them. */
export function* quorums(mnemonics: readonly string[][], groupThreshold: number, groups: readonly GroupSpec[]): Generator<string[]> {
  const indices = mnemonics.map((_, i) => i);
  for (const chosenGroups of choose(indices, groupThreshold)) {
    const perGroup = chosenGroups.map((g) => [...choose(mnemonics[g] ?? [], groups[g]?.threshold ?? 1)]);
    const product = (i: number, acc: string[]): Generator<string[]> =>
      (function* () {
        if (i === perGroup.length) {
          yield acc;
          return;
        }
        for (const members of perGroup[i] ?? []) yield* product(i + 1, [...acc, ...members]);
      })();
    yield* product(0, []);
  }
}

/**
 * Splits the master key under a fresh identifier (`tagKey` is the scheme-2
 * key, `paperTagKeyV2`), then combines every minimal quorum in memory and
 * requires each to give the master key back before anything is reported or
 * printed. The words never reach the keystore: only their tags do.
 */
/**
 * Every minimal quorum must give the master key back. The first is combined
 * and decrypted in full; each other one must recover the very same encrypted
 * master secret with the same parameters, which decrypts to the same key
 * (SLIP-0039's decryption is deterministic), so the PBKDF2 rounds run once
 * instead of once per quorum.
 */
function checkEveryQuorum(mnemonics: readonly string[][], masterKey: Uint8Array, passphrase: string, request: SplitRequest, onProgress?: (done: number) => void): number {
  const fail = () => new CustosError('INTERNAL', 'a quorum of the new shares did not give back the master key; nothing was printed');
  let reference: EncryptedSecret | null = null;
  let checked = 0;
  try {
    for (const quorum of quorums(mnemonics, request.groupThreshold, request.groups)) {
      const found = recoverEncryptedSecret(quorum);
      if (reference === null) {
        reference = found;
        const recovered = combineMnemonics(quorum, passphrase);
        const ok = equalBytes(recovered, masterKey);
        wipe(recovered);
        if (!ok) throw fail();
      } else {
        const same = equalBytes(found.encrypted, reference.encrypted) && found.identifier === reference.identifier && found.extendable === reference.extendable && found.iterationExponent === reference.iterationExponent;
        wipe(found.encrypted);
        if (!same) throw fail();
      }
      checked++;
      onProgress?.(checked);
    }
  } finally {
    if (reference) wipe(reference.encrypted);
  }
  return checked;
}

export function splitMasterKey(masterKey: Uint8Array, tagKey: Uint8Array, vaultFingerprint: string, request: SplitRequest, onProgress?: (done: number) => void): SplitOutcome {
  const passphrase = request.passphrase ?? '';
  const mnemonics = splitSecret({
    secret: masterKey,
    groupThreshold: request.groupThreshold,
    groups: request.groups,
    passphrase,
    identifier: freshIdentifier(request.usedIdentifiers),
    ...(request.iterationExponent === undefined ? {} : { iterationExponent: request.iterationExponent }),
  });
  const checked = checkEveryQuorum(mnemonics, masterKey, passphrase, request, onProgress);
  const first = decodeMnemonic(mnemonics[0]?.[0] ?? '');
  wipe(first.value);
  const custodians = request.custodians.map(validCustodianName);
  const shares: CeremonyShare[] = mnemonics.flatMap((group, groupIndex) =>
    group.map((mnemonic, memberIndex) => ({ groupIndex, memberIndex, custodian: custodians.shift() ?? null, tag: shareTag(tagKey, mnemonic, 2) })),
  );
  return {
    record: {
      id: String(first.identifier),
      createdAt: (request.now ?? new Date()).toISOString(),
      identifier: first.identifier,
      groupThreshold: request.groupThreshold,
      groups: request.groups.map((g) => ({ threshold: g.threshold, count: g.count })),
      iterationExponent: first.iterationExponent,
      extendable: first.extendable,
      passphraseUsed: passphrase.length > 0,
      vaultFingerprint,
      masterKeyCheck: masterKeyCheck(masterKey),
      tagScheme: 2,
      tagSalt: null,
      importedFrom: null,
      shares,
    },
    mnemonics,
    subsetsChecked: checked,
  };
}
