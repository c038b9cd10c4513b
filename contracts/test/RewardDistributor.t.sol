// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RewardDistributor} from "../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../src/SpareCyclesToken.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

/// @notice Unit tests: claims, repeat claims, bad proofs, root publishing, access control, and the
/// packed token behaving as a standard ERC-20.
contract RewardDistributorTest is DistributorFixture {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B0);
    address internal constant CAROL = address(0xCA201);
    address internal constant DAVE = address(0xDA4E);

    address[] internal accounts;
    uint256[] internal epoch1Amounts;
    uint256[] internal epoch2Amounts;
    bytes32[] internal tree1;
    bytes32[] internal tree2;

    function setUp() public {
        deployDistributor();
        accounts = [ALICE, BOB, CAROL, DAVE];
        epoch1Amounts = [uint256(100 ether), 250 ether, 1, 7 ether];
        // Epoch 2: Alice earns more, Bob does not, Carol and Dave earn a little.
        epoch2Amounts = [uint256(160 ether), 250 ether, 2, 7 ether + 1];
        tree1 = buildTree(accounts, epoch1Amounts);
        tree2 = buildTree(accounts, epoch2Amounts);
        publish(1, tree1);
    }

    function proof1(uint256 i) internal view returns (bytes32[] memory) {
        return MerkleTree.proof(tree1, i);
    }

    function proof2(uint256 i) internal view returns (bytes32[] memory) {
        return MerkleTree.proof(tree2, i);
    }

    // --- claim ---

    function test_Claim_PaysCumulativeAmount() public {
        vm.expectEmit(address(distributor));
        emit RewardDistributor.Claimed(ALICE, 100 ether, 100 ether);
        distributor.claim(ALICE, 100 ether, proof1(0));

        assertEq(token.balanceOf(ALICE), 100 ether, "balance");
        assertEq(distributor.claimed(ALICE), 100 ether, "claimed");
        assertEq(token.balanceOf(address(distributor)), totalOf[tree1[0]] - 100 ether, "paid from the pool");
    }

    function test_Claim_AnyoneMaySubmit_TokensGoToAccount() public {
        vm.prank(CAROL);
        distributor.claim(BOB, 250 ether, proof1(1));
        assertEq(token.balanceOf(BOB), 250 ether, "bob paid");
        assertEq(token.balanceOf(CAROL), 0, "submitter not paid");
    }

    function test_Claim_EveryLeafOfTheTree() public {
        for (uint256 i = 0; i < accounts.length; i++) {
            distributor.claim(accounts[i], epoch1Amounts[i], proof1(i));
            assertEq(token.balanceOf(accounts[i]), epoch1Amounts[i], "balance");
        }
    }

    function test_RepeatClaim_PaysOnlyTheDelta() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        publish(2, tree2);

        vm.expectEmit(address(distributor));
        emit RewardDistributor.Claimed(ALICE, 60 ether, 160 ether);
        distributor.claim(ALICE, 160 ether, proof2(0));

        assertEq(token.balanceOf(ALICE), 160 ether, "balance is the cumulative amount");
        assertEq(distributor.claimed(ALICE), 160 ether, "claimed");
    }

    function test_SkippedEpoch_ClaimLaterPaysEverything() public {
        publish(2, tree2);
        distributor.claim(ALICE, 160 ether, proof2(0));
        assertEq(token.balanceOf(ALICE), 160 ether, "balance");
    }

    function test_RevertWhen_SameCumulativeClaimedTwice() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        bytes32[] memory proof = proof1(0);
        vm.expectRevert(nothingToClaim(ALICE, 100 ether, 100 ether));
        distributor.claim(ALICE, 100 ether, proof);
    }

    function test_RevertWhen_UnchangedAmountInNewEpoch() public {
        distributor.claim(BOB, 250 ether, proof1(1));
        publish(2, tree2);
        bytes32[] memory proof = proof2(1);
        vm.expectRevert(nothingToClaim(BOB, 250 ether, 250 ether));
        distributor.claim(BOB, 250 ether, proof);
    }

    function test_RevertWhen_OldProofAfterNewerClaim() public {
        publish(2, tree2);
        distributor.claim(ALICE, 160 ether, proof2(0));
        bytes32[] memory oldProof = proof1(0);
        vm.expectRevert(nothingToClaim(ALICE, 100 ether, 160 ether));
        distributor.claim(ALICE, 100 ether, oldProof);
    }

    function test_RevertWhen_OldRootProofAfterThePreviousRootWindow() public {
        publish(2, tree2);
        vm.warp(block.timestamp + distributor.PREVIOUS_ROOT_SECONDS());
        bytes32[] memory oldProof = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether, oldProof);
    }

    function test_RevertWhen_WrongAmount() public {
        bytes32[] memory proof = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether + 1, proof);
    }

    function test_RevertWhen_ProofOfAnotherAccount() public {
        bytes32[] memory aliceProof = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(BOB, 100 ether, aliceProof);
    }

    function test_RevertWhen_TamperedProof() public {
        bytes32[] memory proof = proof1(0);
        proof[1] = bytes32(uint256(proof[1]) ^ 1);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether, proof);
    }

    function test_RevertWhen_EmptyProof() public {
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether, new bytes32[](0));
    }

    function test_RevertWhen_ZeroAmountBeforeAnyClaim() public {
        vm.expectRevert(nothingToClaim(ALICE, 0, 0));
        distributor.claim(ALICE, 0, new bytes32[](0));
    }

    function test_RevertWhen_NoRootPublished() public {
        RewardDistributor fresh = new RewardDistributor(ADMIN, PUBLISHER, GRANT_CAP, GRANT_PERIOD);
        bytes32[] memory proof = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        fresh.claim(ALICE, 100 ether, proof);
    }

    function test_SingleLeafTree_EmptyProof() public {
        address[] memory one = new address[](1);
        uint256[] memory amount = new uint256[](1);
        one[0] = ALICE;
        amount[0] = 5 ether;
        bytes32[] memory tree = buildTree(one, amount);
        publish(2, tree);
        distributor.claim(ALICE, 5 ether, new bytes32[](0));
        assertEq(token.balanceOf(ALICE), 5 ether, "balance");
    }

    // --- publishing ---

    function test_PublishRoot_SetsRootEpochAndTotal() public {
        uint256 total = totalOf[tree2[0]];
        uint256 grants = total - distributor.totalGranted();
        vm.expectEmit(address(distributor));
        emit RewardDistributor.RootPublished(2, tree2[0], total, grants);
        publish(2, tree2);
        assertEq(distributor.merkleRoot(), tree2[0], "root");
        assertEq(distributor.epoch(), 2, "epoch");
        assertEq(distributor.publishedTotal(), total, "total");
        assertEq(distributor.previousRoot(), tree1[0], "previous root kept");
    }

    function test_PublishRoot_MaySkipEpochs() public {
        publish(10, tree2);
        assertEq(distributor.epoch(), 10, "epoch");
    }

    function test_RevertWhen_EpochRepeated() public {
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochOutOfRange.selector, 1, 1));
        distributor.publishRoot(1, tree2[0], 0, 0);
    }

    function test_RevertWhen_OldRootReplayed() public {
        publish(2, tree2);
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochOutOfRange.selector, 1, 2));
        distributor.publishRoot(1, tree1[0], 0, 0);
        assertEq(distributor.merkleRoot(), tree2[0], "root unchanged");
    }

    /// A leaked publisher key must not be able to end publishing by taking the largest epoch.
    function test_RevertWhen_EpochJumpsTooFar() public {
        uint256 step = distributor.MAX_EPOCH_STEP(); // read before the pranks below
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochOutOfRange.selector, type(uint256).max, 1));
        distributor.publishRoot(type(uint256).max, tree2[0], 0, 0);
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochOutOfRange.selector, 2 + step, 1));
        distributor.publishRoot(2 + step, tree2[0], 0, 0);
        vm.prank(PUBLISHER);
        distributor.publishRoot(1 + step, tree2[0], 0, 0); // the largest step is fine
        vm.prank(PUBLISHER);
        distributor.publishRoot(2 + step, tree1[0], 0, 0); // and later roots still land
        assertEq(distributor.epoch(), 2 + step, "publishing goes on");
    }

    function test_RevertWhen_TotalExceedsDepositsAndGrants() public {
        uint256 funds = distributor.totalDeposited() + distributor.totalGranted();
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.TotalExceedsFunds.selector, funds + 1, funds));
        distributor.publishRoot(2, tree2[0], funds + 1, 0);
        // With the missing unit granted in the same call it is accepted.
        vm.prank(PUBLISHER);
        distributor.publishRoot(2, tree2[0], funds + 1, 1);
        assertEq(distributor.totalGranted(), funds + 1, "granted");
    }

    function test_Deposit_MovesTokensInAndCountsTowardsFunds() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        uint256 pool = token.balanceOf(address(distributor));
        vm.expectEmit(address(distributor));
        emit RewardDistributor.Deposited(ALICE, 40 ether);
        vm.prank(ALICE);
        distributor.deposit(40 ether);
        assertEq(token.balanceOf(ALICE), 60 ether, "depositor balance");
        assertEq(token.balanceOf(address(distributor)), pool + 40 ether, "pool");
        assertEq(distributor.totalDeposited(), 40 ether, "deposited");
        assertEq(distributor.claimed(ALICE), 100 ether, "claimed total untouched");
        // Funds now cover 40 ether more without any grant.
        uint256 funds = distributor.totalGranted() + 40 ether;
        vm.prank(PUBLISHER);
        distributor.publishRoot(2, tree2[0], funds, 0);
    }

    function test_RevertWhen_DepositBeyondBalanceOrZero() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, ALICE, 0, 1));
        distributor.deposit(1);
        vm.prank(ALICE);
        vm.expectRevert(RewardDistributor.ZeroDeposit.selector);
        distributor.deposit(0);
    }

    // --- grant cap ---

    function test_GrantCap_PerWindow() public {
        RewardDistributor capped = new RewardDistributor(ADMIN, PUBLISHER, 10 ether, 1 hours);
        vm.startPrank(PUBLISHER);
        capped.publishRoot(1, bytes32(uint256(1)), 6 ether, 6 ether);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.GrantCapExceeded.selector, 5 ether, 4 ether));
        capped.publishRoot(2, bytes32(uint256(2)), 11 ether, 5 ether);
        capped.publishRoot(2, bytes32(uint256(2)), 10 ether, 4 ether); // exactly the cap
        vm.warp(block.timestamp + 1 hours);
        capped.publishRoot(3, bytes32(uint256(3)), 20 ether, 10 ether); // a new window
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.GrantCapExceeded.selector, 1, 0));
        capped.publishRoot(4, bytes32(uint256(4)), 20 ether + 1, 1);
        vm.stopPrank();
        assertEq(capped.totalGranted(), 20 ether, "granted");
        assertEq(capped.token().totalSupply(), 20 ether, "minted only grants");
    }

    function test_GrantCap_OnlyAdminSetsIt() public {
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.setGrantCap(type(uint256).max, 0);
        vm.prank(ADMIN);
        distributor.setGrantCap(1 ether, 1 days);
        assertEq(distributor.grantCap(), 1 ether, "cap");
    }

    // --- the previous root ---

    function test_PreviousRootProofsWorkForAWhile() public {
        publish(2, tree2);
        // Bob's epoch-1 proof (sent before epoch 2 landed) still pays.
        distributor.claim(BOB, 250 ether, proof1(1));
        assertEq(token.balanceOf(BOB), 250 ether, "paid from the previous root");
        vm.warp(block.timestamp + distributor.PREVIOUS_ROOT_SECONDS());
        bytes32[] memory late = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether, late);
        distributor.claim(ALICE, 160 ether, proof2(0)); // the current root always works
    }

    function test_OnlyTheLatestTwoRootsAreClaimable() public {
        publish(2, tree2);
        bytes32[] memory t3 = buildTree(accounts, epoch2Amounts);
        publish(3, t3); // same amounts; tree1 is now two roots back
        bytes32[] memory old = proof1(0);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(ALICE, 100 ether, old);
    }

    function test_AdminExpiresThePreviousRoot() public {
        publish(2, tree2);
        vm.prank(ADMIN);
        distributor.expirePreviousRoot();
        bytes32[] memory old = proof1(1);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.claim(BOB, 250 ether, old);
    }

    // --- roles (two-step) ---

    function test_RevertWhen_NonPublisherPublishes() public {
        address[2] memory callers = [ALICE, ADMIN];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, callers[i]));
            distributor.publishRoot(2, tree2[0], 0, 0);
        }
    }

    function test_PublisherChangeIsTwoStep() public {
        vm.prank(ADMIN);
        distributor.proposePublisher(CAROL);
        assertEq(distributor.publisher(), PUBLISHER, "old key still publishes until accepted");
        vm.prank(DAVE);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, DAVE));
        distributor.acceptPublisher();
        vm.prank(CAROL);
        distributor.acceptPublisher();
        assertEq(distributor.publisher(), CAROL, "new publisher");
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.publishRoot(2, tree2[0], 0, 0);
        vm.prank(CAROL);
        distributor.publishRoot(2, tree2[0], totalOf[tree1[0]], 0);
    }

    function test_AdminRevokesPublisherAtOnce() public {
        vm.prank(ADMIN);
        distributor.revokePublisher();
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.publishRoot(2, tree2[0], 0, 0);
    }

    function test_AdminChangeIsTwoStep() public {
        vm.prank(ADMIN);
        distributor.transferAdmin(CAROL);
        assertEq(distributor.admin(), ADMIN, "unchanged until accepted");
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.acceptAdmin();
        vm.prank(CAROL);
        distributor.acceptAdmin();
        assertEq(distributor.admin(), CAROL, "new admin");
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, ADMIN));
        distributor.proposePublisher(ADMIN);
    }

    function test_RevertWhen_PublisherChangesRoles() public {
        vm.startPrank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.proposePublisher(ALICE);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.Unauthorized.selector, PUBLISHER));
        distributor.transferAdmin(PUBLISHER);
        vm.stopPrank();
    }

    function test_Token_MinterIsTheDistributor() public view {
        assertEq(token.minter(), address(distributor), "minter");
        assertEq(address(distributor.token()), address(token), "token()");
        assertEq(token.name(), "Spare Cycles", "name");
        assertEq(token.symbol(), "CYCLE", "symbol");
        assertEq(token.decimals(), 18, "decimals");
    }

    function test_RevertWhen_AnyoneElseMintsPaysOrPulls() public {
        uint256 supply = token.totalSupply();
        address[3] memory callers = [ADMIN, PUBLISHER, ALICE];
        for (uint256 i = 0; i < callers.length; i++) {
            bytes memory denied = abi.encodeWithSelector(SpareCyclesToken.UnauthorizedMinter.selector, callers[i]);
            vm.startPrank(callers[i]);
            vm.expectRevert(denied);
            token.payClaim(callers[i], 1);
            vm.expectRevert(denied);
            token.mintGrant(1);
            vm.expectRevert(denied);
            token.pullDeposit(address(distributor), 1);
            vm.stopPrank();
        }
        assertEq(token.totalSupply(), supply, "nothing minted");
        assertEq(token.claimed(ALICE), 0, "nothing recorded as claimed");
    }

    // --- the token's own claim bookkeeping (packed with the balance) ---

    function test_PayClaim_RecordsClaimedAndPaysTheDelta() public {
        uint256 pool = token.balanceOf(address(distributor));
        vm.prank(address(distributor));
        assertEq(token.payClaim(ALICE, 5 ether), 5 ether, "first pays all");
        vm.prank(address(distributor));
        assertEq(token.payClaim(ALICE, 8 ether), 3 ether, "then the delta");
        assertEq(token.balanceOf(ALICE), 8 ether, "balance");
        assertEq(token.claimed(ALICE), 8 ether, "claimed");
        assertEq(distributor.claimed(ALICE), 8 ether, "distributor reads the token");
        assertEq(token.balanceOf(address(distributor)), pool - 8 ether, "paid from the pool");
    }

    function test_RevertWhen_PayClaimNotAboveClaimed() public {
        vm.prank(address(distributor));
        token.payClaim(ALICE, 5 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.NothingToClaim.selector, ALICE, 5 ether, 5 ether));
        token.payClaim(ALICE, 5 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.NothingToClaim.selector, ALICE, 4 ether, 5 ether));
        token.payClaim(ALICE, 4 ether);
    }

    function test_RevertWhen_PayClaimToZeroOrTheDistributor() public {
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        token.payClaim(address(0), 1);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(distributor)));
        token.payClaim(address(distributor), 1);
    }

    function test_RevertWhen_PoolIsShort() public {
        uint256 pool = token.balanceOf(address(distributor));
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.InsufficientPool.selector, pool, pool + 1));
        token.payClaim(ALICE, pool + 1);
    }

    function test_MintGrant_Enforces128BitBound() public {
        uint256 max = type(uint128).max;
        uint256 supply = token.totalSupply();
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, max + 1));
        token.mintGrant(max - supply + 1);
        vm.prank(address(distributor));
        token.mintGrant(max - supply); // exactly at the bound: fine
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, max + 1));
        token.payClaim(ALICE, max + 1);
    }

    function test_Claim_AmountBeyondBoundReverts() public {
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        address[] memory one = new address[](1);
        uint256[] memory amount = new uint256[](1);
        (one[0], amount[0]) = (ALICE, tooMuch);
        bytes32[] memory tree = buildTree(one, amount);
        // No publisher can fund it, even under an unlimited cap: the supply stays below 2^128.
        vm.prank(ADMIN);
        distributor.setGrantCap(type(uint256).max, 1 days);
        uint256 grants = tooMuch - distributor.totalGranted();
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, tooMuch));
        distributor.publishRoot(2, tree[0], tooMuch, grants);
    }

    // --- the token as a standard ERC-20 ---

    function test_Transfer_MovesBalanceNotClaimed() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.expectEmit(address(token));
        emit IERC20.Transfer(ALICE, BOB, 30 ether);
        vm.prank(ALICE);
        assertTrue(token.transfer(BOB, 30 ether), "transfer returns true");

        assertEq(token.balanceOf(ALICE), 70 ether, "sender balance");
        assertEq(token.balanceOf(BOB), 30 ether, "receiver balance");
        assertEq(token.totalSupply(), totalOf[tree1[0]], "supply unchanged");
        assertEq(distributor.claimed(ALICE), 100 ether, "sender's claimed total unchanged");
        assertEq(distributor.claimed(BOB), 0, "receiving is not claiming");

        // Bob's received tokens do not reduce what he may claim, and his claim keeps them.
        distributor.claim(BOB, 250 ether, proof1(1));
        assertEq(token.balanceOf(BOB), 280 ether, "claim adds to the received balance");
        assertEq(distributor.claimed(BOB), 250 ether, "claimed");
        // Alice can still not be paid twice though she gave tokens away.
        bytes32[] memory proof = proof1(0);
        vm.expectRevert(nothingToClaim(ALICE, 100 ether, 100 ether));
        distributor.claim(ALICE, 100 ether, proof);
    }

    function test_Transfer_ToSelfKeepsBalance() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        assertTrue(token.transfer(ALICE, 40 ether), "transfer returns true");
        assertEq(token.balanceOf(ALICE), 100 ether, "balance");
        assertEq(distributor.claimed(ALICE), 100 ether, "claimed");
    }

    function test_Transfer_WholeBalanceAndZero() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        assertTrue(token.transfer(BOB, 0), "transfer returns true");
        vm.prank(ALICE);
        assertTrue(token.transfer(BOB, 100 ether), "transfer returns true");
        assertEq(token.balanceOf(ALICE), 0, "emptied");
        assertEq(token.balanceOf(BOB), 100 ether, "received");
        assertEq(distributor.claimed(ALICE), 100 ether, "claimed kept at zero balance");
    }

    function test_RevertWhen_TransferBeyondBalance() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, ALICE, 100 ether, 100 ether + 1)
        );
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(BOB, 100 ether + 1);

        // No balance at all: the claimed half of the slot must not be spendable.
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, BOB, 0, 1));
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(ALICE, 1);
        assertEq(token.balanceOf(ALICE), 100 ether, "unchanged");
    }

    function test_RevertWhen_SpendingClaimedAfterGivingBalanceAway() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        assertTrue(token.transfer(BOB, 100 ether), "transfer returns true");
        // Alice's slot now holds claimed = 100 ether and balance 0.
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, ALICE, 0, 1));
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(BOB, 1);
    }

    function test_RevertWhen_TransferToZeroAddress() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(address(0), 1);
    }

    function test_ApproveAndTransferFrom() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.expectEmit(address(token));
        emit IERC20.Approval(ALICE, CAROL, 50 ether);
        vm.prank(ALICE);
        assertTrue(token.approve(CAROL, 50 ether), "approve returns true");
        assertEq(token.allowance(ALICE, CAROL), 50 ether, "allowance");

        vm.prank(CAROL);
        assertTrue(token.transferFrom(ALICE, DAVE, 20 ether), "transferFrom returns true");
        assertEq(token.balanceOf(ALICE), 80 ether, "owner balance");
        assertEq(token.balanceOf(DAVE), 20 ether, "receiver balance");
        assertEq(token.allowance(ALICE, CAROL), 30 ether, "allowance spent");
        assertEq(distributor.claimed(ALICE), 100 ether, "claimed unchanged");

        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, CAROL, 30 ether, 31 ether)
        );
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(ALICE, DAVE, 31 ether);
    }

    function test_RevertWhen_TransferFromBeyondBalance() public {
        distributor.claim(ALICE, 100 ether, proof1(0));
        vm.prank(ALICE);
        token.approve(CAROL, type(uint256).max);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, ALICE, 100 ether, 101 ether)
        );
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(ALICE, DAVE, 101 ether);
        assertEq(token.allowance(ALICE, CAROL), type(uint256).max, "infinite allowance kept");
    }
}
