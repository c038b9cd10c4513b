/** One replica's ties to the people behind it, as the validator reads them. */
export interface ReplicaTies {
  id: string;
  volunteerId: string;
  /** The network prefix its lease came from (null: loopback or unknown). */
  networkPrefix: string | null;
  /** Its volunteer's linked wallet now (null: none). */
  wallet: string | null;
}

/**
 * Which replicas of one shard speak for the same party: those of one volunteer, of volunteers that
 * share a linked wallet, or whose leases came from one network prefix — transitively. Returns a key
 * per replica id; replicas with equal keys count as one vote (decide-shard.ts). The scheduler keeps
 * such replicas apart at lease time; this catches what changed since (a wallet linked afterwards).
 *
 * @example partyKeys([{id: 'r1', volunteerId: 'a', networkPrefix: null, wallet: '0x1'},
 *   {id: 'r2', volunteerId: 'b', networkPrefix: null, wallet: '0x1'}]) // r1 and r2 share a key
 */
export function partyKeys(replicas: readonly ReplicaTies[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const join = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const r of replicas) {
    join(`v:${r.volunteerId}`, `v:${r.volunteerId}`);
    if (r.networkPrefix) join(`v:${r.volunteerId}`, `p:${r.networkPrefix}`);
    if (r.wallet) join(`v:${r.volunteerId}`, `w:${r.wallet}`);
  }
  return new Map(replicas.map((r) => [r.id, find(`v:${r.volunteerId}`)]));
}
