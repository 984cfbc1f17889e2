/**
 * Core dumps of a live process with gdb's `gcore`, and a byte search through
 * them: how the secrets-in-memory runs look for key bytes left behind after
 * a lock. A dump is the process's whole writable memory (every thread's heap,
 * the V8 heaps, native allocations), so a hit means the bytes were there.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';

export interface Needle {
  /** What the bytes are, e.g. "master key (base64 text)". */
  label: string;
  bytes: Uint8Array;
}

/**
 * The forms a 32-byte key can take in a Node process: the raw bytes, and
 * hex or base64 text, each as V8 one-byte and two-byte (UTF-16) strings.
 */
export function keyForms(name: string, key: Uint8Array): Needle[] {
  const raw = Buffer.from(key);
  const texts: Array<[string, string]> = [
    ['hex', raw.toString('hex')],
    ['base64', raw.toString('base64').replace(/=+$/, '')],
  ];
  return [
    { label: `${name} (raw bytes)`, bytes: raw },
    ...texts.flatMap(([form, text]) => [
      { label: `${name} (${form} text)`, bytes: Buffer.from(text, 'latin1') },
      { label: `${name} (${form} text, UTF-16)`, bytes: Buffer.from(text, 'utf16le') },
    ]),
  ];
}

/** Null when gcore can run here; otherwise the reason, for the skip message. */
export function gcoreUnavailable(): string | null {
  const probe = spawnSync('gcore', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'gcore (Debian package gdb) is not installed';
  return null;
}

/**
 * Dumps process `pid` to `<prefix>.<pid>` and returns that path. Throws with
 * gdb's own words when it cannot attach (ptrace not permitted, e.g. Yama
 * scope 3 or a container without CAP_SYS_PTRACE): the caller decides to skip.
 */
export function dumpProcess(pid: number, prefix: string): string {
  const run = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 120_000 });
  const path = `${prefix}.${pid}`;
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    /* no file: reported below */
  }
  if (run.status !== 0 || size === 0) {
    rmSync(path, { force: true });
    throw new Error(`gcore could not dump process ${pid}: ${(run.stderr || run.stdout || String(run.error)).trim().split('\n').slice(-3).join(' / ')}`);
  }
  return path;
}

/**
 * Which needles occur in the file, with how many times each does. Reads in
 * chunks that overlap by the longest needle, so a match across a chunk
 * boundary is found once and only once.
 */
export function searchFile(path: string, needles: readonly Needle[]): Map<string, number> {
  const hits = new Map<string, number>();
  const longest = Math.max(...needles.map((n) => n.bytes.length));
  const chunk = Buffer.alloc(16 * 1024 * 1024 + longest);
  const fd = openSync(path, 'r');
  try {
    let position = 0;
    let carried = 0;
    for (;;) {
      const read = readSync(fd, chunk, carried, chunk.length - carried, position);
      if (read === 0) break;
      position += read;
      const filled = carried + read;
      const view = chunk.subarray(0, filled);
      for (const needle of needles) {
        // A match must end beyond the carried prefix, or it was counted in the previous chunk.
        let at = view.indexOf(needle.bytes, Math.max(0, carried - needle.bytes.length + 1));
        while (at !== -1) {
          hits.set(needle.label, (hits.get(needle.label) ?? 0) + 1);
          at = view.indexOf(needle.bytes, at + 1);
        }
      }
      carried = Math.min(longest - 1, filled);
      chunk.copy(chunk, 0, filled - carried, filled);
    }
  } finally {
    closeSync(fd);
  }
  return hits;
}
