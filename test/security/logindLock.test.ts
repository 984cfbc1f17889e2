/**
 * Linux: the vault locks when the screen does. A private D-Bus daemon stands
 * in for the system bus; the test sends what logind sends (the session's Lock
 * signal, LockedHint turning true) with dbus-send and gdbus.
 */
import { execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { lockSignalParser, watchLogindLock, type LogindLockWatch } from '../../src-main/app/lock/logindLock.js';

function available(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const missing = ['dbus-daemon', 'dbus-monitor', 'dbus-send', 'gdbus'].filter((t) => !available(t));
if (missing.length > 0) console.log(`SKIPPED the logind screen-lock test: ${missing.join(', ')} not installed (Debian packages dbus-daemon, dbus-bin, libglib2.0-bin)`);

const SESSION = '/org/freedesktop/login1/session/_31';
const until = async (check: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end && !check(); ) await new Promise((r) => setTimeout(r, 50));
};

describe('logind screen lock (Linux)', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it.skipIf(missing.length > 0)('locks on the session Lock signal and on LockedHint true, not on LockedHint false', async () => {
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    cleanup.push(() => daemon.kill());
    const address = await new Promise<string>((resolve) => daemon.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const locks: number[] = [];
    const watch = watchLogindLock(() => locks.push(Date.now()), { address }) as LogindLockWatch;
    cleanup.push(() => watch.stop());
    await watch.ready;

    // gdbus emit sends the signal, then flushes its connection; on a loaded CI machine that flush once failed
    // with "The connection is closed", the signal sent or not. It is sent again only while it is not seen to
    // have arrived (`arrived`), so a delivered LockedHint true is never counted twice; a false one may repeat.
    const hint = async (value: boolean, arrived: () => boolean) => {
      for (let attempt = 1; ; attempt++) {
        try {
          execFileSync('gdbus', ['emit', '--address', address, '--object-path', SESSION, '--signal', 'org.freedesktop.DBus.Properties.PropertiesChanged', "'org.freedesktop.login1.Session'", `{'LockedHint': <${value}>}`, '@as []'], { stdio: 'pipe' });
          return;
        } catch (error) {
          await until(arrived, 2000);
          if (arrived()) return;
          if (attempt === 3) throw error;
          console.log(`gdbus emit LockedHint ${value} failed (attempt ${attempt}), the signal not seen: sending it again`);
        }
      }
    };
    await hint(false, () => false);
    execFileSync('dbus-send', [`--address=${address}`, '--type=signal', SESSION, 'org.freedesktop.login1.Session.Unlock']);
    execFileSync('dbus-send', [`--address=${address}`, '--type=signal', SESSION, 'org.freedesktop.login1.Session.Lock']);
    await until(() => locks.length >= 1);
    expect(locks).toHaveLength(1);
    await hint(true, () => locks.length >= 2);
    await until(() => locks.length >= 2);
    expect(locks).toHaveLength(2);
  });

  it('the parser reads dbus-monitor text: Lock, LockedHint true; not Unlock, LockedHint false or another property', () => {
    const seen: string[] = [];
    const parse = lockSignalParser(() => seen.push('lock'));
    const lines = [
      'signal time=1 sender=:1.5 -> destination=(null destination) serial=1 path=/org/freedesktop/login1/session/_31; interface=org.freedesktop.login1.Session; member=Unlock',
      'signal time=2 sender=:1.5 -> destination=(null destination) serial=2 path=/org/freedesktop/login1/session/_31; interface=org.freedesktop.DBus.Properties; member=PropertiesChanged',
      '   string "org.freedesktop.login1.Session"',
      '         string "IdleHint"',
      '         variant             boolean true',
      '         string "LockedHint"',
      '         variant             boolean false',
      'signal time=3 sender=:1.5 -> destination=(null destination) serial=3 path=/org/freedesktop/login1/session/_31; interface=org.freedesktop.login1.Session; member=Lock',
    ];
    for (const line of lines) parse(line);
    expect(seen).toEqual(['lock']);
  });
});
