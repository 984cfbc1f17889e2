import type { z } from 'zod';
import { CustosError, isCustosError } from '../../shared/errors.js';
import { CONTRACT, type InvokeChannel, type IpcRequest, type IpcResponse, type IpcResult } from '../../shared/ipc.js';
import { isAppSender, type Sender } from './origin.js';

export type Handler = (payload: unknown, sender: Sender) => Promise<IpcResult<unknown>>;
export type HandlerTable = { readonly [C in InvokeChannel]: Handler };

/** Names the fields that failed, never their values (a payload may hold a passphrase). */
function describeIssues(error: z.ZodError): string {
  const fields = [...new Set(error.issues.map((i) => (i.path.length > 0 ? i.path.join('.') : '(request)')))];
  return `malformed request: check ${fields.join(', ')}`;
}

/**
 * The one wrapper every channel goes through: the sender must be the app's own
 * top-level page, the payload must match the contract, the result must match
 * it too (strict schemas: an unexpected field is a bug, not a leak), and every
 * failure comes back as `{ ok: false, code, message }`, never as a throw.
 */
export function handle<C extends InvokeChannel>(
  channel: C,
  appOrigin: string,
  fn: (request: IpcRequest<C>) => Promise<IpcResponse<C>>,
): Handler {
  const { request: requestSchema, response: responseSchema } = CONTRACT[channel];
  return async (payload, sender) => {
    if (!isAppSender(sender, appOrigin)) {
      return { ok: false, code: 'FORBIDDEN_SENDER', message: `${channel} may only be called by the app's own page` };
    }
    const parsed = requestSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, code: 'INVALID_ARGUMENT', message: describeIssues(parsed.error) };
    try {
      const value = await fn(parsed.data as IpcRequest<C>);
      const checked = responseSchema.safeParse(value);
      if (!checked.success) throw new CustosError('INTERNAL', `${channel} produced a response outside the contract`);
      return { ok: true, value: checked.data };
    } catch (error) {
      if (isCustosError(error)) return { ok: false, code: error.code, message: error.message };
      return { ok: false, code: 'INTERNAL', message: 'an unexpected error occurred' };
    }
  };
}
