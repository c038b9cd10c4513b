// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../src/SpareCyclesToken.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Plays the coordinator and its users against the distributor: operator grants, deposits
/// from wallets, paid work (balance moves to another actor's earnings), withdrawals (balance moves to
/// the actor's own claimable), root publications, claims with current and stale proofs, transfers,
/// and a rogue publisher that publishes roots promising more than was ever funded. Keeps every tree
/// it published so old proofs get replayed.
contract LedgerHandler is TestBase {
    RewardDistributor internal immutable distributor;
    SpareCyclesToken internal immutable token;
    address internal immutable publisher;
    address[] internal actors;

    /// @dev The coordinator's ledger: spendable balance and cumulative claimable per actor.
    mapping(address account => uint256 amount) public balance;
    mapping(address account => uint256 amount) public cumulative;
    uint256 internal pendingGrants;

    uint256[][] internal amountsAt;
    bytes32[][] internal treesAt;

    /// @dev Ghost totals, read by the invariants.
    uint256 public paidOut;
    uint256 public deposited;
    uint256 public doublePays;
    uint256 public overPays;
    /// @dev Tokens paid beyond an account's honest cumulative amount (only a rogue root can).
    uint256 public roguePaid;
    uint256 public honestClaimsFailed;
    uint256 public rogueRoots;
    /// @dev Whether the current root is the honest ledger's.
    bool internal currentHonest;

    uint256 internal constant GRANT_MAX = 1e24;

    constructor(RewardDistributor distributor_, address publisher_, address[] memory actors_) {
        distributor = distributor_;
        token = distributor_.token();
        publisher = publisher_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actor(uint256 i) external view returns (address) {
        return actors[i];
    }

    /// @notice The operator grants balance (minted with the next root, within the cap).
    function grant(uint256 actorSeed, uint256 amount) external {
        amount = bound(amount, 1, GRANT_MAX);
        if (distributor.grantedInWindow() + pendingGrants + amount > distributor.grantCap()) return;
        balance[actors[actorSeed % actors.length]] += amount;
        pendingGrants += amount;
    }

    /// @notice An actor deposits tokens it holds; the coordinator credits the event.
    function deposit(uint256 actorSeed, uint256 amount) external {
        address from = actors[actorSeed % actors.length];
        uint256 held = token.balanceOf(from);
        if (held == 0) return;
        amount = bound(amount, 1, held);
        vm.prank(from);
        distributor.deposit(amount);
        balance[from] += amount;
        deposited += amount;
    }

    /// @notice A paid job: `payer`'s balance pays `worker`'s earnings (a fee goes to actor 0).
    function pay(uint256 payerSeed, uint256 workerSeed, uint256 amount) external {
        address payer = actors[payerSeed % actors.length];
        address worker = actors[workerSeed % actors.length];
        if (balance[payer] == 0) return;
        amount = bound(amount, 1, balance[payer]);
        uint256 fee = amount / 20;
        balance[payer] -= amount;
        cumulative[worker] += amount - fee;
        cumulative[actors[0]] += fee;
    }

    /// @notice An actor withdraws unreserved balance: it becomes claimable.
    function withdraw(uint256 actorSeed, uint256 amount) external {
        address account = actors[actorSeed % actors.length];
        if (balance[account] == 0) return;
        amount = bound(amount, 1, balance[account]);
        balance[account] -= amount;
        cumulative[account] += amount;
    }

    /// @notice The coordinator publishes the ledger's cumulative amounts with their total and the
    /// pending grants.
    function publish() public {
        uint256[] memory amounts = new uint256[](actors.length);
        bytes32[] memory leaves = new bytes32[](actors.length);
        uint256 total;
        for (uint256 i = 0; i < actors.length; i++) {
            amounts[i] = cumulative[actors[i]];
            total += amounts[i];
            leaves[i] = MerkleTree.leaf(actors[i], amounts[i]);
        }
        bytes32[] memory tree = MerkleTree.build(leaves);
        uint256 next = distributor.epoch() + 1; // read before the prank
        vm.prank(publisher);
        distributor.publishRoot(next, MerkleTree.root(tree), total, pendingGrants);
        pendingGrants = 0;
        currentHonest = true;
        amountsAt.push(amounts);
        treesAt.push(tree);
    }

    /// @notice A leaked publisher key publishes a root giving one actor far more than was funded,
    /// lying about the total. It may be accepted, but must never pay out beyond the pool.
    function publishRogue(uint256 actorSeed, uint256 amount) external {
        uint256 i = actorSeed % actors.length;
        uint256[] memory amounts = new uint256[](actors.length);
        bytes32[] memory leaves = new bytes32[](actors.length);
        for (uint256 j = 0; j < actors.length; j++) {
            amounts[j] = cumulative[actors[j]];
            if (j == i) amounts[j] += bound(amount, 1, 1e30);
            leaves[j] = MerkleTree.leaf(actors[j], amounts[j]);
        }
        bytes32[] memory tree = MerkleTree.build(leaves);
        uint256 next = distributor.epoch() + 1; // read before the prank
        vm.prank(publisher);
        distributor.publishRoot(next, MerkleTree.root(tree), 0, 0);
        rogueRoots++;
        currentHonest = false;
        amountsAt.push(amounts);
        treesAt.push(tree);
    }

    /// @notice Claims for an actor with a proof from any published tree, current or stale.
    function claim(uint256 actorSeed, uint256 epochSeed) external {
        if (treesAt.length == 0) return;
        uint256 i = actorSeed % actors.length;
        uint256 e = epochSeed % treesAt.length;
        address account = actors[i];
        uint256 amount = amountsAt[e][i];
        uint256 claimedBefore = distributor.claimed(account);
        uint256 balanceBefore = token.balanceOf(account);
        bool current = e == treesAt.length - 1 && currentHonest;
        try distributor.claim(account, amount, MerkleTree.proof(treesAt[e], i)) {
            uint256 delta = token.balanceOf(account) - balanceBefore;
            if (delta != amount - claimedBefore) overPays++;
            if (amount > cumulative[account]) roguePaid += delta; // a rogue amount was paid
            paidOut += delta;
        } catch {
            // The honest current root must always pay what it promises.
            // (Unless a rogue root already drained part of the pool: a leaked key can redirect funds.)
            if (current && roguePaid == 0 && amount > claimedBefore && amount <= cumulative[account]) {
                honestClaimsFailed++;
            }
        }
        if (distributor.claimed(account) > claimedBefore && amount <= claimedBefore) doublePays++;
    }

    /// @notice Moves tokens between actors; never changes claimed totals.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.transfer(to, amount);
    }
}

/// @notice Invariants of paid work on chain: total paid out never exceeds deposits plus grants
/// minted, only grants are ever minted, the pool holds exactly what came in minus what went out,
/// honest roots always pay, and nothing is paid twice — even after a rogue publisher's root.
contract RewardDistributorInvariantTest is TestBase {
    RewardDistributor internal distributor;
    SpareCyclesToken internal token;
    LedgerHandler internal handler;

    address internal constant ADMIN = address(0xAD);
    address internal constant PUBLISHER = address(0xB0B);

    function setUp() public {
        distributor = new RewardDistributor(ADMIN, PUBLISHER, 1e27, 1 days);
        token = distributor.token();
        address[] memory actors = new address[](5);
        for (uint256 i = 0; i < actors.length; i++) {
            actors[i] = vm.addr(i + 1);
        }
        handler = new LedgerHandler(distributor, PUBLISHER, actors);
        targetContract(address(handler));
    }

    function invariant_PaidOutWithinDepositsPlusGrants() public view {
        uint256 claimedSum;
        for (uint256 i = 0; i < handler.actorCount(); i++) {
            claimedSum += distributor.claimed(handler.actor(i));
        }
        assertEq(claimedSum, handler.paidOut(), "ghost paid == claimed");
        assertLe(claimedSum, distributor.totalDeposited() + distributor.totalGranted(), "paid <= deposits + grants");
    }

    function invariant_OnlyGrantsAreMinted() public view {
        assertEq(token.totalSupply(), distributor.totalGranted(), "supply == grants minted");
        assertEq(distributor.totalDeposited(), handler.deposited(), "every deposit counted once");
    }

    function invariant_PoolIsInMinusOut() public view {
        assertEq(
            token.balanceOf(address(distributor)),
            distributor.totalDeposited() + distributor.totalGranted() - handler.paidOut(),
            "pool == deposits + grants - paid"
        );
    }

    function invariant_HonestClaimsPayAndNothingPaysTwice() public view {
        assertEq(handler.honestClaimsFailed(), 0, "an honest claim failed");
        assertEq(handler.doublePays(), 0, "paid twice");
    }

    function invariant_ClaimsPayExactlyTheDifference() public view {
        assertEq(handler.overPays(), 0, "a claim paid other than cumulative - claimed");
    }
}
