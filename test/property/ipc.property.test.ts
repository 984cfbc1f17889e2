/**
 * Hostile IPC payloads: whatever a compromised renderer sends on any channel,
 * main answers `{ ok: false, code, message }` with a stable code (or a
 * response inside the contract), never throws, never reports INTERNAL. The
 * handlers run for real; the worker is a stand-in that reports the vault
 * locked, so this exercises validation and everything main does before the core.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CustosError, isErrorCode } from '../../shared/errors.js';
import { CONTRACT, INVOKE_CHANNELS, type InvokeChannel } from '../../shared/ipc.js';
import { createIpc } from '../../src-main/ipc/handlers/index.js';
import type { Sender } from '../../src-main/ipc/origin.js';
import { fileSettings } from '../../src-main/ipc/settings.js';
import { vaultRegistry } from '../../src-main/ipc/vaults.js';
import type { CoreClient } from '../../src-main/ipc/worker/coreClient.js';
import { counted, runs, scratchDir, timeoutFor } from './runs.js';

const ORIGIN = 'custos://app';
const APP: Sender = { url: `${ORIGIN}/index.html#/keys`, isMainFrame: true };
const FRAME: Sender = { url: 'https://evil.example/', isMainFrame: false };

function handlers() {
  const dir = scratchDir('custos-prop-ipc-');
  const locked = () => Promise.reject(new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first'));
  const core = { call: (op: string) => (op === 'status' ? Promise.resolve(null) : locked()), cancel: () => false, close: () => Promise.resolve() } as unknown as CoreClient;
  const refuse = () => Promise.reject(new CustosError('PRINT_FAILED', 'no printer here'));
  return createIpc({
    core,
    appOrigin: ORIGIN,
    vaults: vaultRegistry(join(dir, 'vaults')),
    settings: fileSettings(join(dir, 'settings.json')),
    network: () => ({ airGapped: true, interfaces: [] }),
    chooseFile: async () => null,
    chooseFolder: async () => null,
    chooseSaveFile: async () => null,
    printer: { printSheets: refuse, printPdf: refuse } as never,
    setCamera: () => undefined,
    cupsServerRoot: null,
    writeClipboard: () => undefined,
    emit: () => undefined,
    confirmApproval: async () => false,
  }).handlers;
}

/** The field names a channel's request has (from its JSON schema), so generated objects get past the first check. */
function fieldNames(channel: InvokeChannel): string[] {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const props = (node as { properties?: Record<string, unknown> }).properties;
    if (props) for (const [k, v] of Object.entries(props)) {
      names.add(k);
      walk(v);
    }
    for (const v of Object.values(node)) if (typeof v === 'object') walk(v);
  };
  try {
    walk(z.toJSONSchema(CONTRACT[channel].request, { unrepresentable: 'any' }));
  } catch {
    // A schema JSON Schema cannot express: arbitrary values still go through.
  }
  return [...names];
}

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '\u0000', 'a'.repeat(5000), 'rotate', 'abandon', 'passphrase', 'pkcs11', 'vault-transit', 'paper', 'client', 'zone', 'global', 'drop', 'rewrap', 'json', 'pdf'),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -0, 2 ** 53, -1, 0, 1),
);

function payloadFor(channel: InvokeChannel): fc.Arbitrary<unknown> {
  const keys = fieldNames(channel);
  const shaped = keys.length ? fc.dictionary(fc.constantFrom(...keys), fc.oneof(value, fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 })), { maxKeys: keys.length }) : fc.constant({});
  return fc.oneof(shaped, fc.anything({ maxDepth: 2 }));
}

describe('IPC handlers on hostile payloads', () => {
  it('every channel: a typed refusal or a response in the contract, never a throw or INTERNAL; other frames are refused', async () => {
    const table = handlers();
    const perChannel = Math.max(5, Math.ceil(runs(1500) / INVOKE_CHANNELS.length));
    for (const channel of INVOKE_CHANNELS) {
      await fc.assert(
        fc.asyncProperty(payloadFor(channel), async (payload) => {
          const result = await table[channel](payload, APP);
          if (!result.ok) {
            expect(isErrorCode(result.code), `${channel}: ${result.code}`).toBe(true);
            expect(result.code, `${channel}: ${result.message}`).not.toBe('INTERNAL');
          } else {
            expect(CONTRACT[channel].response.safeParse(result.value).success).toBe(true);
          }
          expect(await table[channel](payload, FRAME)).toMatchObject({ ok: false, code: 'FORBIDDEN_SENDER' });
        }),
        { numRuns: counted(perChannel) },
      );
    }
  }, timeoutFor(60_000));
});
