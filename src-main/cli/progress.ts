import type { CliIo } from './io.js';

/**
 * A progress bar on stderr, drawn only when stderr is a terminal and output is
 * not JSON, so scripts and logs never see control characters.
 */
export function progressBar(io: CliIo, label: string, enabled: boolean): { update(done: number, total: number): void; finish(): void } {
  if (!enabled || !io.stderrIsTTY) return { update: () => undefined, finish: () => undefined };
  let last = -1;
  let drawn = false;
  return {
    update(done, total) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === last) return;
      last = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      io.err(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% (${done}/${total})`);
      drawn = true;
    },
    finish() {
      if (drawn) io.err('\n');
    },
  };
}
