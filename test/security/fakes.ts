import { EventEmitter } from 'node:events';

/** An event source that records listeners and lets a test fire them, like WebContents/App/Session `on`. */
export class Fake extends EventEmitter {
  fire(event: string, ...args: unknown[]): void {
    this.emit(event, ...args);
  }
}

/** An Electron-style event whose preventDefault a test can observe. */
export function navEvent(url = ''): { url: string; prevented: boolean; preventDefault(): void } {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

/** Casts a fake to the Electron type a module accepts (the modules take narrow Pick<> types). */
export const as = <T>(value: unknown): T => value as T;
