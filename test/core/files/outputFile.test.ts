import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
});
