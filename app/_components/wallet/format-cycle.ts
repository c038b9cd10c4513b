import { BaseError, formatUnits, UserRejectedRequestError } from 'viem';

/** Token units (decimal string or bigint) as exact CYCLE, e.g. `0.004096 CYCLE`. */
export function formatCycle(units: string | bigint): string {
  return `${formatUnits(BigInt(units), 18)} CYCLE`;
}

/** A wallet or RPC failure in one sentence a person can act on. */
export function describeWalletError(error: unknown): string {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError))
      return 'You declined the request in your wallet.';
    return error.shortMessage;
  }
  if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === 4001) {
    return 'You declined the request in your wallet.';
  }
  return error instanceof Error ? error.message : String(error);
}
