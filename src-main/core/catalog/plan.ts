import { CustosError } from '../../../shared/errors.js';
import { KEY_PURPOSES, type KeyAlgorithm, type KeyPurpose, type KeyScope } from '../../../shared/keys.js';
import { validateId } from './ids.js';
import { purposeSpec, purposesForScope } from './purposes.js';

/** The kind of key pair for asymmetric purposes: Themis EC on P-256 (what Acra reads, the default) or X25519. */
export const KEY_PAIR_TYPES = ['p256', 'x25519'] as const;
export type KeyPairType = (typeof KEY_PAIR_TYPES)[number];

/** What to generate: every purpose of a scope, or chosen ones. */
export type GenerateRequest = (
  | { scope: 'client'; clientId: string; purposes?: readonly KeyPurpose[] | undefined }
  | { scope: 'zone'; zoneId: string; purposes?: readonly KeyPurpose[] | undefined }
  | { scope: 'global'; purposes?: readonly KeyPurpose[] | undefined }
) & { keyType?: KeyPairType | undefined };

export interface PlannedKey {
  name: string;
  clientId: string | null;
  zoneId: string | null;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
}

export function parsePurpose(text: string): KeyPurpose {
  if ((KEY_PURPOSES as readonly string[]).includes(text)) return text as KeyPurpose;
  throw new CustosError('INVALID_ARGUMENT', `unknown purpose '${text}'; known: ${KEY_PURPOSES.join(', ')}`);
}

/** Expands a request into the keys it names, checking ids and that each purpose fits the scope. */
export function planKeys(request: GenerateRequest): PlannedKey[] {
  const scope: KeyScope = request.scope;
  const id = request.scope === 'client' ? validateId('client id', request.clientId) : request.scope === 'zone' ? validateId('zone id', request.zoneId) : null;
  const specs = request.purposes && request.purposes.length > 0 ? [...new Set(request.purposes)].map(purposeSpec) : purposesForScope(scope);
  return specs.map((spec) => {
    if (spec.scope !== scope) {
      const hint = spec.scope === 'client' ? '--client-id' : spec.scope === 'zone' ? '--zone-id' : '--global';
      throw new CustosError('INVALID_ARGUMENT', `purpose '${spec.purpose}' is a ${spec.scope} key; use it with ${hint}`);
    }
    return {
      name: spec.nameFor(id),
      clientId: scope === 'client' ? id : null,
      zoneId: scope === 'zone' ? id : null,
      purpose: spec.purpose,
      algorithm: spec.algorithm === 'sym256' ? spec.algorithm : (request.keyType ?? spec.algorithm),
    };
  });
}
