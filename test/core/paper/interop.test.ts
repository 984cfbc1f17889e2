import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineMnemonics, splitSecret } from '../../../src-main/core/paper/slip39/index.js';

/**
 * Interoperability with an independent SLIP-0039 implementation from npm
 * (ilap/slip39-js, a real implementation, not a test double): shares made by
 * Custos combine there, and shares made there combine here.
 */
interface Slip39Js {
  fromArray(secret: number[], options: { passphrase?: string; threshold: number; groups: Array<[number, number, string]>; iterationExponent?: number; extendableBackupFlag?: number }): {
    fromPath(path: string): { mnemonics: string[] };
  };
  recoverSecret(mnemonics: string[], passphrase?: string): number[];
}
const slip39js = createRequire(import.meta.url)('slip39') as Slip39Js;
const hex = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('hex');

describe('SLIP-0039 interoperability with slip39-js', () => {
  for (const extendable of [true, false]) {
    it(`Custos shares (extendable=${extendable}, two groups, passphrase) recover in slip39-js`, () => {
      const secret = new Uint8Array(randomBytes(32));
      const groups = splitSecret({ secret, groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }, { threshold: 3, count: 5 }], passphrase: 'TREZOR', iterationExponent: 0, extendable });
      const quorum = [...(groups[0] ?? []).slice(1, 3), ...(groups[2] ?? []).slice(0, 3)];
      expect(hex(slip39js.recoverSecret(quorum, 'TREZOR'))).toBe(hex(secret));
      expect(hex(slip39js.recoverSecret(quorum, 'other'))).not.toBe(hex(secret));
    });

    it(`slip39-js shares (extendable=${extendable}) combine in Custos`, () => {
      const secret = [...randomBytes(16)];
      const made = slip39js.fromArray(secret, { passphrase: 'pw', threshold: 1, groups: [[3, 5, 'custodians']], iterationExponent: 1, extendableBackupFlag: extendable ? 1 : 0 });
      const mnemonics = made.fromPath('r/0').mnemonics;
      expect(mnemonics).toHaveLength(5);
      expect(hex(combineMnemonics([mnemonics[4] ?? '', mnemonics[0] ?? '', mnemonics[2] ?? ''], 'pw'))).toBe(hex(secret));
    });
  }
});
