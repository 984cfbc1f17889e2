import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wasmThemis } from '../themis/wasmThemis.js';

/** One file of a keystore v1 as the test lays it out: relative path, bytes, mode. */
export interface TestFile {
  path: string;
  bytes: Uint8Array;
  mode: number;
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * A keystore v1 folder built with wasm-themis (Cossack Labs' Themis) as
 * acra-keymaker lays it out: EC pairs from Themis's own generator, private
 * and symmetric keys sealed with Secure Cell under the master key and the
 * context Acra's code uses, a rotated storage pair under .old/ and .pub.old/.
 * Returns the files and, for checks, the keys in the clear.
 */
export async function acraKeymakerFolder(dir: string, masterKey: Uint8Array, client = 'client-one') {
  const themis = await wasmThemis();
  const cell = themis.SecureCellSeal.withKey(masterKey);
  const files: TestFile[] = [];
  const clear = new Map<string, Uint8Array>();
  const pair = (path: string, context: string) => {
    const keys = new themis.KeyPair();
    const priv = new Uint8Array(keys.privateKey);
    const pub = new Uint8Array(keys.publicKey);
    files.push({ path, bytes: new Uint8Array(cell.encrypt(priv, utf8(context))), mode: 0o600 });
    const pubPath = path.includes('.old/') ? path.replace('.old/', '.pub.old/') : `${path}.pub`;
    files.push({ path: pubPath, bytes: pub, mode: 0o644 });
    clear.set(path, priv);
    clear.set(pubPath, pub);
  };
  const sym = (path: string, context: string) => {
    const key = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
    files.push({ path, bytes: new Uint8Array(cell.encrypt(key, utf8(context))), mode: 0o600 });
    clear.set(path, key);
  };
  pair(`${client}_storage.old/2024-01-02T03:04:05.123456789`, client);
  pair(`${client}_storage.old/2024-05-06T07:08:09`, client);
  pair(`${client}_storage`, client);
  sym(`${client}_storage_sym`, client);
  sym(`${client}_hmac`, client);
  pair('.poison_key/poison_key', '.poison_key/poison_key');
  sym('.poison_key/poison_key_sym', '.poison_key/poison_key_sym');
  sym('secure_log_key', 'secure_log_key');
  writeFolder(dir, files);
  return { files, clear };
}

export function writeFolder(dir: string, files: readonly TestFile[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, file.bytes, { mode: file.mode });
  }
}
