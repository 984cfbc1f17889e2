import type { CustosApi } from '../shared/ipc';

declare global {
  interface Window {
    /** Exposed by preload (src-main/app/preload.ts); the renderer's only way out. */
    readonly custos: CustosApi;
  }
}
export {};
