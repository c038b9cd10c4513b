import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { devChainFile } from '../chain/dev-chain-file';
import { env } from '../env';

export interface PublicConfig {
  chainId: number | null;
  rpcUrl: string | null;
  tokenAddress: string | null;
  distributorAddress: string | null;
}

const devChainSchema = z.object({
  chainId: z.number().int(),
  rpcUrl: z.string(),
  tokenAddress: z.string(),
  distributorAddress: z.string(),
});

/**
 * Public settings the browser needs. Explicit settings win; otherwise the dev chain recorded in
 * DATA_DIR; fields stay null when neither exists (no chain configured).
 */
export async function getPublicConfig(): Promise<PublicConfig> {
  const settings = env();
  let dev: z.infer<typeof devChainSchema> | undefined;
  if (!settings.RPC_URL) {
    try {
      dev = devChainSchema.parse(JSON.parse(await readFile(devChainFile(settings.DATA_DIR), 'utf8')));
    } catch {
      dev = undefined;
    }
  }
  return {
    chainId: settings.CHAIN_ID ?? dev?.chainId ?? null,
    rpcUrl: settings.RPC_URL ?? dev?.rpcUrl ?? null,
    tokenAddress: settings.TOKEN_ADDRESS ?? dev?.tokenAddress ?? null,
    distributorAddress: settings.DISTRIBUTOR_ADDRESS ?? dev?.distributorAddress ?? null,
  };
}
