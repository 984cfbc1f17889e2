import type { MethodCredentialsInput, RewrapCredentialsInput } from '../shared/ipc.js';
import type { UnlockMethodKind } from '../shared/keys.js';

/**
 * What a person types for one unlock method, before it goes to main. It lives
 * only while the form is on screen: `clearDraft` empties every field after
 * each call, whatever its outcome.
 */
export interface CredentialDraft {
  passphrase: string;
  pin: string;
  vaultAuth: 'token' | 'approle';
  token: string;
  roleId: string;
  secretId: string;
  privateCa: boolean;
  shares: string[];
  sharePassphrase: string;
}

export function emptyDraft(): CredentialDraft {
  return { passphrase: '', pin: '', vaultAuth: 'token', token: '', roleId: '', secretId: '', privateCa: false, shares: ['', ''], sharePassphrase: '' };
}

/** Empties every field a person typed, in place (the form's inputs are bound to these). */
export function clearDraft(draft: CredentialDraft): void {
  draft.passphrase = '';
  draft.pin = '';
  draft.token = '';
  draft.roleId = '';
  draft.secretId = '';
  draft.shares = draft.shares.map(() => '');
  draft.sharePassphrase = '';
}

/** A share as typed, with its spacing tidied; the vault engine checks every word (and suggests near misses). */
const normalShare = (text: string): string => text.trim().split(/\s+/).join(' ');

/** The credentials for a method of `kind`, or null while a required field is still empty. */
export function toCredentials(kind: UnlockMethodKind, d: CredentialDraft): MethodCredentialsInput | null {
  switch (kind) {
    case 'passphrase':
      return d.passphrase === '' ? null : { kind, passphrase: d.passphrase };
    case 'pkcs11':
      return d.pin === '' ? null : { kind, pin: d.pin };
    case 'vault-transit':
    case 'vault-kv': {
      const auth = d.vaultAuth === 'token' ? (d.token === '' ? null : { method: 'token' as const, token: d.token }) : d.roleId === '' || d.secretId === '' ? null : { method: 'approle' as const, roleId: d.roleId.trim(), secretId: d.secretId };
      // Never plain http://: main refuses it from the app (the token would travel in clear text), so nothing here can ask.
      return auth ? { kind, vault: { auth, privateCa: d.privateCa, allowPlainHttp: false } } : null;
    }
    case 'paper': {
      const shares = d.shares.map(normalShare).filter((s) => s !== '');
      if (shares.length === 0) return null;
      return d.sharePassphrase === '' ? { kind, shares } : { kind, shares, passphrase: d.sharePassphrase };
    }
  }
}

/** Whether a master-key rotation can re-wrap a method with these (Vault KV and paper hold the old key itself: they are dropped). */
export function isRewrappable(credentials: MethodCredentialsInput): credentials is RewrapCredentialsInput {
  return credentials.kind === 'passphrase' || credentials.kind === 'pkcs11' || credentials.kind === 'vault-transit';
}

/** How each kind is named on screen. */
export const KIND_NAMES: Record<UnlockMethodKind, string> = {
  'passphrase': 'Passphrase',
  'pkcs11': 'HSM (PKCS#11)',
  'vault-transit': 'HashiCorp Vault (transit)',
  'vault-kv': 'HashiCorp Vault (KV)',
  'paper': 'Paper shares (a quorum of custodians)',
};
