import { CustosError } from '../../../shared/errors.js';

// C0 controls, DEL and C1 controls: what a terminal may act on instead of showing.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `text` has at most `max` characters and none a terminal would act on. */
export function isPrintable(text: string, max: number): boolean {
  return text.length <= max && !CONTROL.test(text);
}

/**
 * A name a person typed (a vault, an actor, a custodian), as it will be
 * printed on paper, in the audit log and on terminals: trimmed, 1 to `max`
 * characters, no control characters. Throws INVALID_ARGUMENT naming `what`.
 */
export function printableName(text: string, max: number, what: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0 || !isPrintable(trimmed, max)) throw new CustosError('INVALID_ARGUMENT', `${what} is 1 to ${max} printable characters`);
  return trimmed;
}
