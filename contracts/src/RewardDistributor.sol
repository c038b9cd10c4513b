// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SpareCyclesToken} from "./SpareCyclesToken.sol";

/// @title Spare Cycles reward distributor
/// @notice Pays volunteers their verified credit as CYCLE tokens. Each epoch the coordinator
/// publishes the root of a Merkle tree of *cumulative* credit per address (OpenZeppelin standard
/// tree, leaf = `keccak256(bytes.concat(keccak256(abi.encode(account, cumulative))))`). A claim
/// pays `cumulative - claimed[account]`, so any valid proof, old or new, can pay an account at most
/// up to its latest proven total and never twice.
/// @dev Deploys its own token in the constructor and is its only minter. The claimed totals live
/// in the token, packed with each balance in one slot (see {SpareCyclesToken}), so a first claim
/// writes one fresh storage slot, not two.
contract RewardDistributor is AccessControl {
    /// @notice Role allowed to publish new roots (the coordinator's key).
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");

    /// @notice The reward token, minted by this contract on claim.
    SpareCyclesToken public immutable token;

    /// @notice Root of the latest published cumulative-credit tree.
    bytes32 public merkleRoot;

    /// @notice Epoch of the latest published root; every new root needs a strictly higher one.
    uint256 public epoch;

    /// @notice A new cumulative-credit root became claimable.
    event RootPublished(uint256 indexed epoch, bytes32 root);

    /// @notice `account` was paid `amount`, bringing its claimed total to `cumulativeAmount`.
    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount);

    /// @notice A root was published with an epoch not above the current one (a replay or a mix-up).
    error EpochNotIncreasing(uint256 newEpoch, uint256 currentEpoch);

    /// @notice The proof does not show `(account, cumulativeAmount)` in the current tree.
    error InvalidProof();

    /// @notice `account` has already been paid `alreadyClaimed` ≥ `cumulativeAmount`.
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);

    /// @param admin Manages roles (grants and revokes publishers).
    /// @param publisher First holder of {PUBLISHER_ROLE}.
    constructor(address admin, address publisher) {
        token = new SpareCyclesToken(address(this));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PUBLISHER_ROLE, publisher);
    }

    /// @notice Makes `root` the claimable tree for `newEpoch`. Only {PUBLISHER_ROLE}.
    /// @dev Epochs must strictly increase, so an old (epoch, root) pair can never be set again.
    /// @param newEpoch Epoch number, greater than {epoch}.
    /// @param root Root of the cumulative-credit tree for that epoch.
    function publishRoot(uint256 newEpoch, bytes32 root) external onlyRole(PUBLISHER_ROLE) {
        uint256 current = epoch;
        if (newEpoch <= current) revert EpochNotIncreasing(newEpoch, current);
        epoch = newEpoch;
        merkleRoot = root;
        emit RootPublished(newEpoch, root);
    }

    /// @notice Cumulative amount already paid to `account`.
    /// @dev Kept by the token beside the balance; this view is the distributor's API for it.
    function claimed(address account) external view returns (uint256 amount) {
        return token.claimed(account);
    }

    /// @notice Pays `account` what it is owed under the current root: `cumulativeAmount` minus
    /// what it has already been paid. Anyone may submit the claim; the tokens go to `account`.
    /// @param account The credited address (receives the tokens).
    /// @param cumulativeAmount Total credit of `account` in the current tree, in token units.
    /// @param proof Sibling hashes from the leaf up to {merkleRoot}.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external {
        // Checked before the proof so an old proof reads as "already paid", not as invalid.
        uint256 alreadyClaimed = token.claimed(account);
        if (cumulativeAmount <= alreadyClaimed) {
            revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) revert InvalidProof();

        // The token records the new claimed total and mints the difference in one write, before
        // any other code could run (it has no hooks), and re-checks the amount itself.
        uint256 amount = token.mintClaim(account, cumulativeAmount);
        emit Claimed(account, amount, cumulativeAmount);
    }
}
