import { CustosError, isCustosError } from '../../shared/errors.js';

/** The CustosError code a promise rejects with: 'no error' if it resolves, a description if it throws something else. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isCustosError(error) ? error.code : `not a CustosError: ${String(error)}`;
  }
  return 'no error';
}

/** The CustosError a call throws; fails the test if it returns or throws something else. */
export function caughtCustosError(fn: () => unknown): CustosError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CustosError) return error;
    throw error;
  }
  throw new Error('expected a CustosError, nothing was thrown');
}
