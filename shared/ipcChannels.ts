/**
 * The names of every IPC channel, and nothing else. Preload imports only this
 * file, so its bundle stays a few lines long and carries no schema library;
 * shared/ipc.ts binds a schema to each name and a compile-time check keeps
 * the two lists equal.
 */
export const INVOKE_CHANNELS = [
  'app:status',
  'network:status',
  'vault:list',
  'vault:create',
  'vault:openFile',
  'vault:unlockMethods',
  'vault:unlock',
  'vault:unlockWithMethod',
  'vault:unlockWithKeyFile',
  'vault:lock',
  'keys:list',
  'keys:get',
  'keys:generate',
  'keys:rotate',
  'keys:disable',
  'keys:enable',
  'keys:destroy',
  'keys:publicPem',
  'keys:copyPublicPem',
  'masterKey:rotationPlan',
  'masterKey:rotate',
  'settings:get',
  'settings:set',
  'ceremony:state',
  'ceremony:begin',
  'ceremony:airGap',
  'ceremony:roles',
  'ceremony:keys',
  'ceremony:quorum',
  'ceremony:preview',
  'ceremony:print',
  'ceremony:camera',
  'ceremony:verifySheet',
  'ceremony:backup',
  'ceremony:transcript',
  'ceremony:finish',
  'ceremony:abandon',
  'audit:head',
  'audit:page',
  'audit:verify',
  'audit:export',
  'backups:export',
  'backups:cancel',
  'backups:openBundle',
  'backups:openAccessKeys',
  'backups:import',
  'acra:export',
  'acra:import',
  'acra:redisPush',
  'acra:redisPull',
  'acra:bundleExport',
  'acra:bundleImport',
  'acra:vaultPublish',
  'restore:state',
  'restore:wordlist',
  'restore:addShare',
  'restore:scanShare',
  'restore:removeShare',
  'restore:reset',
  'restore:compare',
  'restore:chooseBundle',
  'restore:create',
  'restore:import',
  'restore:cancel',
  'restore:drill',
  'restore:printDrill',
  'restore:camera',
] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

/** Main → renderer notifications. */
export const EVENT_CHANNELS = ['event:progress', 'event:locked'] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** `keys:generate` → ['keys', 'generate']: how preload nests `window.custos.keys.generate`. */
export function splitChannel<C extends string>(channel: C): [string, string] {
  const at = channel.indexOf(':');
  return [channel.slice(0, at), channel.slice(at + 1)];
}

/** `event:progress` → `progress`: the name under `window.custos.on`. */
export function eventName(channel: EventChannel): string {
  return channel.slice('event:'.length);
}
