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

export interface StatusLine {
  /** Redraws the line, with the seconds elapsed and what is being done now. */
  step(detail?: string): void;
  /** Erases the line (what the work produced is reported on stdout); once, however often called. */
  finish(): void;
}

/**
 * A status line on stderr for work that reports no fraction done (argon2id).
 * The KDF runs on this thread and blocks the event loop, so a timer could not
 * redraw during it: the line is drawn when the work starts, so a long KDF is
 * never silent, and redrawn, with the seconds so far, at each step the work
 * reports between derivations. As the bar above: a terminal, no JSON, only.
 */
export function statusLine(io: CliIo, label: string, enabled: boolean, now: () => number = () => performance.now()): StatusLine {
  if (!enabled || !io.stderrIsTTY) return { step: () => undefined, finish: () => undefined };
  const started = now();
  let drawn = '';
  let finished = false;
  const draw = (detail: string | undefined) => {
    if (finished) return;
    const seconds = ((now() - started) / 1000).toFixed(1);
    const text = `${label}${detail ? `: ${detail}` : ''}... ${seconds} s`;
    // Spaces cover the end of a longer line drawn before (no cursor control beyond \r).
    io.err(`\r${text.padEnd(drawn.length)}`);
    drawn = text;
  };
  draw(undefined);
  return {
    step: draw,
    finish() {
      if (finished) return;
      finished = true;
      io.err(`\r${' '.repeat(drawn.length)}\r`);
    },
  };
}
