/**
 * A ceremony started with no vault open (the Welcome screen): steps 1 and 2
 * (air gap, roles) run here in main on a draft session, under the same rules
 * the worker applies to a vault's session (core/ceremony/draft.ts). Step 3
 * creates the vault through vault:create (or uses an unlocked one), and
 * ceremony:begin hands the draft to the worker, which stores it in that
 * vault with audit entries; the draft is then dropped here.
 *
 * The draft holds names, the interfaces that were up and a typed reason:
 * nothing secret. It lives in main's memory, so it survives a restart of the
 * worker but not of the app (nothing was written anywhere yet; the two steps
 * are simply done again).
 */
import { CustosError } from '../../shared/errors.js';
import type { CeremonyState, NetworkStatus } from '../../shared/ipc.js';
import { airGapOn, newSession, rolesOn } from '../core/ceremony/draft.js';
import { sessionView, type CeremonySession } from '../core/ceremony/session.js';

export interface CeremonyDraft {
  /** The draft as the renderer sees it, or null when there is none. */
  view(): CeremonyState | null;
  begin(network: NetworkStatus): CeremonyState;
  airGap(network: NetworkStatus, override: string | undefined, by: string | undefined): CeremonyState;
  roles(roles: { operator: string; witnesses: string[]; custodians: string[] }): CeremonyState;
  /** The draft for a vault to adopt (a copy: it is dropped only once the vault has stored it). */
  take(): CeremonySession | null;
  drop(): void;
}

export function ceremonyDraft(): CeremonyDraft {
  let draft: CeremonySession | null = null;
  const view = (s: CeremonySession) => sessionView(s, { earlierCeremonies: 0, wordsHeld: false, beforeVault: true });
  const current = (): CeremonySession => {
    if (!draft) throw new CustosError('INVALID_ARGUMENT', 'no ceremony is under way: begin one first');
    return draft;
  };
  /** Runs a step on a copy and keeps it only if the step succeeded, as a transaction would. */
  const change = (fn: (s: CeremonySession) => void): CeremonyState => {
    const next = structuredClone(current());
    fn(next);
    draft = next;
    return view(next);
  };
  return {
    view: () => (draft ? view(draft) : null),
    begin(network) {
      if (draft) throw new CustosError('INVALID_ARGUMENT', 'a ceremony is already under way: resume it or abandon it first');
      draft = newSession(network, '');
      return view(draft);
    },
    // No vault, no audit log yet: the override's entry is written when a vault adopts the draft (adoptionEntries).
    airGap: (network, override, by) => change((s) => void airGapOn(s, network, override, by)),
    roles: (roles) => change((s) => rolesOn(s, roles)),
    take: () => (draft ? structuredClone(draft) : null),
    drop() {
      draft = null;
    },
  };
}
