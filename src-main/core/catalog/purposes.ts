import type { KeyAlgorithm, KeyPurpose, KeyScope } from '../../../shared/keys.js';

export interface PurposeSpec {
  purpose: KeyPurpose;
  scope: KeyScope;
  algorithm: KeyAlgorithm;
  description: string;
  /** The key's name, following Acra's keystore file names. */
  nameFor(id: string | null): string;
}

const scoped = (suffix: string) => (id: string | null) => `${id ?? ''}${suffix}`;
const fixed = (name: string) => () => name;

/**
 * Acra's key catalogue. Names match Acra's filesystem keystore so operators
 * recognise them: the connector transport key is the bare client id,
 * symmetric variants end in `_sym`, global keys have fixed names.
 */
export const PURPOSES: readonly PurposeSpec[] = [
  { purpose: 'transport-connector', scope: 'client', algorithm: 'p256', description: 'AcraConnector transport keypair', nameFor: scoped('') },
  { purpose: 'transport-server', scope: 'client', algorithm: 'p256', description: 'AcraServer transport keypair', nameFor: scoped('_server') },
  { purpose: 'transport-translator', scope: 'client', algorithm: 'p256', description: 'AcraTranslator transport keypair', nameFor: scoped('_translator') },
  { purpose: 'storage', scope: 'client', algorithm: 'p256', description: 'storage keypair (AcraStruct)', nameFor: scoped('_storage') },
  { purpose: 'storage-sym', scope: 'client', algorithm: 'sym256', description: 'storage symmetric key (AcraBlock)', nameFor: scoped('_storage_sym') },
  { purpose: 'hmac', scope: 'client', algorithm: 'sym256', description: 'HMAC key for searchable encryption', nameFor: scoped('_hmac') },
  { purpose: 'zone', scope: 'zone', algorithm: 'p256', description: 'zone keypair', nameFor: scoped('_zone') },
  { purpose: 'zone-sym', scope: 'zone', algorithm: 'sym256', description: 'zone symmetric key', nameFor: scoped('_zone_sym') },
  { purpose: 'poison', scope: 'global', algorithm: 'p256', description: 'poison record keypair', nameFor: fixed('poison_key') },
  { purpose: 'poison-sym', scope: 'global', algorithm: 'sym256', description: 'poison record symmetric key', nameFor: fixed('poison_key_sym') },
  { purpose: 'secure-log', scope: 'global', algorithm: 'sym256', description: 'secure (audit) log key', nameFor: fixed('secure_log_key') },
  { purpose: 'auth', scope: 'global', algorithm: 'sym256', description: 'authentication key', nameFor: fixed('auth_key') },
];

export function purposeSpec(purpose: KeyPurpose): PurposeSpec {
  const spec = PURPOSES.find((p) => p.purpose === purpose);
  if (!spec) throw new RangeError(`unknown purpose ${purpose}`);
  return spec;
}

export function purposesForScope(scope: KeyScope): PurposeSpec[] {
  return PURPOSES.filter((p) => p.scope === scope);
}

/** Asymmetric purposes take either kind of key pair (P-256 by default, X25519 on request); symmetric ones only sym256. */
export function algorithmFits(spec: PurposeSpec, algorithm: KeyAlgorithm): boolean {
  return spec.algorithm === 'sym256' ? algorithm === 'sym256' : algorithm !== 'sym256';
}
