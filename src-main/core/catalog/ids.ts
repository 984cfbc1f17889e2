import { CustosError } from '../../../shared/errors.js';

/**
 * Acra accepts client and zone ids of 5 to 256 characters of letters, digits,
 * '-' and '_' (and spaces, which we refuse: they make key names awkward in
 * shells and file names).
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{5,256}$/;

export function validateId(kind: 'client id' | 'zone id', id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new CustosError('INVALID_ARGUMENT', `${kind} must be 5 to 256 characters of A-Z, a-z, 0-9, '-' or '_'`);
  }
  return id;
}
