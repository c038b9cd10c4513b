// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SpareCyclesToken} from "./SpareCyclesToken.sol";

/// @title Spare Cycles reward distributor
/// @notice Holds what submitters deposit and what operators grant, and pays volunteers (and
/// depositors withdrawing) from it. Each epoch the coordinator publishes the root of a Merkle tree
/// of *cumulative* amounts per address — earnings from paid work plus withdrawals — (OpenZeppelin
/// standard tree, leaf = `keccak256(bytes.concat(keccak256(abi.encode(account, cumulative))))`)
/// together with the tree's total and the grants to mint. A claim pays `cumulative - claimed`.
///
/// Money in: {deposit} (tokens move from the depositor into this contract; the coordinator credits
/// the `Deposited` event) and grants (minted into this contract by {publishRoot}, at most
/// {grantCap} per {grantPeriod}). Money out: claims only, paid from this contract's balance, so
/// the total ever paid out can never exceed deposits plus grants minted, whatever roots are
/// published. A root whose total exceeds deposits plus grants is refused.
///
/// Publisher hardening: the publisher key can only publish roots. It cannot mint beyond the cap,
/// cannot jump the epoch by more than {MAX_EPOCH_STEP} (so no root can exhaust the epoch space and
/// block all later ones), and cannot change roles or caps. Role changes are two-step (propose,
/// then accept from the new key); the admin can revoke the publisher at once.
/// @dev The claimed totals live in the token, packed with each balance in one slot (see
/// {SpareCyclesToken}), so a first claim writes one fresh storage slot, not two.
contract RewardDistributor {
    /// @notice The largest step between consecutive epochs a publisher may take.
    uint256 public constant MAX_EPOCH_STEP = 1_000_000;

    /// @notice How long proofs for the previous root stay valid after a new root is published, so
    /// a claim sent just before a publication does not revert.
    uint256 public constant PREVIOUS_ROOT_SECONDS = 1 days;

    /// @notice The reward token; this contract is its only minter.
    SpareCyclesToken public immutable token;

    /// @notice Root of the latest published cumulative-amount tree.
    bytes32 public merkleRoot;

    /// @notice Epoch of the latest published root; every new root needs a higher one.
    uint256 public epoch;

    /// @notice The root before {merkleRoot}, claimable until {previousRootExpiresAt}.
    bytes32 public previousRoot;

    /// @notice Unix time at which proofs for {previousRoot} stop being accepted.
    uint256 public previousRootExpiresAt;

    /// @notice Sum of the leaves of the latest root, as published.
    uint256 public publishedTotal;

    /// @notice Every token ever deposited through {deposit}.
    uint256 public totalDeposited;

    /// @notice Every token ever minted as a grant.
    uint256 public totalGranted;

    /// @notice Most grants mintable in one grant window of {grantPeriod} seconds.
    uint256 public grantCap;

    /// @notice Length of a grant window in seconds.
    uint256 public grantPeriod;

    /// @notice Start of the current grant window.
    uint256 public grantWindowStart;

    /// @notice Grants minted in the current window.
    uint256 public grantedInWindow;

    /// @notice Manages the publisher and the grant cap.
    address public admin;

    /// @notice Proposed admin; becomes admin by calling {acceptAdmin}.
    address public pendingAdmin;

    /// @notice The one key allowed to publish roots (the coordinator's).
    address public publisher;

    /// @notice Proposed publisher; becomes publisher by calling {acceptPublisher}.
    address public pendingPublisher;

    /// @notice A new root became claimable, with its total and the grants minted for it.
    event RootPublished(uint256 indexed epoch, bytes32 root, uint256 total, uint256 grants);

    /// @notice `account` was paid `amount`, bringing its claimed total to `cumulativeAmount`.
    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount);

    /// @notice `account` deposited `amount`; the coordinator credits it to the account's balance.
    event Deposited(address indexed account, uint256 amount);

    /// @notice The admin proposed `candidate` as the next admin.
    event AdminTransferStarted(address indexed admin, address indexed candidate);

    /// @notice `newAdmin` accepted the admin role.
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);

    /// @notice The admin proposed `candidate` as the next publisher.
    event PublisherProposed(address indexed candidate);

    /// @notice The publisher changed (to `address(0)` when revoked).
    event PublisherChanged(address indexed previousPublisher, address indexed newPublisher);

    /// @notice The admin set the grant cap.
    event GrantCapChanged(uint256 cap, uint256 period);

    /// @notice A root was published with an epoch not above the current one, or too far above it.
    error EpochOutOfRange(uint256 newEpoch, uint256 currentEpoch);

    /// @notice The proof does not show `(account, cumulativeAmount)` in the current (or still
    /// valid previous) tree.
    error InvalidProof();

    /// @notice `account` has already been paid `alreadyClaimed` ≥ `cumulativeAmount`.
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);

    /// @notice The root's total is above everything deposited and granted.
    error TotalExceedsFunds(uint256 total, uint256 funds);

    /// @notice Minting `grants` would pass the cap; `remaining` is what the window still allows.
    error GrantCapExceeded(uint256 grants, uint256 remaining);

    /// @notice `caller` may not do this (wrong role, or not the proposed candidate).
    error Unauthorized(address caller);

    /// @notice A deposit of zero tokens.
    error ZeroDeposit();

    /// @param admin_ Manages the publisher and the grant cap.
    /// @param publisher_ The first publisher.
    /// @param grantCap_ Most grants mintable per window.
    /// @param grantPeriod_ Window length in seconds.
    constructor(address admin_, address publisher_, uint256 grantCap_, uint256 grantPeriod_) {
        token = new SpareCyclesToken(address(this));
        admin = admin_;
        publisher = publisher_;
        grantCap = grantCap_;
        grantPeriod = grantPeriod_;
        emit AdminTransferred(address(0), admin_);
        emit PublisherChanged(address(0), publisher_);
        emit GrantCapChanged(grantCap_, grantPeriod_);
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Makes `root` the claimable tree for `newEpoch`, after minting `grants` into this
    /// contract. Only the publisher.
    /// @param newEpoch Epoch number, above {epoch} by at most {MAX_EPOCH_STEP}.
    /// @param root Root of the cumulative-amount tree for that epoch.
    /// @param total Sum of the tree's leaves; at most deposits plus grants (these included).
    /// @param grants Tokens granted by the operator since the last root, minted now within the cap.
    function publishRoot(uint256 newEpoch, bytes32 root, uint256 total, uint256 grants) external {
        if (msg.sender != publisher) revert Unauthorized(msg.sender);
        uint256 current = epoch;
        if (newEpoch <= current || newEpoch - current > MAX_EPOCH_STEP) revert EpochOutOfRange(newEpoch, current);
        if (grants > 0) {
            if (block.timestamp >= grantWindowStart + grantPeriod) {
                grantWindowStart = block.timestamp;
                grantedInWindow = 0;
            }
            uint256 used = grantedInWindow;
            uint256 cap = grantCap;
            if (used > cap || grants > cap - used) revert GrantCapExceeded(grants, used > cap ? 0 : cap - used);
            grantedInWindow = used + grants;
            totalGranted += grants;
            token.mintGrant(grants);
        }
        uint256 funds = totalDeposited + totalGranted;
        if (total > funds) revert TotalExceedsFunds(total, funds);
        previousRoot = merkleRoot;
        previousRootExpiresAt = block.timestamp + PREVIOUS_ROOT_SECONDS;
        epoch = newEpoch;
        merkleRoot = root;
        publishedTotal = total;
        emit RootPublished(newEpoch, root, total, grants);
    }

    /// @notice Deposits `amount` of the caller's tokens; the coordinator adds it to the caller's
    /// balance for paying jobs. No approval is needed (the token lets this contract pull deposits
    /// for the caller only).
    function deposit(uint256 amount) external {
        if (amount == 0) revert ZeroDeposit();
        token.pullDeposit(msg.sender, amount);
        totalDeposited += amount;
        emit Deposited(msg.sender, amount);
    }

    /// @notice Cumulative amount already paid to `account`.
    /// @dev Kept by the token beside the balance; this view is the distributor's API for it.
    function claimed(address account) external view returns (uint256 amount) {
        return token.claimed(account);
    }

    /// @notice Pays `account` what it is owed: `cumulativeAmount` minus what it has already been
    /// paid, from deposits and grants held here. The proof may be for the current root or, until
    /// {previousRootExpiresAt}, the previous one. Anyone may submit; the tokens go to `account`.
    /// @param account The credited address (receives the tokens).
    /// @param cumulativeAmount Total amount of `account` in the tree, in token units.
    /// @param proof Sibling hashes from the leaf up to the root.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external {
        // Checked before the proof so an old proof reads as "already paid", not as invalid.
        uint256 alreadyClaimed = token.claimed(account);
        if (cumulativeAmount <= alreadyClaimed) {
            revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) {
            if (block.timestamp >= previousRootExpiresAt || !MerkleProof.verifyCalldata(proof, previousRoot, leaf)) {
                revert InvalidProof();
            }
        }
        // The token records the new claimed total and moves the difference out of this contract's
        // balance in one write each, before any other code could run (it has no hooks).
        uint256 amount = token.payClaim(account, cumulativeAmount);
        emit Claimed(account, amount, cumulativeAmount);
    }

    /// @notice Step one of changing the admin. Only the admin.
    function transferAdmin(address candidate) external onlyAdmin {
        pendingAdmin = candidate;
        emit AdminTransferStarted(msg.sender, candidate);
    }

    /// @notice Step two: the proposed admin takes the role.
    function acceptAdmin() external {
        if (msg.sender != pendingAdmin) revert Unauthorized(msg.sender);
        emit AdminTransferred(admin, msg.sender);
        admin = msg.sender;
        pendingAdmin = address(0);
    }

    /// @notice Step one of changing the publisher. Only the admin.
    function proposePublisher(address candidate) external onlyAdmin {
        pendingPublisher = candidate;
        emit PublisherProposed(candidate);
    }

    /// @notice Step two: the proposed publisher key takes the role (proving the admin named a key
    /// someone actually holds).
    function acceptPublisher() external {
        if (msg.sender != pendingPublisher) revert Unauthorized(msg.sender);
        emit PublisherChanged(publisher, msg.sender);
        publisher = msg.sender;
        pendingPublisher = address(0);
    }

    /// @notice Removes the publisher at once (a leaked key). Only the admin.
    function revokePublisher() external onlyAdmin {
        emit PublisherChanged(publisher, address(0));
        publisher = address(0);
        pendingPublisher = address(0);
    }

    /// @notice Stops accepting proofs for the previous root now (after a bad root was replaced).
    /// Only the admin.
    function expirePreviousRoot() external onlyAdmin {
        previousRootExpiresAt = block.timestamp;
    }

    /// @notice Sets the grant cap: at most `cap` minted per `period` seconds. Only the admin.
    function setGrantCap(uint256 cap, uint256 period) external onlyAdmin {
        grantCap = cap;
        grantPeriod = period;
        emit GrantCapChanged(cap, period);
    }
}
