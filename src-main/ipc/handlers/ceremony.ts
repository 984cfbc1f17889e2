import { CustosError } from '../../../shared/errors.js';
import { CEREMONY_CONTRACT } from '../../../shared/ipcCeremony.js';
import type { InvokeChannel } from '../../../shared/ipc.js';
import type { IpcContext } from '../context.js';
import { handle, type Handler } from '../handle.js';

type CeremonyChannel = keyof typeof CEREMONY_CONTRACT & InvokeChannel;

/** The ceremony wizard's channels (docs/app.md). */
export function ceremonyHandlers(ctx: IpcContext) {
  const notYet = (channel: CeremonyChannel): Handler =>
    handle(channel, ctx.appOrigin, async () => {
      throw new CustosError('INTERNAL', 'not built yet');
    });
  return Object.fromEntries(Object.keys(CEREMONY_CONTRACT).map((c) => [c, notYet(c as CeremonyChannel)])) as Record<CeremonyChannel, Handler>;
}
