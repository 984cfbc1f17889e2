import type { CustosApi } from '../shared/ipc';

declare global {
  interface Window {
    /** Exposed by preload (src-main/app/preload.ts); the renderer's only way out. */
    readonly custos: CustosApi & {
      /** A dropped file's path (webUtils.getPathForFile in preload), only ever a place for main's own dialog to start. */
      readonly files: { readonly pathOf: (file: File) => string };
    };
  }
}
export {};
