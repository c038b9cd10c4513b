// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../../src/SpareCyclesToken.sol";
import {MerkleTree} from "./MerkleTree.sol";
import {TestBase} from "./TestBase.sol";

/// @notice Shared set-up: a distributor (with its token), an admin, a publisher, and helpers to
/// build and publish cumulative-amount trees.
abstract contract DistributorFixture is TestBase {
    RewardDistributor internal distributor;
    SpareCyclesToken internal token;

    address internal constant ADMIN = address(0xAD);
    address internal constant PUBLISHER = address(0xB0B);
    /// @dev Large enough for every tree the tests build (the packed bound is 2^128).
    uint256 internal constant GRANT_CAP = type(uint128).max;
    uint256 internal constant GRANT_PERIOD = 1 days;

    /// @dev Sum of the leaves of every tree built, by root, so {publish} can fund it.
    mapping(bytes32 root => uint256 total) internal totalOf;

    function deployDistributor() internal {
        distributor = new RewardDistributor(ADMIN, PUBLISHER, GRANT_CAP, GRANT_PERIOD);
        token = distributor.token();
        vm.label(address(distributor), "distributor");
        vm.label(address(token), "token");
    }

    /// @dev Tree over `(accounts[i], amounts[i])`, leaf `i` in position `i`.
    function buildTree(address[] memory accounts, uint256[] memory amounts) internal returns (bytes32[] memory tree) {
        bytes32[] memory leaves = new bytes32[](accounts.length);
        uint256 total;
        for (uint256 i = 0; i < accounts.length; i++) {
            leaves[i] = MerkleTree.leaf(accounts[i], amounts[i]);
            total += amounts[i];
        }
        tree = MerkleTree.build(leaves);
        totalOf[MerkleTree.root(tree)] = total;
    }

    /// @dev Publishes `tree` with its total, granting exactly what deposits and earlier grants lack.
    function publish(uint256 epoch, bytes32[] memory tree) internal {
        bytes32 root = MerkleTree.root(tree);
        uint256 total = totalOf[root];
        uint256 funds = distributor.totalDeposited() + distributor.totalGranted();
        uint256 grants = total > funds ? total - funds : 0;
        vm.prank(PUBLISHER);
        distributor.publishRoot(epoch, root, total, grants);
    }

    function nothingToClaim(address account, uint256 cumulative, uint256 already) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(RewardDistributor.NothingToClaim.selector, account, cumulative, already);
    }
}
