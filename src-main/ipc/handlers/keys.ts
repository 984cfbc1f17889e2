import { CustosError } from '../../../shared/errors.js';
import type { IpcContext } from '../context.js';
import { handle, type Handler } from '../handle.js';

export function keyHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  return {
    'keys:list': handle('keys:list', appOrigin, async (filter) => ({ keys: await core.call('list', filter) })),
    'keys:get': handle('keys:get', appOrigin, async ({ name }) => core.call('get', { name })),
    'keys:generate': handle('keys:generate', appOrigin, async (request) => ({ created: await core.call('generate', { requests: [request] }) })),
    'keys:rotate': handle('keys:rotate', appOrigin, async ({ name }) => core.call('rotate', { name })),
    'keys:disable': handle('keys:disable', appOrigin, async ({ name }) => core.call('disable', { name })),
    'keys:enable': handle('keys:enable', appOrigin, async ({ name }) => core.call('enable', { name })),
    'keys:destroy': handle('keys:destroy', appOrigin, async ({ name, confirmation, version }) => {
      // Checked here, not only in the dialog: a renderer that skips the dialog still cannot destroy.
      if (confirmation !== name) throw new CustosError('CONFIRMATION_REQUIRED', 'type the key name exactly to confirm; nothing was destroyed');
      return core.call('destroy', { name, version });
    }),
    'keys:publicPem': handle('keys:publicPem', appOrigin, async ({ name, version }) => ({ pem: await core.call('publicPem', { name, version }) })),
    'keys:copyPublicPem': handle('keys:copyPublicPem', appOrigin, async ({ name, version }) => {
      ctx.writeClipboard(await core.call('publicPem', { name, version }));
      return { copied: true as const };
    }),
  } satisfies Record<string, Handler>;
}
