// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "./utils/TestBase.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

/// @dev An empty non-view call: under `--isolate` (which `--gas-report` implies) forge runs every
/// non-view call of a test as its own transaction and reports transaction gas, so even this costs
/// over 21,000. That is how {RewardDistributorGasTest} tells the two modes apart.
contract EmptyCall {
    function poke() external {}
}

/// @notice Gas of the calls volunteers and the coordinator pay for, on an 8-account tree (3-hash
/// proofs), with the token supply already non-zero as it is in production.
/// Two figures per call, the same in every forge mode: the call's own gas (execution) and the whole
/// transaction's gas (that plus the 21,000 base and calldata), which is what a volunteer's wallet
/// pays; the budgets apply to the transaction gas and fail the suite when passed.
/// `npx tsx scripts/forge-test.ts --gas` writes them to contracts/snapshots/.
contract RewardDistributorGasTest is DistributorFixture {
    /// @dev Transaction gas, as Uniswap's MerkleDistributor test measures its claims (~78k).
    uint256 internal constant FIRST_CLAIM_BUDGET = 78_000;
    uint256 internal constant REPEAT_CLAIM_BUDGET = 55_000;

    EmptyCall internal emptyCall;
    address[] internal accounts;
    uint256[] internal amounts;
    bytes32[] internal tree;

    function setUp() public {
        deployDistributor();
        emptyCall = new EmptyCall();
        for (uint256 i = 0; i < 8; i++) {
            accounts.push(vm.addr(i + 1));
            amounts.push((i + 1) * 10 ether);
        }
        publish(1, buildTree(accounts, amounts));
        // Account 0 has claimed before; everyone earns more by epoch 2.
        distributor.claim(accounts[0], amounts[0], MerkleTree.proof(buildTree(accounts, amounts), 0));
        // Deposits have happened before (a first-ever deposit also pays for a fresh total slot).
        vm.prank(accounts[0]);
        distributor.deposit(1 ether);
        for (uint256 i = 0; i < 8; i++) {
            amounts[i] += 1 ether;
        }
        tree = buildTree(accounts, amounts);
        publish(2, tree);
        // Storage and accounts touched in setUp are cold again in each test's own transaction.
    }

    function test_Gas_FirstClaim() public {
        bytes32[] memory proof = MerkleTree.proof(tree, 1);
        distributor.claim(accounts[1], amounts[1], proof);
        uint256 used = recordLastCall("claim (first)", claimCalldata(1, proof));
        assertLe(used, FIRST_CLAIM_BUDGET, "first claim over budget");
    }

    function test_Gas_RepeatClaim() public {
        bytes32[] memory proof = MerkleTree.proof(tree, 0);
        distributor.claim(accounts[0], amounts[0], proof);
        uint256 used = recordLastCall("claim (repeat)", claimCalldata(0, proof));
        assertLe(used, REPEAT_CLAIM_BUDGET, "repeat claim over budget");
    }

    function test_Gas_PublishRoot() public {
        bytes32 root = keccak256("epoch 3");
        uint256 total = distributor.publishedTotal();
        vm.prank(PUBLISHER);
        distributor.publishRoot(3, root, total, 0);
        recordLastCall("publishRoot", abi.encodeCall(distributor.publishRoot, (3, root, total, 0)));
    }

    function test_Gas_PublishRootWithGrants() public {
        bytes32 root = keccak256("epoch 3");
        uint256 total = distributor.publishedTotal() + 5 ether;
        vm.prank(PUBLISHER);
        distributor.publishRoot(3, root, total, 5 ether);
        recordLastCall("publishRoot (grants)", abi.encodeCall(distributor.publishRoot, (3, root, total, 5 ether)));
    }

    function test_Gas_Deposit() public {
        vm.prank(accounts[0]);
        distributor.deposit(2 ether);
        recordLastCall("deposit", abi.encodeCall(distributor.deposit, (2 ether)));
    }

    function claimCalldata(uint256 i, bytes32[] memory proof) internal view returns (bytes memory) {
        return abi.encodeCall(distributor.claim, (accounts[i], amounts[i], proof));
    }

    /// @dev Records the last call as `name` (call gas) and `name, transaction` and returns the
    /// transaction gas. Transaction gas = call gas + 21,000 + calldata (4 per zero byte, 16
    /// otherwise), or the EIP-7623 calldata floor when higher; this matches what `--isolate` measures.
    function recordLastCall(string memory name, bytes memory data) internal returns (uint256 txGas) {
        uint256 used = vm.lastCallGas().gasTotalUsed; // first: any later call replaces "last call"
        uint256 zeros;
        for (uint256 i = 0; i < data.length; i++) {
            if (data[i] == 0) zeros++;
        }
        uint256 tokens = zeros + 4 * (data.length - zeros);
        uint256 overhead = 21_000 + 4 * tokens;

        emptyCall.poke();
        bool isolated = vm.lastCallGas().gasTotalUsed >= 21_000;
        uint256 callGas = isolated ? used - overhead : used;

        uint256 floor = 21_000 + 10 * tokens;
        txGas = callGas + overhead > floor ? callGas + overhead : floor;
        vm.snapshotValue(name, callGas);
        vm.snapshotValue(string.concat(name, ", transaction"), txGas);
    }
}
