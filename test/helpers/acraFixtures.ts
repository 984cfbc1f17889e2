/**
 * Fixtures the Acra IPC suites (folder, Redis, acra-keys bundle) share: every
 * answer kept so that a suite's last test can search them all for a key,
 * password or secret; folders made under the harness's own folder; key
 * versions as sorted lines, so that two vaults, or an answer and a vault,
 * compare in one assertion.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** `call`, with each answer also pushed to `replies` as JSON. */
export function keepingReplies<A extends unknown[], R>(call: (...args: A) => Promise<R>, replies: string[]): (...args: A) => Promise<R> {
  return async (...args) => {
    const result = await call(...args);
    replies.push(JSON.stringify(result));
    return result;
  };
}

/** `parent/name`, made if absent (a folder for main's dialog to answer with). */
export function madeFolder(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One sorted line per key version: name, version and fingerprint. */
export function fingerprintLines(list: ReadonlyArray<{ name: string; version: number; fingerprint: string }>): string[] {
  return list.map((k) => `${k.name} v${k.version} ${k.fingerprint}`).sort();
}
