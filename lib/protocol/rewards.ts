import { getAddress } from 'viem';
import { z } from 'zod';

/** `GET /api/v1/config`: where the chain and contracts are; null fields when no chain is configured. */
export const publicConfigSchema = z.object({
  chainId: z.number().int().positive().nullable(),
  rpcUrl: z.string().nullable(),
  tokenAddress: z.string().nullable(),
  distributorAddress: z.string().nullable(),
});

/**
 * A 0x-prefixed 20-byte address (answers use lower case): all lower case, all upper case, or mixed
 * case that is a valid EIP-55 checksum. A mixed-case address whose checksum fails is a typo, refused
 * rather than credited to an account nobody holds.
 */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .refine(
    (value) => {
      const hex = value.slice(2);
      if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return true; // the regex above already refused it
      return hex === hex.toLowerCase() || hex === hex.toUpperCase() || getAddress(value) === value;
    },
    { error: 'has a mixed-case EIP-55 checksum that does not match: check the address for a typo' },
  )
  .transform((value) => value.toLowerCase() as `0x${string}`);

/** Token amounts cross the wire as decimal strings of token units (18 decimals): JSON numbers lose precision. */
export const tokenAmountSchema = z.string().regex(/^[0-9]+$/, 'must be a decimal integer');

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);

/**
 * `POST /api/v1/epochs` answer. `status`: `published` — a new root reached the chain now;
 * `unchanged` — no credit changed since the last epoch, which is returned; `publishing` — an epoch
 * is being sent by another coordinator process; `empty` — no wallet-linked volunteer has credit yet.
 */
export const closeEpochResponseSchema = z.object({
  epoch: z.number().int().nullable(),
  root: hex32.nullable(),
  txHash: hex32.nullable(),
  status: z.enum(['published', 'unchanged', 'publishing', 'empty']),
});

export const rewardLeafSchema = z.object({
  address: z.string(),
  cumulative: tokenAmountSchema,
});

export const epochSchema = z.object({
  epoch: z.number().int(),
  root: hex32,
  /** Sum of the leaves, token units. */
  total: tokenAmountSchema,
  /** Operator grants minted with this root, token units. */
  grants: tokenAmountSchema,
  txHash: hex32.nullable(),
  publishedAt: z.iso.datetime().nullable(),
  /** Every `(address, cumulative)` of the tree, sorted by address: enough to recompute `root`. */
  leaves: z.array(rewardLeafSchema),
});

/** `GET /api/v1/epochs`, newest first. */
export const epochListResponseSchema = z.object({
  /** Leaf encoding: `keccak256(bytes.concat(keccak256(abi.encode(address, uint256))))`, OpenZeppelin standard tree. */
  leafEncoding: z.array(z.string()),
  epochs: z.array(epochSchema),
});

/** `GET /api/v1/rewards/{address}`. */
export const rewardsResponseSchema = z.object({
  address: z.string(),
  chainId: z.number().int().nullable(),
  distributorAddress: z.string().nullable(),
  tokenAddress: z.string().nullable(),
  /** The latest published epoch (null before the first). */
  epoch: z.number().int().nullable(),
  root: hex32.nullable(),
  /** Token units this address may claim in total under `root` ("0" when it has no leaf). */
  cumulative: tokenAmountSchema,
  /** The claim arguments: `claim(address, cumulative, proof)`; empty when `cumulative` is "0". */
  proof: z.array(hex32),
  /** `claimed(address)` on the distributor, token units; null when the chain could not be read. */
  claimed: tokenAmountSchema.nullable(),
  /** `cumulative − claimed` (never negative); null when the chain could not be read. */
  claimable: tokenAmountSchema.nullable(),
  /** Verified credit of the volunteers linked to this address not yet in a published root, token units. */
  pending: tokenAmountSchema,
  /** Why `claimed` is null (chain not configured or unreachable). */
  chainError: z.string().nullable(),
  /** This address's cumulative amount in each published epoch it appears in, newest first. */
  history: z.array(
    z.object({
      epoch: z.number().int(),
      cumulative: tokenAmountSchema,
      txHash: hex32.nullable(),
      publishedAt: z.iso.datetime().nullable(),
    }),
  ),
});

export type PublicConfigResponse = z.infer<typeof publicConfigSchema>;
export type CloseEpochResponse = z.infer<typeof closeEpochResponseSchema>;
export type EpochInfo = z.infer<typeof epochSchema>;
export type EpochListResponse = z.infer<typeof epochListResponseSchema>;
export type RewardsResponse = z.infer<typeof rewardsResponseSchema>;

/** `POST /api/v1/grants` (operator): sponsor balance for an account. */
export const grantRequestSchema = z.strictObject({
  address: addressSchema,
  /** Token units, decimal string. */
  amount: z.string({ error: 'must be a decimal string of token units' }),
});

export const grantResponseSchema = z.object({
  grantId: z.uuid(),
  address: z.string(),
  amount: tokenAmountSchema,
  balance: tokenAmountSchema,
  remainingThisEpoch: tokenAmountSchema,
});

/** `POST /api/v1/withdrawals`: move unreserved balance to what the linked wallet can claim. */
export const withdrawalRequestSchema = z.strictObject({
  /** Token units, decimal string. */
  amount: z.string({ error: 'must be a decimal string of token units' }),
});

export const withdrawalResponseSchema = z.object({
  withdrawalId: z.uuid(),
  address: z.string(),
  amount: tokenAmountSchema,
  balance: tokenAmountSchema,
});

export type WithdrawalResponse = z.infer<typeof withdrawalResponseSchema>;
