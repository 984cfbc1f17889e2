import { Help, type Command, type Option } from 'commander';

/** The heading of the options that say which keystore and how to unlock it. */
export const UNLOCK_OPTIONS_HEADING = 'Keystore and unlock options:';
/** The heading of --actor and --json, which every keystore command takes. */
export const COMMON_OPTIONS_HEADING = 'Common options:';

const LAST = [UNLOCK_OPTIONS_HEADING, COMMON_OPTIONS_HEADING];

/**
 * Commander orders help groups by where their first option was added, and
 * the shared keystore options are added before a command's own. A reader
 * looks for what the command does first, so its own options lead and the
 * shared groups follow, always in the same order.
 */
export function orderHelpGroups<T extends Command | Option>(this: Help, unsorted: T[], visible: T[], getGroup: (item: T) => string): Map<string, T[]> {
  const groups = Help.prototype.groupItems.call<Help, [T[], T[], (item: T) => string], Map<string, T[]>>(this, unsorted, visible, getGroup);
  const ordered = new Map([...groups].filter(([heading]) => !LAST.includes(heading)));
  for (const heading of LAST) {
    const items = groups.get(heading);
    if (items) ordered.set(heading, items);
  }
  return ordered;
}
