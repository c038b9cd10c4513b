// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../../src/SpareCyclesToken.sol";
import {MerkleTree} from "./MerkleTree.sol";
import {TestBase} from "./TestBase.sol";

/// @notice Shared set-up: a distributor (with its token), an admin, a publisher, and helpers to
/// build and publish cumulative-credit trees.
abstract contract DistributorFixture is TestBase {
    RewardDistributor internal distributor;
    SpareCyclesToken internal token;

    address internal constant ADMIN = address(0xAD);
    address internal constant PUBLISHER = address(0xB0B);

    function deployDistributor() internal {
        distributor = new RewardDistributor(ADMIN, PUBLISHER);
        token = distributor.token();
        vm.label(address(distributor), "distributor");
        vm.label(address(token), "token");
    }

    /// @dev Tree over `(accounts[i], amounts[i])`, leaf `i` in position `i`.
    function buildTree(address[] memory accounts, uint256[] memory amounts)
        internal
        pure
        returns (bytes32[] memory tree)
    {
        bytes32[] memory leaves = new bytes32[](accounts.length);
        for (uint256 i = 0; i < accounts.length; i++) {
            leaves[i] = MerkleTree.leaf(accounts[i], amounts[i]);
        }
        return MerkleTree.build(leaves);
    }

    function publish(uint256 epoch, bytes32[] memory tree) internal {
        vm.prank(PUBLISHER);
        distributor.publishRoot(epoch, MerkleTree.root(tree));
    }

    function nothingToClaim(address account, uint256 cumulative, uint256 already) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(RewardDistributor.NothingToClaim.selector, account, cumulative, already);
    }
}
