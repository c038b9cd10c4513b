import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network prefix replicas of one shard must not share, and registrations are counted by:
 * an IPv4 /24 (`v4:203.0.113`) or an IPv6 /48 (`v6:2001:db8:1`). IPv4-mapped IPv6 addresses count
 * as IPv4. Loopback (127.0.0.0/8, ::1) and a missing address answer null: on a development machine
 * every browser is loopback, so loopback is no prefix constraint (identity and wallet constraints
 * still apply; docs/trust.md). Anything that is not an address answers `unknown`, one shared prefix,
 * so an unparseable proxy header never escapes the constraints.
 *
 * @example networkPrefix('203.0.113.7') // 'v4:203.0.113'
 */
export function networkPrefix(address: string | null | undefined): string | null {
  if (address == null || address === '') return null;
  let a = address.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  if (isIPv4(a)) {
    const parts = a.split('.');
    if (parts[0] === '127') return null;
    return `v4:${parts.slice(0, 3).map(Number).join('.')}`;
  }
  if (isIPv6(a)) {
    const groups = expandIPv6(a);
    if (groups.every((g, i) => (i === 7 ? g === 1 : g === 0))) return null;
    return `v6:${groups
      .slice(0, 3)
      .map((g) => g.toString(16))
      .join(':')}`;
  }
  return 'unknown';
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail becomes two groups). */
function expandIPv6(address: string): number[] {
  let a = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    a = `${a.slice(0, -v4[1]!.length)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? (a.split('::') as [string, string]) : [a, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}
