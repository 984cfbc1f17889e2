import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputFile, publishAll } from '../../../src-main/core/files/outputFile.js';
import { tempDir } from '../../helpers/tmp.js';

describe('OutputFile', () => {
  it('writes under a hidden temporary name and appears, mode 0600, only when published', () => {
    const dir = tempDir();
    const file = new OutputFile(join(dir, 'out.bin'), false);
    file.write(Buffer.from('hello'));
    expect(existsSync(join(dir, 'out.bin'))).toBe(false);
    file.publish();
    expect(readFileSync(join(dir, 'out.bin'), 'utf8')).toBe('hello');
    expect(statSync(join(dir, 'out.bin')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('never replaces a file that appeared while it was being written', () => {
    const dir = tempDir();
    const file = new OutputFile(join(dir, 'out.bin'), false);
    file.write(Buffer.from('new'));
    writeFileSync(join(dir, 'out.bin'), 'someone else');
    expect(() => file.publish()).toThrow(expect.objectContaining({ code: 'FILE_EXISTS' }));
    file.discard();
    expect(readFileSync(join(dir, 'out.bin'), 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('publishAll puts every file in place or none', () => {
    const dir = tempDir();
    const files = ['a', 'b', 'c'].map((n) => new OutputFile(join(dir, n), false));
    for (const f of files) f.write(Buffer.from('x'));
    writeFileSync(join(dir, 'c'), 'in the way');
    expect(() => publishAll(files)).toThrow(expect.objectContaining({ code: 'FILE_EXISTS' }));
    for (const f of files) f.discard();
    expect(readdirSync(dir)).toEqual(['c']);
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('in the way');
  });

  it('with force, a replaced file is kept until discard, and put back when a later file of the same operation fails', () => {
    const dir = tempDir();
    const sub = join(dir, 'keys');
    mkdirSync(sub);
    writeFileSync(join(dir, 'a.bundle'), 'old bundle');
    writeFileSync(join(sub, 'a.json'), 'old access keys');
    const bundle = new OutputFile(join(dir, 'a.bundle'), true);
    const keys = new OutputFile(join(sub, 'a.json'), true);
    bundle.write(Buffer.from('new bundle'));
    keys.write(Buffer.from('new access keys'));
    // The second file cannot be put in place (its folder went away while it was written).
    rmSync(sub, { recursive: true });
    expect(() => publishAll([bundle, keys])).toThrow(expect.objectContaining({ code: 'FILE_IO' }));
    bundle.discard();
    keys.discard();
    expect(readFileSync(join(dir, 'a.bundle'), 'utf8')).toBe('old bundle');
    expect(readdirSync(dir)).toEqual(['a.bundle']);
  });

  it('with force, a successful replacement leaves only the new file once discarded', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out.bin'), 'old');
    const file = new OutputFile(join(dir, 'out.bin'), true);
    file.write(Buffer.from('new'));
    file.publish();
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-'))).toHaveLength(1);
    file.discard();
    expect(readFileSync(join(dir, 'out.bin'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });
});
