import { describe, expect, it } from 'vitest';
import { CustosError } from '../../shared/errors.js';
import { contractEmit } from '../../src-main/ipc/events.js';
import { networkStatus } from '../../src-main/ipc/network.js';
import { startCore } from '../../src-main/ipc/worker/coreClient.js';
import { startHarness } from './harness.js';

const DYING_WORKER = new URL(`data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));")}`);

describe('the core worker', () => {
  it('runs calls in order: a lock sent during a slow unlock wins, the vault ends locked', async () => {
    const h = startHarness();
    const vault = await h.ok('vault:create', { name: 'order', passphrase: 'a long passphrase', kdf: { memoryMiB: 32, passes: 2 } });
    await h.ok('vault:lock', {});
    const unlocking = h.call('vault:unlock', { id: vault.id, passphrase: 'a long passphrase' });
    const locking = h.call('vault:lock', {});
    expect((await unlocking).ok).toBe(true);
    expect((await locking).ok).toBe(true);
    expect(await h.ok('app:status', {})).toEqual({ unlocked: null });
  });

  it('keeps the event loop free while the KDF runs in the worker', async () => {
    const h = startHarness();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await h.ok('vault:create', { name: 'responsive', passphrase: 'a long passphrase', kdf: { memoryMiB: 64, passes: 3 } });
    } finally {
      clearInterval(timer);
    }
    // A KDF on this thread would have blocked every tick until it finished.
    expect(ticks).toBeGreaterThan(5);
  });

  it('fails pending calls with INTERNAL when the worker dies, reports it, and starts afresh', async () => {
    const exits: number[] = [];
    const core = startCore({ workerUrl: DYING_WORKER, onExit: () => exits.push(1) });
    try {
      const error = await core.call('status', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CustosError);
      expect((error as CustosError).code).toBe('INTERNAL');
      expect(exits).toEqual([1]);
      await expect(core.call('status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(exits).toEqual([1, 1]);
    } finally {
      await core.close();
    }
  });

  it('turns an unknown operation into INTERNAL without details', async () => {
    const h = startHarness();
    await expect(h.core.call('nope' as 'status', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'an unexpected error occurred in the vault engine' });
  });
});

describe('events to the renderer', () => {
  it('pass the contract schema or are dropped', () => {
    const sent: unknown[] = [];
    const emit = contractEmit((event, payload) => void sent.push([event, payload]));
    emit('event:locked', { reason: 'idle' });
    emit('event:locked', { reason: 'idle', masterKey: 'AAAA' } as never);
    emit('event:progress', { task: 'unlock', label: 'x', done: -1, total: 0 });
    emit('event:progress', { task: 'generate', label: 'Generated', done: 1, total: 1 });
    expect(sent).toEqual([
      ['event:locked', { reason: 'idle' }],
      ['event:progress', { task: 'generate', label: 'Generated', done: 1, total: 1 }],
    ]);
  });
});

describe('networkStatus', () => {
  it('lists non-loopback addresses only and says air-gapped when there are none', () => {
    const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' };
    const eth = { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6' as const, mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 };
    expect(networkStatus(() => ({ lo: [lo] }))).toEqual({ airGapped: true, interfaces: [] });
    expect(networkStatus(() => ({ lo: [lo], eth0: [eth] }))).toEqual({ airGapped: false, interfaces: [{ name: 'eth0', address: 'fe80::1', family: 'IPv6' }] });
  });
});
