import type { KeyInfo } from '../../../../shared/keys.js';
import { table } from '../../output.js';

/**
 * What `custos acra import`, `acra pull` and `acra bundle import` print
 * without --json: their one-line summary, then a table of every key version
 * brought in (names, states and fingerprints, never material), alike for the
 * three sources.
 */
export function importedKeysText(summary: string, keys: readonly KeyInfo[]): string {
  return [
    summary,
    table(
      ['NAME', 'PURPOSE', 'ALGORITHM', 'VERSION', 'STATE', 'FINGERPRINT'],
      keys.map((k) => [k.name, k.purpose, k.algorithm, String(k.version), k.state, k.fingerprint]),
    ),
  ].join('\n');
}
