/**
 * The Backups screen's Redis, acra-keys bundle and Vault channels
 * (docs/app.md, "Backups: Acra"). Main chooses every file in its own
 * dialogs and asks the person to approve a Vault address before anything is
 * sent to it; the worker (acraRedisOps.ts, acraBundleOps.ts, acraVaultOps.ts)
 * reads and writes the key files, so their bytes never come here.
 */
import { join, resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import type { RedisTargetInput } from '../../../shared/ipcAcraRemote.js';
import { isApproved, notApproved, vaultOrigin, vaultTarget } from '../../core/config/approvals.js';
import type { IpcContext } from '../context.js';
import { chooseCaPem } from '../credentials.js';
import { handle, type Handler } from '../handle.js';
import type { RedisTarget } from '../worker/acraRedisOps.js';

const cancelled = (what: string) => new CustosError('CANCELLED', `no ${what} was chosen; nothing was read, sent or written`);

/** `20261127-1203` in UTC, as acra.ts names a new key. */
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export function acraRemoteHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  const opened = async (): Promise<void> => {
    if (!(await core.call('status', {}))) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
  };
  const chooseFile = async (purpose: Parameters<IpcContext['chooseFile']>[0], what: string): Promise<string> => {
    const path = await ctx.chooseFile(purpose);
    if (path === null) throw cancelled(what);
    return resolve(path);
  };

  /** The TLS files the person asked for, each from main's own dialog: the renderer only says which ones there are. */
  const redisTarget = async ({ tls, ...rest }: RedisTargetInput): Promise<RedisTarget> => {
    if (!tls) return { ...rest, tls: null };
    const caFile = tls.ca ? await chooseFile('redis-ca', "CA file for Redis's certificate") : undefined;
    const certFile = tls.clientCert ? await chooseFile('redis-client-cert', 'client certificate for Redis') : undefined;
    const keyFile = tls.clientCert ? await chooseFile('redis-client-key', "client certificate's key for Redis") : undefined;
    return { ...rest, tls: { caFile, certFile, keyFile, sni: tls.sni } };
  };

  return {
    'acra:redisPush': handle('acra:redisPush', appOrigin, async ({ redis, selection, masterKey, replace }) => {
      await opened();
      const target = await redisTarget(redis);
      if (masterKey === 'file') return core.call('acraRedisPush', { redis: target, selection, replace, keyFile: await chooseFile('acra-master-key', 'Acra master key file') });
      const keyDir = await ctx.chooseFolder('acra-master-key-out');
      if (keyDir === null) throw cancelled('folder for the new Acra master key');
      return core.call('acraRedisPush', { redis: target, selection, replace, newKeyFile: join(resolve(keyDir), `acra-master-key-${stamp(new Date())}.b64`) });
    }),

    'acra:redisPull': handle('acra:redisPull', appOrigin, async ({ redis }) => {
      await opened();
      const target = await redisTarget(redis);
      return core.call('acraRedisPull', { redis: target, keyFile: await chooseFile('acra-master-key', 'Acra master key file') });
    }),

    'acra:bundleExport': handle('acra:bundleExport', appOrigin, async ({ selection, replace }) => {
      await opened();
      const bundle = await ctx.chooseSaveFile('acra-bundle-out', 'keys.bundle');
      if (bundle === null) throw cancelled('file for the acra-keys bundle');
      const secret = await ctx.chooseSaveFile('acra-bundle-secret-out', 'keys.secret');
      if (secret === null) throw cancelled("file for the bundle's secret");
      return core.call('acraBundleExport', { selection, bundle: resolve(bundle), secret: resolve(secret), replace });
    }),

    'acra:bundleImport': handle('acra:bundleImport', appOrigin, async () => {
      await opened();
      const bundle = await chooseFile('acra-bundle', 'acra-keys bundle');
      const secret = await chooseFile('acra-bundle-secret', "bundle's secret");
      return core.call('acraBundleImport', { bundle, secret });
    }),

    'acra:vaultPublish': handle('acra:vaultPublish', appOrigin, async ({ vaultAddr, path, auth, privateCa, replace }) => {
      const endpoint = vaultOrigin(vaultAddr);
      const allowPlainHttp = endpoint.startsWith('http:');
      // The token and the key would cross the network in clear text: the app refuses, whatever the renderer asks (only the test harness may allow it).
      if (allowPlainHttp && ctx.testKnobs?.plainHttpVault !== true) {
        throw new CustosError('INVALID_ARGUMENT', "the app never sends a Vault token or the Acra master key over plain http://; use https:// (the CLI's --vault-allow-plain-http is for a development server). Nothing was sent");
      }
      if (!endpoint.startsWith('https:') && !allowPlainHttp) throw new CustosError('INVALID_ARGUMENT', 'the Vault address must start with https://');
      const caPem = privateCa ? await chooseCaPem(ctx) : undefined;
      // The issue-14 rule: an address is shown to the person in main's own dialog and approved before it is contacted.
      const target = vaultTarget(endpoint, caPem);
      if (!isApproved(ctx.settings.approvals(), target)) {
        const yes = ctx.confirmApproval ? await ctx.confirmApproval(target) : false;
        if (!yes) throw notApproved(target, 'It was not approved in the confirmation dialog; nothing was sent.');
        ctx.settings.approve(target);
      }
      const keyFile = await chooseFile('acra-master-key', 'Acra master key file');
      const vaultAuth = auth.method === 'token' ? auth : { method: 'approle' as const, roleId: auth.roleId, secretId: auth.secretId };
      return core.call('acraVaultPublish', { endpoint, path, auth: vaultAuth, caPem, allowPlainHttp, keyFile, replace, approvals: ctx.settings.approvals() });
    }),
  } satisfies Record<string, Handler>;
}
