import { parseStrictCidr } from './network-policy.js';
import type { NetworkPolicyPeer } from './types.js';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type IPBlock = NonNullable<NetworkPolicyPeer['ipBlock']>;

/** Excepts read per block: the API server sets no limit, a real policy lists a handful. */
export const MAX_EXCEPTS = 64;

/** The first (mask false) or last (mask true) address of a CIDR, as bytes. */
function boundary([addr, bits]: [Address, number], last: boolean): number[] {
  return addr.toByteArray().map((byte, i) => {
    const kept = Math.max(0, Math.min(8, bits - i * 8));
    const host = 0xff >> kept;
    return last ? byte | host : byte & ~host & 0xff;
  });
}

/** The address after `bytes`, or null past the family's last address. */
function successor(bytes: readonly number[]): Address | null {
  const next = [...bytes];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 0xff) {
      next[i]!++;
      return ipaddr.fromByteArray(next);
    }
    next[i] = 0;
  }
  return null;
}

/**
 * An address an ipBlock admits: inside `cidr` and outside every `except`, as text; null when the
 * excepts cover the whole block; undefined when the block cannot be read (a form the API server
 * rejects, an except of the other family, more than MAX_EXCEPTS excepts). The block minus its
 * excepts is a union of ranges, each starting at the block's first address or just after an
 * except's last, so those few candidates decide it: O(excepts²), whatever the prefix lengths.
 * @example addressAdmittedBy({ cidr: '10.0.0.0/8', except: ['10.0.0.0/24'] }) // '10.0.1.0'
 */
export function addressAdmittedBy(block: IPBlock): string | null | undefined {
  const cidr = parseStrictCidr(block.cidr);
  const excepts = (block.except ?? []).map(parseStrictCidr);
  if (!cidr || excepts.length > MAX_EXCEPTS) return undefined;
  const ranges: [Address, number][] = [];
  for (const e of excepts) {
    if (!e || e[0].kind() !== cidr[0].kind()) return undefined;
    ranges.push(e);
  }
  const candidates = [
    ipaddr.fromByteArray(boundary(cidr, false)),
    ...ranges.map((e) => successor(boundary(e, true))),
  ];
  const free = candidates.find((c) => c?.match(cidr) && !ranges.some((e) => c.match(e)));
  return free ? free.toString() : null;
}
