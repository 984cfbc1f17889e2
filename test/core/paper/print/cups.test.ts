import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePreserveJobFiles, preserveJobFilesWarning, readPreserveJobFiles } from '../../../../src-main/core/paper/print/cups.js';
import { tempDir } from '../../../helpers/tmp.js';

describe("CUPS's PreserveJobFiles", () => {
  it('reads the last setting, with CUPS time units, and defaults to one day as cupsd.conf(5) says', () => {
    expect(parsePreserveJobFiles('LogLevel warn\n')).toEqual({ kind: 'seconds', seconds: 86400 });
    expect(parsePreserveJobFiles('PreserveJobFiles No\n')).toEqual({ kind: 'no' });
    expect(parsePreserveJobFiles('PreserveJobFiles off')).toEqual({ kind: 'no' });
    expect(parsePreserveJobFiles('PreserveJobFiles Yes')).toEqual({ kind: 'yes' });
    expect(parsePreserveJobFiles('PreserveJobFiles 3600')).toEqual({ kind: 'seconds', seconds: 3600 });
    expect(parsePreserveJobFiles('PreserveJobFiles 2d')).toEqual({ kind: 'seconds', seconds: 172800 });
    expect(parsePreserveJobFiles('PreserveJobFiles 1w\nPreserveJobFiles No')).toEqual({ kind: 'no' });
    expect(parsePreserveJobFiles('#PreserveJobFiles No\n')).toEqual({ kind: 'seconds', seconds: 86400 });
    expect(parsePreserveJobFiles('PreserveJobFiles sometimes').kind).toBe('unknown');
  });

  it('warns for every setting that keeps spool copies, says how to stop it, and is silent for No or 0', () => {
    const at = (conf: string) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'cupsd.conf'), conf);
      return preserveJobFilesWarning(readPreserveJobFiles(dir));
    };
    expect(at('PreserveJobFiles No')).toBeNull();
    expect(at('PreserveJobFiles 0')).toBeNull();
    expect(at('PreserveJobFiles 2h')).toMatch(/for 2 hours after printing .*PreserveJobFiles No/);
    expect(at('PreserveJobFiles Yes')).toMatch(/until the job history is purged/);
    expect(at('')).toMatch(/for 1 day after printing/);
    expect(preserveJobFilesWarning(readPreserveJobFiles(join(tempDir(), 'missing')))).toMatch(/could not tell .*cannot read .*ENOENT.*default keeps them .* for a day/);
  });
});
