import type * as Themis from 'wasm-themis';

/**
 * Cossack Labs' WebAssembly build of Themis, the independent implementation
 * the Acra formats are checked against. Its loader calls the global fetch on
 * a file path under Node 20 and fails (Themis issue 1062); with fetch hidden
 * while it initialises, it reads the .wasm file from disk instead.
 */
let loading: Promise<typeof Themis> | undefined;

export function wasmThemis(): Promise<typeof Themis> {
  loading ??= (async () => {
    const saved = globalThis.fetch;
    (globalThis as { fetch?: unknown }).fetch = undefined;
    try {
      const themis = (await import('wasm-themis')).default as unknown as typeof Themis;
      await themis.initialized;
      return themis;
    } finally {
      globalThis.fetch = saved;
    }
  })();
  return loading;
}
