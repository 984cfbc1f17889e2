import { EVENTS, type EventChannel, type EventPayload } from '../../shared/ipc.js';

export type Emit = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

/**
 * Main → renderer events pass the contract's strict schema on the way out,
 * like responses do: a payload with an unexpected field is dropped, not sent.
 */
export function contractEmit(send: Emit): Emit {
  return (event, payload) => {
    const parsed = EVENTS[event].safeParse(payload);
    if (parsed.success) send(event, parsed.data as typeof payload);
  };
}
