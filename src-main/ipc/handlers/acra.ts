/**
 * The Backups screen's Acra keystore channels (docs/app.md, "Backups: Acra").
 * Main chooses every path in its own dialogs; the worker (worker/acraOps.ts)
 * makes or reads the Acra master key, so its bytes stay there.
 */
import { join, relative, resolve, isAbsolute } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import type { IpcContext } from '../context.js';
import { handle, type Handler } from '../handle.js';

const cancelled = (what: string) => new CustosError('CANCELLED', `no ${what} was chosen; nothing was read or written`);

/** `20261127-1203` in UTC, so a second new key of the day does not collide with the first. */
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** True when `inner` is `outer` or lies below it. */
function within(outer: string, inner: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function acraHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  const opened = async (): Promise<void> => {
    if (!(await core.call('status', {}))) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
  };

  return {
    'acra:export': handle('acra:export', appOrigin, async ({ selection, masterKey, replace }) => {
      await opened();
      const out = await ctx.chooseFolder('acra-keystore-out');
      if (out === null) throw cancelled('folder for the Acra keystore');
      if (masterKey === 'file') {
        const keyFile = await ctx.chooseFile('acra-master-key');
        if (keyFile === null) throw cancelled('Acra master key file');
        return core.call('acraExport', { selection, out, replace, keyFile });
      }
      const keyDir = await ctx.chooseFolder('acra-master-key-out');
      if (keyDir === null) throw cancelled('folder for the new Acra master key');
      // Replacing the keystore folder would delete a key saved inside it, and the two are kept apart anyway.
      if (within(out, keyDir)) throw new CustosError('INVALID_ARGUMENT', `the new Acra master key must go outside the keystore folder ${resolve(out)}; choose another folder for it. Nothing was written`);
      return core.call('acraExport', { selection, out, replace, newKeyFile: join(resolve(keyDir), `acra-master-key-${stamp(new Date())}.b64`) });
    }),

    'acra:import': handle('acra:import', appOrigin, async () => {
      await opened();
      const from = await ctx.chooseFolder('acra-keystore-in');
      if (from === null) throw cancelled('Acra keystore folder');
      const keyFile = await ctx.chooseFile('acra-master-key');
      if (keyFile === null) throw cancelled('Acra master key file');
      return core.call('acraImport', { from: resolve(from), keyFile });
    }),
  } satisfies Record<string, Handler>;
}
