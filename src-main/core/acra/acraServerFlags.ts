/**
 * The AcraServer (and AcraTranslator) flags that read what Custos just wrote,
 * as `custos acra push` and `custos acra vault-publish` print them and the
 * app's Backups screen shows them: one list, so the two never drift apart.
 */

/** --redis_host_port, --redis_db_keys, --keys_dir and, over TLS, --redis_tls_enable (acra cmd/redis.go). */
export function redisAcraServerFlags(redis: { host: string; port: number; db: number; tls?: unknown }, keysDir: string): string[] {
  const host = redis.host.includes(':') ? `[${redis.host}]` : redis.host;
  return [`--redis_host_port=${host}:${redis.port}`, `--redis_db_keys=${redis.db}`, `--keys_dir=${keysDir}`, ...(redis.tls ? ['--redis_tls_enable'] : [])];
}

/** --keystore_encryption_type=vault_master_key and where to look (acra keystore/keyloader/hashicorp); `caFile` is named only when the operator gave its path. */
export function vaultAcraServerFlags(endpoint: string, secretsPath: string, caFile?: string): string[] {
  return [
    '--keystore_encryption_type=vault_master_key',
    `--vault_connection_api_string=${endpoint}`,
    `--vault_secrets_path=${secretsPath}`,
    ...(endpoint.startsWith('https:') ? ['--vault_tls_transport_enable', ...(caFile ? [`--vault_tls_client_ca=${caFile}`] : [])] : []),
  ];
}
