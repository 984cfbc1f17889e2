import { mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceOf, onSameDevice } from '../../../src-main/core/files/sameDevice.js';
import { otherDeviceDir } from '../../helpers/otherDevice.js';
import { tempDir } from '../../helpers/tmp.js';

describe('deviceOf / onSameDevice', () => {
  it('gives a folder not made yet the device of its nearest existing parent', () => {
    const dir = tempDir();
    expect(deviceOf(join(dir, 'not', 'yet', 'made'))).toBe(statSync(dir).dev);
    mkdirSync(join(dir, 'a'));
    expect(onSameDevice(join(dir, 'a', 'b.db'), join(tempDir(), 'sheets'))).toBe(true);
  });

  it('tells another file system apart, through a link too (a link to a USB stick counts as the stick)', (ctx) => {
    const other = otherDeviceDir();
    if (!other.dir) {
      console.warn(`skipped: ${other.reason}`);
      ctx.skip();
      return;
    }
    const dir = tempDir();
    expect(onSameDevice(join(dir, 'custos.db'), join(other.dir, 'sheets'))).toBe(false);
    symlinkSync(other.dir, join(dir, 'stick'));
    expect(onSameDevice(join(dir, 'custos.db'), join(dir, 'stick', 'sheets'))).toBe(false);
  });
});
