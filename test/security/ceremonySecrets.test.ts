/**
 * Share words go main → renderer never. Statically: no ceremony response or
 * event schema has a field that could carry words or the share passphrase.
 * Dynamically: a whole ceremony with a share passphrase runs through the
 * handler table, and no response or event holds a run of any sheet's words
 * or the passphrase.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CONTRACT, EVENTS } from '../../shared/ipc.js';
import { CEREMONY_CONTRACT } from '../../shared/ipcCeremony.js';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { tempDir } from '../helpers/tmp.js';
import { createVault, recorder, throughPrint, wordsOf } from '../ipc/ceremonyDriver.js';
import { startHarness } from '../ipc/harness.js';

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  options?: Array<{ _zod: { def: Def } }>;
  in?: { _zod: { def: Def } };
  out?: { _zod: { def: Def } };
}

/** Every field name anywhere in a schema. */
function fieldNames(schema: z.ZodType, into = new Set<string>()): Set<string> {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const walk = (d: Def) => {
    for (const [name, child] of Object.entries(d.shape ?? {})) {
      into.add(name);
      walk(child._zod.def);
    }
    for (const child of [d.element, d.innerType, d.in, d.out]) if (child) walk(child._zod.def);
    for (const option of d.options ?? []) walk(option._zod.def);
  };
  walk(def);
  return into;
}

const SECRET_FIELDS = /^(words?|mnemonics?|shares?|passphrase|secret|masterKey|tagKey|tag)$/i;

describe('ceremony secrets', () => {
  it('no ceremony response or event schema has a field for words, shares, a passphrase or key material; requests carry words and the passphrase only where a person types them', () => {
    for (const [channel, { request, response }] of Object.entries(CEREMONY_CONTRACT)) {
      expect([...fieldNames(response)].filter((n) => SECRET_FIELDS.test(n)), channel).toEqual([]);
      const asked = [...fieldNames(request)].filter((n) => SECRET_FIELDS.test(n));
      expect(asked, channel).toEqual(channel === 'ceremony:verifySheet' ? ['words'] : channel === 'ceremony:quorum' ? ['passphrase'] : []);
      expect(CONTRACT[channel as keyof typeof CONTRACT]).toBe(CEREMONY_CONTRACT[channel as keyof typeof CEREMONY_CONTRACT]);
    }
    for (const [event, schema] of Object.entries(EVENTS)) expect([...fieldNames(schema)].filter((n) => SECRET_FIELDS.test(n)), event).toEqual([]);
  });

  it('a whole ceremony with a share passphrase: no response or event holds a sheet’s words or the passphrase', async () => {
    const shm = otherDeviceDir();
    if (!shm.dir) throw new Error(shm.reason);
    const passphrase = 'tiger-lantern-orchid-9173';
    const h = startHarness();
    const r = recorder(h);
    await createVault(h);
    const { printed } = await throughPrint(h, r, { sheetsDir: join(shm.dir, 'sheets'), groups: [{ threshold: 2, count: 3 }], passphrase, clientIds: ['billing-svc'] });
    expect(printed.state.quorum?.passphraseUsed).toBe(true);
    await r.ok('ceremony:preview', { paperSize: 'a4' });
    await r.ok('ceremony:camera', { open: true });
    const words = await wordsOf(printed.files);
    // A wrong sheet, then each right one.
    await r.ok('ceremony:verifySheet', { index: 1, words: words[2] ?? '', how: 'camera' });
    for (const [i, w] of words.entries()) expect((await r.ok('ceremony:verifySheet', { index: i + 1, words: w, how: 'camera' })).match).toBe(true);
    const local = tempDir('custos-bundle-');
    const keys = join(shm.dir, 'keys');
    mkdirSync(keys);
    h.folderChoices.push({ purpose: 'backup-bundle', path: local }, { purpose: 'backup-access-keys', path: keys });
    await r.ok('ceremony:backup', {});
    h.saveChoices.push(join(local, 'transcript.pdf'));
    await r.ok('ceremony:transcript', {});
    await r.ok('ceremony:state', {});
    await r.ok('ceremony:finish', {});

    const sent = [...r.responses, ...h.events.map((e) => JSON.stringify(e.payload))].join('\n').toLowerCase();
    expect(r.responses.length).toBeGreaterThan(10);
    expect(sent).not.toContain(passphrase.toLowerCase());
    for (const w of words) {
      const list = w.split(' ');
      expect(list).toHaveLength(33);
      for (let i = 0; i + 4 <= list.length; i++) expect(sent).not.toContain(list.slice(i, i + 4).join(' '));
    }
  }, 120_000);
});
