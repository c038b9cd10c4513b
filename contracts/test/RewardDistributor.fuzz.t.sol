// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../src/RewardDistributor.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

/// @notice Fuzz tests over random trees of 2..8 accounts: every leaf pays exactly its amount,
/// once; a later tree pays only the deltas; any other amount or account is rejected.
contract RewardDistributorFuzzTest is DistributorFixture {
    uint256 internal constant MAX_AMOUNT = 1e30; // ~10^12 tokens: far above any real balance

    function setUp() public {
        deployDistributor();
    }

    /// @dev Distinct non-zero accounts and amounts in [1, MAX_AMOUNT], derived from `seed`.
    function randomTree(uint256 seed, uint256 size)
        internal
        pure
        returns (address[] memory accounts, uint256[] memory amounts)
    {
        accounts = new address[](size);
        amounts = new uint256[](size);
        for (uint256 i = 0; i < size; i++) {
            accounts[i] = address(uint160(uint256(keccak256(abi.encode(seed, "account", i)))));
            amounts[i] = bound(uint256(keccak256(abi.encode(seed, "amount", i))), 1, MAX_AMOUNT);
        }
    }

    function testFuzz_EveryLeafPaysExactlyOnce(uint256 seed, uint8 rawSize) public {
        uint256 size = bound(rawSize, 2, 8);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        bytes32[] memory tree = buildTree(accounts, amounts);
        publish(1, tree);

        uint256 total;
        for (uint256 i = 0; i < size; i++) {
            distributor.claim(accounts[i], amounts[i], MerkleTree.proof(tree, i));
            total += amounts[i];
            assertEq(token.balanceOf(accounts[i]), amounts[i], "paid the cumulative amount");
        }
        assertEq(token.totalSupply(), total, "supply is the sum of the tree (granted)");
        assertEq(token.balanceOf(address(distributor)), 0, "the pool is spent exactly");

        for (uint256 i = 0; i < size; i++) {
            bytes32[] memory proof = MerkleTree.proof(tree, i);
            vm.expectRevert(nothingToClaim(accounts[i], amounts[i], amounts[i]));
            distributor.claim(accounts[i], amounts[i], proof);
        }
    }

    function testFuzz_LaterTreePaysOnlyTheDelta(uint256 seed, uint8 rawSize, uint256 rawIncrease) public {
        uint256 size = bound(rawSize, 2, 8);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        bytes32[] memory tree1 = buildTree(accounts, amounts);
        publish(1, tree1);
        for (uint256 i = 0; i < size; i++) {
            distributor.claim(accounts[i], amounts[i], MerkleTree.proof(tree1, i));
        }

        uint256[] memory later = new uint256[](size);
        for (uint256 i = 0; i < size; i++) {
            later[i] = amounts[i] + bound(uint256(keccak256(abi.encode(rawIncrease, i))), 1, MAX_AMOUNT);
        }
        bytes32[] memory tree2 = buildTree(accounts, later);
        publish(2, tree2);

        for (uint256 i = 0; i < size; i++) {
            uint256 before = token.balanceOf(accounts[i]);
            distributor.claim(accounts[i], later[i], MerkleTree.proof(tree2, i));
            assertEq(token.balanceOf(accounts[i]) - before, later[i] - amounts[i], "paid the delta");
            assertEq(token.balanceOf(accounts[i]), later[i], "balance is the cumulative amount");

            // The epoch-1 proof is now harmless: its amount is below what was claimed.
            bytes32[] memory oldProof = MerkleTree.proof(tree1, i);
            vm.expectRevert(nothingToClaim(accounts[i], amounts[i], later[i]));
            distributor.claim(accounts[i], amounts[i], oldProof);
        }
    }

    function testFuzz_RevertWhen_WrongAmount(uint256 seed, uint8 rawSize, uint256 index, uint256 wrong) public {
        uint256 size = bound(rawSize, 2, 8);
        index = bound(index, 0, size - 1);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        vm.assume(wrong != amounts[index] && wrong != 0);
        bytes32[] memory tree = buildTree(accounts, amounts);
        publish(1, tree);

        bytes32[] memory proof = MerkleTree.proof(tree, index);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(accounts[index], wrong, proof);
    }

    function testFuzz_RevertWhen_ProofOfAnotherAccount(uint256 seed, uint8 rawSize, uint256 index, address other)
        public
    {
        uint256 size = bound(rawSize, 2, 8);
        index = bound(index, 0, size - 1);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        vm.assume(other != accounts[index]);
        bytes32[] memory tree = buildTree(accounts, amounts);
        publish(1, tree);

        bytes32[] memory proof = MerkleTree.proof(tree, index);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(other, amounts[index], proof);
    }

    function testFuzz_RevertWhen_ProofFromAnotherLeaf(uint256 seed, uint8 rawSize, uint256 index, uint256 from) public {
        uint256 size = bound(rawSize, 2, 8);
        index = bound(index, 0, size - 1);
        from = bound(from, 0, size - 1);
        vm.assume(from != index);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        bytes32[] memory tree = buildTree(accounts, amounts);
        publish(1, tree);

        bytes32[] memory proof = MerkleTree.proof(tree, from);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(accounts[index], amounts[index], proof);
    }

    function testFuzz_EpochMustIncreaseWithinTheStep(uint256 current, uint256 next) public {
        uint256 step = distributor.MAX_EPOCH_STEP(); // read before the pranks below
        current = bound(current, 1, step);
        vm.prank(PUBLISHER);
        distributor.publishRoot(current, bytes32(uint256(1)), 0, 0);

        vm.prank(PUBLISHER);
        if (next > current && next - current <= step) {
            distributor.publishRoot(next, bytes32(uint256(2)), 0, 0);
            assertEq(distributor.epoch(), next, "epoch advanced");
        } else {
            vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochOutOfRange.selector, next, current));
            distributor.publishRoot(next, bytes32(uint256(2)), 0, 0);
            assertEq(distributor.epoch(), current, "epoch unchanged");
        }
    }

    /// Deposits of any size within the bound add up exactly, move exactly the deposited tokens, and
    /// every later claim is paid from them without minting.
    function testFuzz_DepositsThenClaims(uint256 seed, uint8 rawSize) public {
        uint256 size = bound(rawSize, 1, 6);
        (address[] memory accounts, uint256[] memory amounts) = randomTree(seed, size);
        // Each account first gets tokens (granted and claimed), then deposits part of them back.
        bytes32[] memory tree = buildTree(accounts, amounts);
        publish(1, tree);
        uint256 deposited;
        uint256[] memory later = new uint256[](size);
        for (uint256 i = 0; i < size; i++) {
            distributor.claim(accounts[i], amounts[i], MerkleTree.proof(tree, i));
            uint256 part = bound(uint256(keccak256(abi.encode(seed, "deposit", i))), 1, amounts[i]);
            vm.prank(accounts[i]);
            distributor.deposit(part);
            deposited += part;
            assertEq(token.balanceOf(accounts[i]), amounts[i] - part, "deposit moved exactly");
            // The coordinator pays it back out as a withdrawal: the leaf grows by `part`.
            later[i] = amounts[i] + part;
        }
        assertEq(distributor.totalDeposited(), deposited, "deposits add up");
        uint256 supply = token.totalSupply();
        bytes32[] memory tree2 = buildTree(accounts, later);
        publish(2, tree2); // funded by the deposits: no grant needed
        assertEq(token.totalSupply(), supply, "nothing minted for deposits");
        for (uint256 i = 0; i < size; i++) {
            distributor.claim(accounts[i], later[i], MerkleTree.proof(tree2, i));
            assertEq(token.balanceOf(accounts[i]), amounts[i], "withdrawn in full");
        }
        assertEq(token.balanceOf(address(distributor)), 0, "pool spent exactly");
    }
}
