// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds OpenZeppelin-standard Merkle trees inside tests: the same double-hashed leaf
/// as `lib/chain/merkle.ts` and the same sorted-pair hashing as OZ `MerkleProof`, laid out like
/// the OpenZeppelin merkle-tree package (a complete binary tree in an array, leaves at the end).
library MerkleTree {
    /// @dev The leaf of `(account, cumulative)`; kept in step with the distributor and the TS tree.
    function leaf(address account, uint256 cumulative) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, cumulative))));
    }

    /// @dev Array-form tree for `leaves` (at least one): `tree[0]` is the root and leaf `i` sits
    /// at `tree.length - 1 - i`.
    function build(bytes32[] memory leaves) internal pure returns (bytes32[] memory tree) {
        require(leaves.length > 0, "MerkleTree: no leaves");
        tree = new bytes32[](2 * leaves.length - 1);
        for (uint256 i = 0; i < leaves.length; i++) {
            tree[tree.length - 1 - i] = leaves[i];
        }
        for (uint256 i = tree.length - leaves.length; i > 0; i--) {
            tree[i - 1] = hashPair(tree[2 * (i - 1) + 1], tree[2 * (i - 1) + 2]);
        }
    }

    /// @dev Sibling hashes from leaf `index` (its position in the `leaves` given to {build}) to the root.
    function proof(bytes32[] memory tree, uint256 index) internal pure returns (bytes32[] memory path) {
        uint256 leafCount = (tree.length + 1) / 2;
        require(index < leafCount, "MerkleTree: no such leaf");
        uint256 node = tree.length - 1 - index;
        uint256 depth = 0;
        for (uint256 n = node; n > 0; n = (n - 1) / 2) {
            depth++;
        }
        path = new bytes32[](depth);
        for (uint256 d = 0; d < depth; d++) {
            path[d] = tree[node % 2 == 1 ? node + 1 : node - 1];
            node = (node - 1) / 2;
        }
    }

    function root(bytes32[] memory tree) internal pure returns (bytes32) {
        return tree[0];
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
