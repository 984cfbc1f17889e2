import { ipcContext, type IpcContext, type IpcDeps } from '../context.js';
import type { HandlerTable } from '../handle.js';
import { auditHandlers } from './audit.js';
import { backupHandlers } from './backups.js';
import { acraHandlers } from './acra.js';
import { acraRemoteHandlers } from './acraRemote.js';
import { ceremonyHandlers } from './ceremony.js';
import { keyHandlers } from './keys.js';
import { masterKeyHandlers } from './masterKey.js';
import { restoreHandlers } from './restore.js';
import { vaultHandlers } from './vault.js';

export interface Ipc {
  /** One handler per contract channel, callable from plain Node (tests) or registered with ipcMain (app). */
  handlers: HandlerTable;
  lock: IpcContext['lock'];
}

export function createIpc(deps: IpcDeps): Ipc {
  const ctx = ipcContext(deps);
  // `satisfies HandlerTable` makes a channel without a handler (or a handler without a channel) a compile error.
  const handlers = { ...vaultHandlers(ctx), ...keyHandlers(ctx), ...masterKeyHandlers(ctx), ...ceremonyHandlers(ctx), ...auditHandlers(ctx), ...backupHandlers(ctx), ...acraHandlers(ctx), ...acraRemoteHandlers(ctx), ...restoreHandlers(ctx) } satisfies HandlerTable;
  return { handlers: Object.freeze(handlers), lock: ctx.lock };
}
