import { CustosError } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import { keyEntry } from '../audit/subjects.js';
import { validatePortableKey } from '../bundle/validate.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { publicFromSecret } from '../catalog/material.js';
import { purposeSpec } from '../catalog/purposes.js';
import type { PortableKey, PortableVersion } from '../keystore/importer.js';
import type { Keystore } from '../keystore/keystore.js';
import { materialFingerprint } from '../keystore/recordOpener.js';
import { decodePrivateContainer, decodePublicContainer } from '../themis/ecKeys.js';
import { isSealed, openKeyFile, refOf, type AcraKeyEntry, type AcraKeyFile } from './keystoreV1.js';
import { readKeystoreFolder } from './keystoreV1Folder.js';
import { isoFromGoTimestamp, type AcraFileRef } from './names.js';

/**
 * Opens every file under the Acra master key. A wrong master key opens none
 * of the sealed files (ACRA_WRONG_MASTER_KEY); a file that alone does not
 * open is named (ACRA_KEY_UNREADABLE). The caller wipes the contents.
 */
export function openAcraFiles(masterKey: Uint8Array, files: readonly AcraKeyFile[]): AcraKeyEntry[] {
  for (const file of files) refOf(file.path); // stray names first: they are no key at all
  const entries: AcraKeyEntry[] = [];
  const failures: CustosError[] = [];
  for (const file of files) {
    try {
      entries.push(openKeyFile(masterKey, file));
    } catch (error) {
      if (!(error instanceof CustosError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    for (const entry of entries) wipe(entry.content);
    const sealed = files.filter((f) => isSealed(f.path)).length;
    const sealedOpened = entries.filter((e) => isSealed(e.path)).length;
    if (sealed > 0 && sealedOpened === 0 && failures.length >= sealed) {
      throw new CustosError('ACRA_WRONG_MASTER_KEY', `none of the ${sealed} sealed key files opens under this Acra master key: it is not the one the keystore was sealed with; nothing was imported`);
    }
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more file${failures.length > 2 ? 's' : ''})` : '';
    throw new CustosError('ACRA_KEY_UNREADABLE', `${failures[0]!.message}${more}; nothing was imported`);
  }
  return entries;
}

/**
 * Reads a keystore v1 folder, then opens every file under the Acra master key
 * that `readKey` returns, and wipes that key. The folder is read first, so a
 * missing folder or a stray file is named before the key file is read, by
 * `custos acra import` and the app alike. The caller wipes the contents.
 */
export function openAcraFolder(folder: string, readKey: () => Uint8Array): AcraKeyEntry[] {
  const files = readKeystoreFolder(folder);
  const acraKey = readKey();
  try {
    return openAcraFiles(acraKey, files);
  } finally {
    wipe(acraKey);
  }
}

interface Slot {
  secret: Uint8Array | null;
  publicKey: Uint8Array | null;
}

/** One key's versions, from its entries: rotated versions by time (oldest first), then the current one. */
function portableKey(refs: Array<{ ref: AcraFileRef; content: Uint8Array }>, now: string): PortableKey {
  const first = refs[0]!.ref;
  const spec = purposeSpec(first.purpose);
  const pair = spec.algorithm !== 'sym256';
  const slots = new Map<string, Slot>();
  for (const { ref, content } of refs) {
    const at = ref.rotatedAt ?? '';
    const slot = slots.get(at) ?? { secret: null, publicKey: null };
    if (ref.kind === 'public') {
      const decoded = decodePublicContainer(content);
      if (decoded.ok) slot.publicKey = decoded.key;
    } else if (ref.kind === 'private') {
      const decoded = decodePrivateContainer(content);
      if (decoded.ok) slot.secret = decoded.key;
    } else {
      slot.secret = new Uint8Array(content);
    }
    slots.set(at, slot);
  }
  const current = slots.get('');
  if (!current) throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${first.keyName}: rotated versions under .old/ but no current key file; nothing was imported`);
  const stamps = [...slots.keys()].filter((s) => s !== '').sort();
  const versions: PortableVersion[] = [];
  const order = [...stamps, ''];
  order.forEach((stamp, index) => {
    const slot = slots.get(stamp)!;
    const where = stamp ? `${first.keyName} rotated at ${stamp}` : first.keyName;
    if (pair && slot.secret) {
      const derived = publicFromSecret('p256', slot.secret);
      if (slot.publicKey && !equalBytes(derived, slot.publicKey)) {
        throw new CustosError('ACRA_KEY_UNREADABLE', `${where}: the .pub file does not belong to the private key beside it (swapped or renamed files); nothing was imported`);
      }
      slot.publicKey = derived;
    }
    if (!slot.secret && !slot.publicKey) throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${where}: no key file; nothing was imported`);
    const algorithm = pair ? 'p256' : 'sym256';
    const at = index === 0 ? now : isoFromGoTimestamp(order[index - 1]!);
    versions.push({
      version: index + 1,
      state: stamp ? 'rotated' : 'active',
      publicKey: pair ? slot.publicKey : null,
      secret: slot.secret,
      fingerprint: materialFingerprint(algorithm, slot.secret ?? new Uint8Array(0), pair ? slot.publicKey : null),
      createdAt: at,
      changedAt: stamp ? isoFromGoTimestamp(stamp) : at,
    });
  });
  return {
    name: first.keyName,
    clientId: first.clientId,
    zoneId: first.zoneId,
    purpose: first.purpose,
    algorithm: pair ? 'p256' : 'sym256',
    currentVersion: versions.length,
    createdAt: versions[0]!.createdAt,
    versions,
  };
}

/** The Custos keys the entries of a keystore v1 make, grouped by catalogue name. */
export function portableKeysOf(entries: readonly AcraKeyEntry[], now = new Date().toISOString()): PortableKey[] {
  const groups = new Map<string, Array<{ ref: AcraFileRef; content: Uint8Array }>>();
  for (const entry of entries) {
    const ref = refOf(entry.path);
    const list = groups.get(ref.keyName) ?? [];
    list.push({ ref, content: entry.content });
    groups.set(ref.keyName, list);
  }
  return [...groups.keys()].sort().map((name) => portableKey(groups.get(name)!, now));
}

export interface AcraImportReport {
  keys: KeyInfo[];
  versions: number;
  publicOnlyVersions: number;
}

/**
 * Writes the keys of an opened keystore v1 into the vault, with their
 * fingerprints, in one transaction with its audit entry. A name that exists
 * already is KEY_EXISTS and nothing is written.
 */
export function importAcraEntries(keystore: Keystore, entries: readonly AcraKeyEntry[], source: string): AcraImportReport {
  const keys = portableKeysOf(entries);
  try {
    // The same checks a bundle's keys pass: catalogue name and owner, versions, fingerprints.
    for (const key of keys) validatePortableKey(key, true);
    return keystore.importKeys(
      (importer) => {
        const taken = keys.filter((k) => importer.presence(k.name) !== 'absent').map((k) => k.name);
        if (taken.length > 0) throw new CustosError('KEY_EXISTS', `the vault has keys named ${taken.join(', ')} already; nothing was imported`);
        for (const key of keys) importer.insert(key);
        const infos: KeyInfo[] = keys.flatMap((k) =>
          k.versions.map((v) => ({ name: k.name, clientId: k.clientId, zoneId: k.zoneId, purpose: k.purpose, algorithm: k.algorithm, version: v.version, state: v.state, fingerprint: v.fingerprint, createdAt: v.createdAt, ...(v.secret ? {} : { publicOnly: true as const }) })),
        );
        return { keys: infos, versions: infos.length, publicOnlyVersions: infos.filter((i) => i.publicOnly).length };
      },
      (report) => keyEntry('import', report.keys, { format: 'acra-keystore-v1', source }),
    );
  } finally {
    for (const key of keys) for (const v of key.versions) wipe(v.secret);
  }
}
