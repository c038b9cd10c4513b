import { type Address, isAddressEqual, recoverMessageAddress } from 'viem';
import { verifySiweMessage } from 'viem/siwe';
import type { RewardChain } from '../../chain/reward-chain';

/**
 * Whether `signature` is `address`'s `personal_sign` over `message`.
 *
 * An ordinary wallet (EOA) is checked offline by recovering the signer, so signing in works even
 * when the chain is slow or down. Only when that fails and a chain is configured does it ask the
 * chain (viem's `verifySiweMessage`: ERC-1271 / ERC-6492), which is how smart-contract wallets sign.
 */
export async function verifySiweSignature(
  input: { address: Address; message: string; signature: `0x${string}` },
  chain: Pick<RewardChain, 'publicClient'> | null,
): Promise<boolean> {
  try {
    const signer = await recoverMessageAddress({ message: input.message, signature: input.signature });
    if (isAddressEqual(signer, input.address)) return true;
  } catch {
    // not a 65-byte ECDSA signature: maybe a contract wallet's
  }
  if (!chain) return false;
  try {
    return await verifySiweMessage(chain.publicClient, {
      message: input.message,
      signature: input.signature,
      address: input.address,
    });
  } catch {
    return false;
  }
}
