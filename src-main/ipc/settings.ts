import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONTRACT, IDLE_LOCK_MINUTES, type Settings } from '../../shared/ipc.js';

export interface SettingsStore {
  get(): Settings;
  set(next: Settings): Settings;
}

const DEFAULTS: Settings = { idleLockMinutes: IDLE_LOCK_MINUTES.default };

/**
 * Settings in a small JSON file. A file that fails the contract's schema is
 * ignored (defaults apply) rather than trusted: it lives outside the vault and
 * anyone with the user's rights can edit it.
 */
export function fileSettings(path: string): SettingsStore {
  let current: Settings = DEFAULTS;
  try {
    const parsed = CONTRACT['settings:get'].response.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) current = parsed.data;
  } catch {
    // missing or unreadable: defaults
  }
  return {
    get: () => ({ ...current }),
    set(next) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const temp = `${path}.tmp`;
      writeFileSync(temp, JSON.stringify(next), { mode: 0o600 });
      renameSync(temp, path);
      current = { ...next };
      return { ...current };
    },
  };
}
