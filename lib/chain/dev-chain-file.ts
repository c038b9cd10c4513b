import path from 'node:path';

/** Where `npm run dev` records the local chain it started and the contracts it deployed. */
export function devChainFile(dataDir: string): string {
  return path.resolve(dataDir, 'chain.json');
}
