import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { type Address, encodeAbiParameters, getAddress, type Hex, keccak256, maxUint256 } from 'viem';

/**
 * The one definition of a reward leaf: `(account, cumulative)` ABI-encoded, hashed twice
 * (OpenZeppelin standard tree). `RewardDistributor.claim` computes
 * `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))`, and
 * `merkle.test.ts` proves against a real chain that the two agree.
 */
export const rewardLeafEncoding = ['address', 'uint256'] as const;

/** One account's total credit ever earned, in token units (18 decimals); never decreases. */
export interface RewardEntry {
  address: Address;
  cumulative: bigint;
}

/** What a volunteer submits to `claim(account, cumulativeAmount, proof)`. */
export interface RewardProof {
  cumulative: bigint;
  proof: Hex[];
}

export interface RewardTree {
  /** Published on chain with `publishRoot(epoch, root)`. */
  root: Hex;
  /** Entries in input order, addresses checksummed, with their leaf hashes. */
  leaves: readonly (RewardEntry & { hash: Hex })[];
  /** The claim arguments for `address` (any letter case), or `undefined` when it has no leaf. */
  proofFor(address: Address): RewardProof | undefined;
}

/** Leaf hash of `(address, cumulative)`, exactly as the distributor computes it. */
export function leafHash(address: Address, cumulative: bigint): Hex {
  const encoded = encodeAbiParameters(
    rewardLeafEncoding.map((type) => ({ type })),
    [address, cumulative],
  );
  return keccak256(keccak256(encoded));
}

/**
 * Builds the cumulative-credit tree for one epoch.
 *
 * Entries are totals, not increments: the contract pays `cumulative - claimed`, so a volunteer
 * who skipped claims for several epochs gets everything with the latest proof, and an old proof
 * can never pay again. One leaf per account; duplicates are rejected because either leaf would
 * be claimable.
 *
 * @example
 * const tree = buildRewardTree([{ address: '0xA11cE…', cumulative: 5n * 10n ** 18n }]);
 * await publishRoot(epoch, tree.root);
 * const { cumulative, proof } = tree.proofFor('0xa11ce…')!; // claim(account, cumulative, proof)
 */
export function buildRewardTree(entries: readonly RewardEntry[]): RewardTree {
  if (entries.length === 0) throw new RangeError('a reward tree needs at least one entry');
  const values: [Address, bigint][] = [];
  const seen = new Set<Address>();
  for (const entry of entries) {
    const address = getAddress(entry.address);
    if (seen.has(address)) throw new RangeError(`duplicate reward entry for ${address}`);
    if (entry.cumulative < 0n || entry.cumulative > maxUint256) {
      throw new RangeError(`cumulative amount for ${address} must fit a uint256, got ${entry.cumulative}`);
    }
    seen.add(address);
    values.push([address, entry.cumulative]);
  }

  const tree = StandardMerkleTree.of(values, [...rewardLeafEncoding]);
  const indexByAddress = new Map(values.map(([address], i) => [address.toLowerCase(), i]));

  return {
    root: tree.root as Hex,
    leaves: values.map(([address, cumulative]) => ({
      address,
      cumulative,
      hash: tree.leafHash([address, cumulative]) as Hex,
    })),
    proofFor(address) {
      const index = indexByAddress.get(address.toLowerCase());
      if (index === undefined) return undefined;
      const [, cumulative] = values[index]!;
      return { cumulative, proof: tree.getProof(index) as Hex[] };
    },
  };
}
