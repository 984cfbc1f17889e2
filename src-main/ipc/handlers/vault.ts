import { CustosError } from '../../../shared/errors.js';
import type { VaultRef } from '../../../shared/ipc.js';
import type { IpcContext } from '../context.js';
import { approvedFor } from '../approvals.js';
import { coreCredentials } from '../credentials.js';
import { handle, type Handler } from '../handle.js';
import type { OpenedVault } from '../worker/protocol.js';
import { vaultId, vaultName } from '../vaults.js';

const ref = (opened: OpenedVault): VaultRef => ({
  id: vaultId(opened.path),
  name: vaultName(opened.path),
  keystoreId: opened.keystoreId,
  vaultFingerprint: opened.vaultFingerprint,
});

export function vaultHandlers(ctx: IpcContext) {
  const { core, vaults, appOrigin } = ctx;
  return {
    'app:status': handle('app:status', appOrigin, async () => {
      const opened = await core.call('status', {});
      return { unlocked: opened ? ref(opened) : null };
    }),
    'network:status': handle('network:status', appOrigin, async () => ctx.network()),
    'vault:list': handle('vault:list', appOrigin, async () => ({ vaults: vaults.list() })),
    'vault:create': handle('vault:create', appOrigin, async ({ name, passphrase, kdf }) => {
      // The app always calibrates argon2id: a renderer cannot ask for a cheaper KDF (only the test harness can, see IpcDeps.testKnobs).
      if (kdf && ctx.testKnobs?.weakKdf !== true) throw new CustosError('INVALID_ARGUMENT', 'the app chooses the argon2id settings itself (calibrated to this machine); a request may not set them');
      const path = vaults.pathForNew(name);
      const choice = kdf ? { memoryKiB: kdf.memoryMiB * 1024, iterations: kdf.passes } : null;
      return ref(await core.call('create', { path, name, passphrase, kdf: choice }));
    }),
    'vault:openFile': handle('vault:openFile', appOrigin, async () => {
      const path = await ctx.chooseFile('open-vault');
      if (path === null) throw new CustosError('CANCELLED', 'no vault file was chosen');
      return vaults.add(path);
    }),
    'vault:unlockMethods': handle('vault:unlockMethods', appOrigin, async ({ id }) => ({ methods: await core.call('unlockMethods', { path: vaults.resolve(id) }) })),
    'vault:unlock': handle('vault:unlock', appOrigin, async ({ id, passphrase, methodId }) =>
      ref(await core.call('unlockPassphrase', { path: vaults.resolve(id), passphrase, methodId })),
    ),
    'vault:unlockWithMethod': handle('vault:unlockWithMethod', appOrigin, async ({ id, methodId, credentials }) => {
      const path = vaults.resolve(id);
      const creds = await coreCredentials(credentials, ctx);
      const approvals = await approvedFor(ctx, path, [{ methodId, credentials: creds }]);
      return ref(await core.call('unlockWithMethod', { path, methodId, credentials: creds, approvals }));
    }),
    'vault:unlockWithKeyFile': handle('vault:unlockWithKeyFile', appOrigin, async ({ id }) => {
      const path = vaults.resolve(id);
      const keyFile = await ctx.chooseFile('master-key');
      if (keyFile === null) throw new CustosError('CANCELLED', 'no master key file was chosen');
      return ref(await core.call('unlockKeyFile', { path, keyFile }));
    }),
    'vault:lock': handle('vault:lock', appOrigin, async () => {
      await ctx.lock('user');
      return { locked: true as const };
    }),
    'settings:get': handle('settings:get', appOrigin, async () => ctx.settings.get()),
    'settings:set': handle('settings:set', appOrigin, async (next) => {
      const saved = ctx.settings.set(next);
      ctx.onSettings?.(saved);
      return saved;
    }),
  } satisfies Record<string, Handler>;
}
