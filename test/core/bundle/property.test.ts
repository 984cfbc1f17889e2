import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustosError, type ErrorCode } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import { HEADER_BYTES } from '../../../src-main/core/bundle/header.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { chunkSpans, swapChunks } from './craft.js';
import { exportFrom, fileState, importInto, listAll, sourceVault, withOpen } from './helpers.js';

/** Every way a damaged bundle or access-keys file may be refused. Anything else (a raw exception) fails the property. */
const TYPED: readonly ErrorCode[] = ['BUNDLE_TAMPERED', 'BUNDLE_TRUNCATED', 'BUNDLE_MALFORMED', 'BUNDLE_VERSION', 'ACCESS_KEYS_MISMATCH', 'ACCESS_KEYS_MALFORMED'];

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'swap'; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  // The header is small but holds most of the fields: flip there more often than chance would.
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: HEADER_BYTES - 1 }), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
);

function apply(m: Mutation, bytes: Buffer): Buffer {
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      const at = m.at % copy.length;
      copy[at] = (copy[at] ?? 0) ^ m.mask;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, m.length % bytes.length);
    case 'insert': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    }
    case 'swap': {
      const n = chunkSpans(bytes).length;
      const a = m.a % n;
      const b = m.b % n === a ? (a + 1) % n : m.b % n;
      return Buffer.from(swapChunks(bytes, a, b));
    }
  }
}

/** Imports; returns the error code, or null after checking the import equals `expected`. Never lets a raw exception through. */
async function attempt(target: TestVault, bundle: string, accessKeys: string, expected: KeyInfo[]): Promise<ErrorCode | null> {
  try {
    await importInto(target, bundle, accessKeys);
  } catch (error) {
    if (!(error instanceof CustosError)) throw new Error(`untyped failure: ${String(error)}`, { cause: error });
    return error.code;
  }
  expect(await listAll(target)).toEqual(expected);
  return null;
}

describe('property: a mutated bundle is refused with a typed error and the target is left as it was', () => {
  it('flipped bytes, truncation, inserted bytes and swapped chunks', async () => {
    const exported = await exportFrom(await sourceVault(), { chunkBytes: 1024 });
    const bytes = readFileSync(exported.bundle);
    expect(chunkSpans(bytes).length).toBeGreaterThan(3);
    const target = await makeVault();
    await withOpen(target, (ks) => ks.generate([{ scope: 'global' }]));
    const before = fileState(target.path);
    const path = join(exported.dir, 'mutated.bundle');
    const seen = new Set<ErrorCode>();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        writeFileSync(path, apply(m, bytes));
        // Every byte of a bundle is authenticated, so no mutation may import.
        const code = await attempt(target, path, exported.accessKeys, []);
        expect(code).not.toBeNull();
        expect(TYPED).toContain(code);
        seen.add(code!);
        expect(fileState(target.path)).toEqual(before);
      }),
      { numRuns: 200 },
    );
    // The runs reached more than one kind of check.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });
});

describe('property: a mutated access-keys file is refused, or (when only unauthenticated text changed) imports the same keys', () => {
  it('whitespace anywhere, and any character changed', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source, { selection: { clientIds: ['beta-svc'], names: [] } });
    const expected = (await listAll(source)).filter((k) => k.clientId === 'beta-svc');
    const text = readFileSync(exported.accessKeys, 'utf8');
    const path = join(exported.dir, 'mutated.access.json');
    let target = await makeVault();
    let before = fileState(target.path);
    let imported = 0;
    const edit = fc.oneof(
      fc.record({ at: fc.nat(), insert: fc.constantFrom(' ', '\n', '\t', '\r\n'), replace: fc.constant(false) }),
      fc.record({ at: fc.nat(), insert: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), replace: fc.constant(true) }),
    );
    await fc.assert(
      fc.asyncProperty(edit, async ({ at, insert, replace }) => {
        const i = at % text.length;
        writeFileSync(path, text.slice(0, i) + insert + text.slice(replace ? i + 1 : i));
        const code = await attempt(target, exported.bundle, path, expected);
        if (code === null) {
          imported++;
          target = await makeVault();
          before = fileState(target.path);
        } else {
          expect(TYPED).toContain(code);
          expect(fileState(target.path)).toEqual(before);
        }
      }),
      { numRuns: 120 },
    );
    expect(imported).toBeGreaterThan(0);
  });
});
