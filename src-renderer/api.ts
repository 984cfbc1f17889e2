import type { ErrorCode } from '../shared/errors';
import type { CustosApi, IpcResult } from '../shared/ipc';

/** A failed call, with the contract's code; views show both message and code. */
export class IpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ShownError {
  code: ErrorCode;
  message: string;
}

export function custos(): CustosApi {
  return window.custos;
}

export async function unwrap<T>(call: Promise<IpcResult<T>>): Promise<T> {
  const result = await call;
  if (result.ok) return result.value;
  throw new IpcError(result.code, result.message);
}

export function toShown(error: unknown): ShownError {
  if (error instanceof IpcError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'the call failed unexpectedly' };
}
