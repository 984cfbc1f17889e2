import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS } from '../../shared/ipc.js';
import type { HandlerTable } from '../ipc/handle.js';
import type { Sender } from '../ipc/origin.js';

function senderOf(event: IpcMainInvokeEvent): Sender {
  const frame = event.senderFrame;
  return { url: frame?.url ?? '', isMainFrame: frame !== null && frame === event.sender.mainFrame };
}

/** Registers exactly the contract's channels; the table's own wrapper checks sender and payload. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, handlers: HandlerTable): void {
  for (const channel of INVOKE_CHANNELS) {
    const handler = handlers[channel];
    ipcMain.handle(channel, (event, payload: unknown) => handler(payload, senderOf(event)));
  }
}
