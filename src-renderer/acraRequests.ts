import type { AcraSelectionView } from '../shared/ipcAcra.js';
import type { IpcRequestAcraVaultPublish, RedisTargetInput } from '../shared/ipcAcraRemote.js';

/**
 * What the Backups screen's Acra panels send to main, built from their forms
 * (src-renderer/stores/acraRemote.ts). A typed Redis password or Vault token
 * is taken out of its form as the request is built, so it is never kept here
 * after the call, whether the call succeeds or fails.
 */

/** Client ids and zone ids as typed (commas or spaces between), and the global keys: the CLI's repeated flags. */
export interface AcraSelectionForm {
  clientIds: string;
  zoneIds: string;
  global: boolean;
}

export interface RedisForm {
  host: string;
  port: number;
  db: number;
  keysDir: string;
  password: string;
  tls: boolean;
  tlsCa: boolean;
  tlsClientCert: boolean;
  sni: string;
}

export interface VaultForm {
  address: string;
  path: string;
  token: string;
  privateCa: boolean;
  replace: boolean;
}

export const emptySelection = (): AcraSelectionForm => ({ clientIds: '', zoneIds: '', global: false });
export const emptyRedis = (): RedisForm => ({ host: '', port: 6379, db: 0, keysDir: '.acrakeys', password: '', tls: false, tlsCa: false, tlsClientCert: false, sni: '' });
export const emptyVault = (): VaultForm => ({ address: '', path: 'secret/acra', token: '', privateCa: false, replace: false });

const ids = (typed: string) => typed.split(/[\s,]+/).filter(Boolean);

export function selectionOf(form: AcraSelectionForm): AcraSelectionView {
  return { clientIds: ids(form.clientIds), zoneIds: ids(form.zoneIds), global: form.global };
}

/** The Redis target for one call; the password leaves the form here. TLS unticked is null, whatever the TLS boxes say. */
export function takeRedisTarget(form: RedisForm): RedisTargetInput {
  const password = form.password;
  form.password = '';
  return {
    // An IPv6 address may be typed in brackets, as in a URL.
    host: form.host.trim().replace(/^\[|\]$/g, ''),
    port: form.port,
    db: form.db,
    keysDir: form.keysDir.trim(),
    ...(password ? { password } : {}),
    tls: form.tls ? { ca: form.tlsCa, clientCert: form.tlsClientCert, ...(form.sni.trim() ? { sni: form.sni.trim() } : {}) } : null,
  };
}

/** The vault-publish request; the token leaves the form here. */
export function takeVaultPublish(form: VaultForm): IpcRequestAcraVaultPublish {
  const token = form.token;
  form.token = '';
  return { vaultAddr: form.address.trim(), path: form.path.trim(), auth: { method: 'token', token }, privateCa: form.privateCa, replace: form.replace };
}
