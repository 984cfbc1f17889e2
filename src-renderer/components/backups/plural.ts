/** `1 key`, `2 keys`, `10,000 keys`: counts as a person reads them. */
export const counted = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
