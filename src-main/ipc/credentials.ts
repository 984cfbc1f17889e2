import { readFileSync, statSync } from 'node:fs';
import { CustosError } from '../../shared/errors.js';
import type { MethodCredentialsInput } from '../../shared/ipc.js';
import type { MethodCredentials, VaultAccess } from '../core/keystore/methods/kinds.js';
import type { IpcContext } from './context.js';

const MAX_CA_BYTES = 256 * 1024;

/** The CA PEM for Vault's certificate, from a file chosen in main's own dialog (the renderer never names a path). */
export async function chooseCaPem(ctx: Pick<IpcContext, 'chooseFile'>): Promise<string> {
  const path = await ctx.chooseFile('vault-ca');
  if (path === null) throw new CustosError('CANCELLED', "no CA file was chosen; Vault's certificate cannot be checked without it");
  let pem: string;
  try {
    if (statSync(path).size > MAX_CA_BYTES) throw new CustosError('INVALID_ARGUMENT', 'the chosen CA file is larger than a certificate bundle can be');
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CustosError) throw error;
    throw new CustosError('INVALID_ARGUMENT', 'the chosen CA file could not be read');
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CustosError('INVALID_ARGUMENT', 'the chosen CA file holds no PEM certificate');
  return pem;
}

/** What the renderer typed for one method, as the core takes it. Only Vault's CA needs main's help. */
export async function coreCredentials(input: MethodCredentialsInput, ctx: Pick<IpcContext, 'chooseFile' | 'testKnobs'>): Promise<MethodCredentials> {
  switch (input.kind) {
    case 'passphrase':
    case 'pkcs11':
      return input;
    case 'vault-transit':
    case 'vault-kv': {
      const { auth, privateCa, allowPlainHttp } = input.vault;
      // The token would cross the network in clear text: the app refuses, whatever the renderer asks (only the test harness may allow it).
      if (allowPlainHttp && ctx.testKnobs?.plainHttpVault !== true) throw new CustosError('INVALID_ARGUMENT', "the app never sends a Vault token over plain http://; use https:// (the CLI's --vault-allow-plain-http is for a development server)");
      const vault: VaultAccess = { auth, ...(privateCa ? { caPem: await chooseCaPem(ctx) } : {}), ...(allowPlainHttp ? { allowPlainHttp: true } : {}) };
      return { kind: input.kind, vault };
    }
    case 'paper':
      return { kind: 'paper', shares: input.shares.map((text, i) => ({ source: `share ${i + 1}`, text })), passphrase: input.passphrase };
  }
}
