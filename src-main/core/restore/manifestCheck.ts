/**
 * A restored vault against the bundle's manifest: every key there, with the
 * same versions, states and fingerprints. Names, states and fingerprints
 * only: nothing secret is read.
 */
import type { ManifestEntry } from '../bundle/inspect.js';
import type { Keystore } from '../keystore/keystore.js';

export interface KeyRow {
  name: string;
  versions: number;
  state: string;
  fingerprint: string;
  equal: boolean;
  problem: string | null;
}

export interface ManifestComparison {
  keys: number;
  versions: number;
  equal: number;
  different: number;
  /** The keys that differ first, then the others, at most `maxRows`. */
  rows: KeyRow[];
}

function problemOf(entry: ManifestEntry, held: Map<string, { state: string; fingerprint: string }>, names: Set<string>): string | null {
  if (!names.has(entry.name)) return 'missing from the restored vault';
  for (const v of entry.versions) {
    const got = held.get(`${entry.name}#${v.version}`);
    if (!got) return `version ${v.version} is missing`;
    if (got.state !== v.state) return `version ${v.version} is ${got.state}, the bundle says ${v.state}`;
    if (got.fingerprint !== v.fingerprint) return `version ${v.version} has another fingerprint`;
  }
  return null;
}

export function compareWithManifest(keystore: Keystore, manifest: readonly ManifestEntry[], maxRows: number): ManifestComparison {
  const held = new Map<string, { state: string; fingerprint: string }>();
  const names = new Set<string>();
  for (const k of keystore.list({ allVersions: true })) {
    held.set(`${k.name}#${k.version}`, { state: k.state, fingerprint: k.fingerprint });
    names.add(k.name);
  }
  const good: KeyRow[] = [];
  const bad: KeyRow[] = [];
  let versions = 0;
  for (const entry of manifest) {
    versions += entry.versions.length;
    const current = entry.versions.find((v) => v.version === entry.currentVersion) ?? entry.versions.at(-1);
    const problem = problemOf(entry, held, names);
    const row = { name: entry.name, versions: entry.versions.length, state: current?.state ?? 'none', fingerprint: current?.fingerprint ?? '', equal: problem === null, problem };
    (problem === null ? good : bad).push(row);
  }
  return { keys: manifest.length, versions, equal: good.length, different: bad.length, rows: [...bad, ...good].slice(0, maxRows) };
}
