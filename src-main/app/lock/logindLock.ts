import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Electron's `lock-screen` event exists on macOS and Windows only. On Linux
 * the screen locker tells logind: `loginctl lock-session` sends the session's
 * `Lock` signal, and GNOME, KDE and others set its `LockedHint` property when
 * the screen locks. This listens for both on the system bus with dbus-monitor
 * (Debian package dbus-bin), so the vault locks with the screen. Anyone on the
 * bus can send such a signal; the worst it can do is lock the vault.
 */
export interface LogindLockWatch {
  /** Resolves once dbus-monitor is attached (it reports its own name first). */
  readonly ready: Promise<void>;
  stop(): void;
}

const MATCH_RULES = [
  "type='signal',interface='org.freedesktop.login1.Session',member='Lock'",
  "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',arg0='org.freedesktop.login1.Session'",
];

/** Reads dbus-monitor's text, line by line, and calls `onLock` for a Lock signal or LockedHint turning true. */
export function lockSignalParser(onLock: () => void): (line: string) => void {
  let inProperties = false;
  let lockedHintNext = false;
  return (line) => {
    if (line.startsWith('signal ')) {
      inProperties = line.includes('interface=org.freedesktop.DBus.Properties; member=PropertiesChanged');
      lockedHintNext = false;
      if (line.includes('interface=org.freedesktop.login1.Session; member=Lock')) onLock();
      return;
    }
    if (!inProperties) return;
    if (line.includes('string "LockedHint"')) lockedHintNext = true;
    else if (lockedHintNext && /\bboolean (true|false)\b/.test(line)) {
      if (line.includes('boolean true')) onLock();
      lockedHintNext = false;
    }
  };
}

/**
 * Starts watching (the system bus, or `address` for tests). Null when
 * dbus-monitor cannot be started: the idle lock and suspend still apply, and
 * docs/app.md says screen lock needs dbus-monitor on Linux.
 */
export function watchLogindLock(onLock: () => void, options: { address?: string; monitor?: string } = {}): LogindLockWatch | null {
  const bus = options.address ? ['--address', options.address] : ['--system'];
  let child: ChildProcess;
  try {
    child = spawn(options.monitor ?? 'dbus-monitor', [...bus, ...MATCH_RULES], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const parse = lockSignalParser(onLock);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    markReady();
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) parse(line);
  });
  // A missing dbus-monitor or no system bus: nothing to watch, nothing to report to the person.
  child.on('error', () => markReady());
  child.on('exit', () => markReady());
  return {
    ready,
    stop() {
      if (child.exitCode === null) child.kill();
    },
  };
}
