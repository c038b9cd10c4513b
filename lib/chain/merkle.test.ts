import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEventLogs,
  parseUnits,
  type Transport,
  type WalletClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from './anvil';
import { deployContracts } from './deploy';
import { rewardDistributorAbi, spareCyclesTokenAbi } from './generated/contracts';
import { buildRewardTree, leafHash, type RewardEntry, type RewardProof } from './merkle';

// anvil's first two well-known dev keys (public: they only ever hold test ether).
const deployerKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const volunteerKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

const cycles = (amount: string) => parseUnits(amount, 18);

/** The custom error a call reverts with, by name and arguments (e.g. `NothingToClaim`). */
async function revertOf(call: Promise<unknown>): Promise<{ name?: string; args?: readonly unknown[] }> {
  try {
    await call;
  } catch (error) {
    const reverted =
      error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError) {
      return { name: reverted.data?.errorName, args: reverted.data?.args };
    }
    throw error;
  }
  throw new Error('expected the call to revert');
}

// The cases run in order against one chain: each builds on the balances the previous ones left.
describe('reward tree against the real contracts (anvil)', () => {
  let anvil: Anvil;
  let publicClient: PublicClient;
  let deployer: WalletClient<Transport, Chain, Account>;
  let distributor: Address;
  let token: Address;

  const volunteer = privateKeyToAccount(volunteerKey);
  const others = Array.from({ length: 5 }, () => privateKeyToAccount(generatePrivateKey()).address);
  const epoch1: RewardEntry[] = [
    { address: volunteer.address, cumulative: cycles('12.5') },
    { address: others[0]!, cumulative: cycles('1') },
    { address: others[1]!, cumulative: 1n },
    { address: others[2]!, cumulative: cycles('1000000') },
    { address: others[3]!, cumulative: cycles('0.000001') },
  ];

  beforeAll(async () => {
    anvil = await startAnvil();
    const transport = http(anvil.rpcUrl);
    publicClient = createPublicClient({ chain: foundry, transport });
    deployer = createWalletClient({ account: privateKeyToAccount(deployerKey), chain: foundry, transport });
    ({ distributor, token } = await deployContracts(deployer, publicClient, { grantCap: 10n ** 30n }));
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  /** Publishes `root`, granting 10 million CYCLE into the pool so every claim here is funded. */
  async function publish(epoch: bigint, root: Hex): Promise<void> {
    const grants = 10n ** 25n;
    const hash = await deployer.writeContract({
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'publishRoot',
      args: [epoch, root, grants * epoch, grants],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
  }

  /** Submits a claim (from `submitter`, the deployer unless given) and returns what it paid. */
  async function claim(account: Address, { cumulative, proof }: RewardProof, submitter = deployer) {
    const hash = await submitter.writeContract({
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [account, cumulative, proof],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const [claimed] = parseEventLogs({ abi: rewardDistributorAbi, eventName: 'Claimed', logs: receipt.logs });
    return claimed!.args.amount;
  }

  function simulateClaim(account: Address, cumulative: bigint, proof: Hex[]) {
    return publicClient.simulateContract({
      account: deployer.account,
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [account, cumulative, proof],
    });
  }

  function balanceOf(account: Address): Promise<bigint> {
    return publicClient.readContract({
      address: token,
      abi: spareCyclesTokenAbi,
      functionName: 'balanceOf',
      args: [account],
    });
  }

  it('deploys the token with the distributor as its only minter', async () => {
    const read = <F extends 'minter' | 'symbol' | 'decimals'>(functionName: F) =>
      publicClient.readContract({ address: token, abi: spareCyclesTokenAbi, functionName });
    expect(await read('minter')).toBe(distributor);
    expect(await read('symbol')).toBe('CYCLE');
    expect(await read('decimals')).toBe(18);
  });

  it('hashes a leaf exactly as the contract does', async () => {
    // A one-leaf tree's root is the leaf itself: the contract accepts it with an empty proof only
    // if its own leaf computation equals the TS one, byte for byte.
    const amount = cycles('3');
    await publish(1n, leafHash(volunteer.address, amount));
    expect(await claim(volunteer.address, { cumulative: amount, proof: [] })).toBe(amount);
    expect(await balanceOf(volunteer.address)).toBe(amount);

    const tree = buildRewardTree([{ address: volunteer.address, cumulative: amount }]);
    expect(tree.root).toBe(leafHash(volunteer.address, amount));
    expect(tree.leaves[0]?.hash).toBe(leafHash(volunteer.address, amount));
  });

  it('pays every account exactly its cumulative amount with TS-built proofs', async () => {
    const tree = buildRewardTree(epoch1);
    await publish(2n, tree.root);

    // The volunteer claims from its own wallet; it already holds 3 CYCLE from the previous root.
    const volunteerWallet = createWalletClient({
      account: volunteer,
      chain: foundry,
      transport: http(anvil.rpcUrl),
    });
    expect(await claim(volunteer.address, tree.proofFor(volunteer.address)!, volunteerWallet)).toBe(
      cycles('9.5'),
    );
    for (const { address, cumulative } of epoch1) {
      if (address !== volunteer.address) {
        // Lower-case lookup: proofs are served for any spelling of the address.
        expect(await claim(address, tree.proofFor(address.toLowerCase() as Address)!)).toBe(cumulative);
      }
      expect(await balanceOf(address)).toBe(cumulative);
    }
  });

  it('rejects a wrong amount and a proof for another account', async () => {
    const tree = buildRewardTree(epoch1);
    const { cumulative, proof } = tree.proofFor(others[0]!)!;
    expect((await revertOf(simulateClaim(others[0]!, cumulative + 1n, proof))).name).toBe('InvalidProof');
    expect((await revertOf(simulateClaim(others[1]!, cumulative, proof))).name).toBe('InvalidProof');
    expect(tree.proofFor(privateKeyToAccount(generatePrivateKey()).address)).toBeUndefined();
  });

  it('pays nothing more for the same cumulative amount', async () => {
    const { cumulative, proof } = buildRewardTree(epoch1).proofFor(others[2]!)!;
    expect(await revertOf(simulateClaim(others[2]!, cumulative, proof))).toEqual({
      name: 'NothingToClaim',
      args: [others[2], cumulative, cumulative],
    });
  });

  it('pays only the delta when a later root raises the cumulative amount', async () => {
    const epoch2 = epoch1.map((entry, i) =>
      i < 2 ? { ...entry, cumulative: entry.cumulative + cycles('2.25') } : entry,
    );
    const tree = buildRewardTree(epoch2);
    await publish(3n, tree.root);

    for (const { address } of epoch2.slice(0, 2)) {
      const before = await balanceOf(address);
      expect(await claim(address, tree.proofFor(address)!)).toBe(cycles('2.25'));
      expect(await balanceOf(address)).toBe(before + cycles('2.25'));
    }
    // Old proofs are harmless: below what was paid, or not in the current tree.
    const old = buildRewardTree(epoch1).proofFor(others[0]!)!;
    expect(await revertOf(simulateClaim(others[0]!, old.cumulative, old.proof))).toEqual({
      name: 'NothingToClaim',
      args: [others[0], old.cumulative, old.cumulative + cycles('2.25')],
    });
    const stale = buildRewardTree([...epoch1, { address: others[4]!, cumulative: 7n }]);
    expect((await revertOf(simulateClaim(others[4]!, 7n, stale.proofFor(others[4]!)!.proof))).name).toBe(
      'InvalidProof',
    );
  });

  it('rejects a replayed (older) epoch', async () => {
    const { root } = buildRewardTree(epoch1);
    const replay = publicClient.simulateContract({
      account: deployer.account,
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: 'publishRoot',
      args: [2n, root, 0n, 0n],
    });
    expect(await revertOf(replay)).toEqual({ name: 'EpochOutOfRange', args: [2n, 3n] });
  });
});

describe('buildRewardTree', () => {
  const a = privateKeyToAccount(generatePrivateKey()).address;

  it('rejects duplicates (in any letter case), negative amounts and empty trees', () => {
    expect(() =>
      buildRewardTree([
        { address: a, cumulative: 1n },
        { address: a.toLowerCase() as Address, cumulative: 2n },
      ]),
    ).toThrow(/duplicate/);
    expect(() => buildRewardTree([{ address: a, cumulative: -1n }])).toThrow(/uint256/);
    expect(() => buildRewardTree([])).toThrow(/at least one/);
  });
});
