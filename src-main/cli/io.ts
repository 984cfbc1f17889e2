
/** Everything the CLI touches of its process, so tests can run it in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** A person is at the keyboard: prompts are allowed. */
  interactive: boolean;
  /** stderr is a terminal: progress bars are allowed. */
  stderrIsTTY: boolean;
  readStdin(): Promise<string>;
  /** Reads a line without echoing it. */
  promptHidden(question: string): Promise<string>;
  /** Reads a line with echo. */
  prompt(question: string): Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Prompts are rare: readline is loaded for the first one, not at every start. */
async function ask(question: string, hidden: boolean): Promise<string> {
  const [{ createInterface }, { Writable }] = await Promise.all([import('node:readline'), import('node:stream')]);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
    muted = hidden;
  });
}

/**
 * A reader that went away (`custos keys list | head -1`) has what it wanted:
 * the rest of the output is dropped and the command ends as it would have,
 * exit status and all, instead of Node's EPIPE stack trace. The error comes
 * after the write that failed, so writes already on their way may report
 * ERR_STREAM_DESTROYED: those are the same closed pipe.
 */
function pipeWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw error;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

export function processIo(): CliIo {
  return {
    out: pipeWriter(process.stdout),
    err: pipeWriter(process.stderr),
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    readStdin: () => readAll(process.stdin),
    promptHidden: (question) => ask(question, true),
    prompt: (question) => ask(question, false),
  };
}
