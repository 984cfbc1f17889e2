/**
 * Locks the vault after the system has been idle for the person's chosen
 * number of minutes. Polls the OS idle time (Electron's powerMonitor) rather
 * than counting renderer events, so a compromised or frozen renderer cannot
 * keep the vault open. Fires once per idle stretch.
 */
export interface IdleLockOptions {
  idleSeconds: () => number;
  minutes: () => number;
  lock: () => void;
  intervalMs?: number;
}

export function startIdleLock(options: IdleLockOptions): { stop(): void; check(): void } {
  let fired = false;
  const check = (): void => {
    const idle = options.idleSeconds();
    if (idle < options.minutes() * 60) {
      fired = false;
      return;
    }
    if (fired) return;
    fired = true;
    options.lock();
  };
  const timer = setInterval(check, options.intervalMs ?? 10_000);
  timer.unref?.();
  return { stop: () => clearInterval(timer), check };
}
