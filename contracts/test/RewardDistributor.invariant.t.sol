// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../src/SpareCyclesToken.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives the distributor through random sequences of publications and claims, keeping
/// every tree ever published so old proofs get replayed against newer roots.
contract DistributorHandler is TestBase {
    RewardDistributor internal immutable distributor;
    SpareCyclesToken internal immutable token;
    address[] internal actors;

    /// @dev `amountsAt[e][i]`: cumulative amount of `actors[i]` in the tree of epoch `e + 1`.
    uint256[][] internal amountsAt;
    bytes32[][] internal treesAt;

    /// @dev Ghost state, read by the invariants.
    mapping(address account => uint256 amount) public latestPublished;
    mapping(address account => uint256 amount) public paidTo;
    mapping(address account => mapping(uint256 cumulative => bool paid)) internal paidFor;
    uint256 public doublePays;
    uint256 public forgedPays;
    uint256 public claimsPaid;
    uint256 public transfers;
    /// @dev Transfers above the balance that succeeded, and ones within it that failed.
    uint256 public insufficientPaid;
    uint256 public failedTransfers;

    constructor(RewardDistributor distributor_, address[] memory actors_) {
        distributor = distributor_;
        token = distributor_.token();
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actor(uint256 i) external view returns (address) {
        return actors[i];
    }

    /// @notice Publishes the next epoch: some actors earn more, the rest keep their total.
    function publish(uint256 seed) external {
        uint256[] memory amounts = new uint256[](actors.length);
        bytes32[] memory leaves = new bytes32[](actors.length);
        for (uint256 i = 0; i < actors.length; i++) {
            uint256 earned = uint256(keccak256(abi.encode(seed, i))) % 4 == 0
                ? 0
                : bound(uint256(keccak256(abi.encode(seed, "earned", i))), 1, 1e24);
            amounts[i] = latestPublished[actors[i]] + earned;
            latestPublished[actors[i]] = amounts[i];
            leaves[i] = MerkleTree.leaf(actors[i], amounts[i]);
        }
        bytes32[] memory tree = MerkleTree.build(leaves);
        amountsAt.push(amounts);
        treesAt.push(tree);
        distributor.publishRoot(treesAt.length, MerkleTree.root(tree));
    }

    /// @notice Claims for an actor with its proof from any epoch so far, current or stale.
    function claim(uint256 actorSeed, uint256 epochSeed) external {
        if (treesAt.length == 0) return;
        uint256 i = actorSeed % actors.length;
        uint256 e = epochSeed % treesAt.length;
        address account = actors[i];
        uint256 cumulative = amountsAt[e][i];
        uint256 balanceBefore = token.balanceOf(account);
        uint256 claimedBefore = distributor.claimed(account);

        try distributor.claim(account, cumulative, MerkleTree.proof(treesAt[e], i)) {
            if (paidFor[account][cumulative]) doublePays++;
            paidFor[account][cumulative] = true;
            uint256 delta = token.balanceOf(account) - balanceBefore;
            assertEq(delta, cumulative - claimedBefore, "paid exactly the difference");
            paidTo[account] += delta;
            claimsPaid++;
        } catch {}
    }

    /// @notice Moves tokens between actors: balances and claimed totals share a slot, so this must
    /// never change what anyone has claimed or may still claim. Amounts beyond the balance revert.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        uint256 balance = token.balanceOf(from);
        amount = bound(amount, 0, balance + 1); // sometimes one too many
        uint256 claimedFrom = distributor.claimed(from);
        uint256 claimedTo = distributor.claimed(to);
        vm.prank(from);
        try token.transfer(to, amount) {
            if (amount > balance) insufficientPaid++;
            transfers++;
        } catch {
            if (amount <= balance) failedTransfers++;
        }
        assertEq(distributor.claimed(from), claimedFrom, "transfer changed the sender's claimed total");
        assertEq(distributor.claimed(to), claimedTo, "transfer changed the receiver's claimed total");
    }

    /// @notice Replays a real proof with another amount, or for another account: must never pay.
    /// @dev Position `i` of every tree holds `actors[i]`, so neither forged leaf is in any tree.
    function claimForged(uint256 actorSeed, uint256 otherSeed, uint256 epochSeed, uint256 wrongAmount) external {
        if (treesAt.length == 0) return;
        uint256 i = actorSeed % actors.length;
        uint256 j = otherSeed % actors.length;
        uint256 e = epochSeed % treesAt.length;
        uint256 amount = amountsAt[e][i];
        bytes32[] memory proof = MerkleTree.proof(treesAt[e], i);

        if (i != j) {
            try distributor.claim(actors[j], amount, proof) {
                forgedPays++;
            } catch {}
        }
        if (wrongAmount != amount) {
            try distributor.claim(actors[i], wrongAmount, proof) {
                forgedPays++;
            } catch {}
        }
    }
}

/// @notice Invariants: nobody is ever paid more than their latest published total, every
/// token in existence was claimed through a proof, no (account, amount) pair pays twice, and
/// transfers between actors never touch claimed totals.
contract RewardDistributorInvariantTest is DistributorFixture {
    DistributorHandler internal handler;

    function setUp() public {
        deployDistributor();
        address[] memory actors = new address[](5);
        for (uint256 i = 0; i < actors.length; i++) {
            actors[i] = vm.addr(i + 1);
        }
        handler = new DistributorHandler(distributor, actors);
        bytes32 role = distributor.PUBLISHER_ROLE();
        vm.prank(ADMIN);
        distributor.grantRole(role, address(handler));
        targetContract(address(handler));
    }

    function invariant_NoAccountPaidBeyondItsCumulativeAmount() public view {
        for (uint256 i = 0; i < handler.actorCount(); i++) {
            address account = handler.actor(i);
            assertLe(distributor.claimed(account), handler.latestPublished(account), "claimed <= published");
            assertEq(handler.paidTo(account), distributor.claimed(account), "ghost paid == claimed");
        }
    }

    function invariant_TotalClaimedWithinTotalPublished() public view {
        uint256 claimedSum;
        uint256 publishedSum;
        uint256 balanceSum;
        for (uint256 i = 0; i < handler.actorCount(); i++) {
            address account = handler.actor(i);
            claimedSum += distributor.claimed(account);
            publishedSum += handler.latestPublished(account);
            balanceSum += token.balanceOf(account);
        }
        assertEq(token.totalSupply(), claimedSum, "every token was claimed");
        assertEq(balanceSum, token.totalSupply(), "balances add up to the supply");
        assertLe(claimedSum, publishedSum, "total claimed <= total published");
    }

    function invariant_TransfersBehaveLikeERC20() public view {
        assertEq(handler.insufficientPaid(), 0, "a transfer beyond the balance succeeded");
        assertEq(handler.failedTransfers(), 0, "a transfer within the balance failed");
    }

    function invariant_OldProofsNeverPayTwice() public view {
        assertEq(handler.doublePays(), 0, "an (account, amount) pair paid twice");
    }

    function invariant_ForgedClaimsNeverPay() public view {
        assertEq(handler.forgedPays(), 0, "a forged claim paid");
    }
}
