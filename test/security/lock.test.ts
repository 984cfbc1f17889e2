import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdleLock } from '../../src-main/app/lock/idleLock.js';
import { lockOnSystemEvents } from '../../src-main/app/lock/systemLock.js';
import { Fake } from './fakes.js';

describe('idle lock', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('locks once the system has been idle for the chosen minutes, once per idle stretch', () => {
    let idle = 0;
    let minutes = 5;
    const locks: number[] = [];
    const timer = startIdleLock({ idleSeconds: () => idle, minutes: () => minutes, lock: () => locks.push(idle), intervalMs: 1000 });
    idle = 299;
    vi.advanceTimersByTime(1000);
    expect(locks).toEqual([]);
    idle = 300;
    vi.advanceTimersByTime(1000);
    idle = 400;
    vi.advanceTimersByTime(3000);
    expect(locks).toEqual([300]);
    idle = 0; // activity
    vi.advanceTimersByTime(1000);
    minutes = 1; // the person shortened the time: takes effect at the next check
    idle = 61;
    vi.advanceTimersByTime(1000);
    expect(locks).toEqual([300, 61]);
    timer.stop();
    idle = 10_000;
    vi.advanceTimersByTime(10_000);
    expect(locks).toEqual([300, 61]);
  });
});

describe('system lock', () => {
  it('locks on suspend and on screen lock, with the reason', () => {
    const power = new Fake();
    const reasons: string[] = [];
    lockOnSystemEvents(power, (reason) => reasons.push(reason));
    power.fire('resume');
    power.fire('suspend');
    power.fire('lock-screen');
    expect(reasons).toEqual(['suspend', 'lock-screen']);
  });
});
