// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
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
        assertEq(token.totalSupply(), 100 ether, "supply");
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

    function test_RevertWhen_OldRootProofAgainstNewRoot() public {
        publish(2, tree2);
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
        RewardDistributor fresh = new RewardDistributor(ADMIN, PUBLISHER);
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

    function test_PublishRoot_SetsRootAndEpoch() public {
        vm.expectEmit(address(distributor));
        emit RewardDistributor.RootPublished(2, tree2[0]);
        publish(2, tree2);
        assertEq(distributor.merkleRoot(), tree2[0], "root");
        assertEq(distributor.epoch(), 2, "epoch");
    }

    function test_PublishRoot_MaySkipEpochs() public {
        publish(10, tree2);
        assertEq(distributor.epoch(), 10, "epoch");
    }

    function test_RevertWhen_EpochRepeated() public {
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochNotIncreasing.selector, 1, 1));
        distributor.publishRoot(1, tree2[0]);
    }

    function test_RevertWhen_OldRootReplayed() public {
        publish(2, tree2);
        vm.prank(PUBLISHER);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochNotIncreasing.selector, 1, 2));
        distributor.publishRoot(1, tree1[0]);
        assertEq(distributor.merkleRoot(), tree2[0], "root unchanged");
    }

    // --- access control ---

    function test_RevertWhen_NonPublisherPublishes() public {
        bytes32 role = distributor.PUBLISHER_ROLE();
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ALICE, role));
        distributor.publishRoot(2, tree2[0]);
    }

    function test_RevertWhen_AdminWithoutPublisherRolePublishes() public {
        bytes32 role = distributor.PUBLISHER_ROLE();
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        distributor.publishRoot(2, tree2[0]);
    }

    function test_AdminGrantsAndRevokesPublishers() public {
        bytes32 role = distributor.PUBLISHER_ROLE();
        vm.prank(ADMIN);
        distributor.grantRole(role, CAROL);
        vm.prank(CAROL);
        distributor.publishRoot(2, tree2[0]);

        vm.prank(ADMIN);
        distributor.revokeRole(role, CAROL);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, CAROL, role));
        distributor.publishRoot(3, tree1[0]);
    }

    function test_RevertWhen_NonAdminGrantsPublisher() public {
        bytes32 role = distributor.PUBLISHER_ROLE();
        bytes32 adminRole = distributor.DEFAULT_ADMIN_ROLE();
        vm.prank(PUBLISHER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, PUBLISHER, adminRole)
        );
        distributor.grantRole(role, ALICE);
    }

    function test_Token_MinterIsTheDistributor() public view {
        assertEq(token.minter(), address(distributor), "minter");
        assertEq(address(distributor.token()), address(token), "token()");
        assertEq(token.name(), "Spare Cycles", "name");
        assertEq(token.symbol(), "CYCLE", "symbol");
        assertEq(token.decimals(), 18, "decimals");
    }

    function test_RevertWhen_AnyoneElseMints() public {
        address[3] memory callers = [ADMIN, PUBLISHER, ALICE];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.UnauthorizedMinter.selector, callers[i]));
            token.mintClaim(callers[i], 1);
        }
        assertEq(token.totalSupply(), 0, "nothing minted");
        assertEq(token.claimed(ALICE), 0, "nothing recorded as claimed");
    }

    // --- the token's own claim bookkeeping (packed with the balance) ---

    function test_MintClaim_RecordsClaimedAndPaysTheDelta() public {
        vm.prank(address(distributor));
        assertEq(token.mintClaim(ALICE, 5 ether), 5 ether, "first pays all");
        vm.prank(address(distributor));
        assertEq(token.mintClaim(ALICE, 8 ether), 3 ether, "then the delta");
        assertEq(token.balanceOf(ALICE), 8 ether, "balance");
        assertEq(token.claimed(ALICE), 8 ether, "claimed");
        assertEq(distributor.claimed(ALICE), 8 ether, "distributor reads the token");
        assertEq(token.totalSupply(), 8 ether, "supply");
    }

    function test_RevertWhen_MintClaimNotAboveClaimed() public {
        vm.prank(address(distributor));
        token.mintClaim(ALICE, 5 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.NothingToClaim.selector, ALICE, 5 ether, 5 ether));
        token.mintClaim(ALICE, 5 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.NothingToClaim.selector, ALICE, 4 ether, 5 ether));
        token.mintClaim(ALICE, 4 ether);
    }

    function test_RevertWhen_MintClaimToZeroAddress() public {
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        token.mintClaim(address(0), 1);
    }

    function test_MintClaim_Enforces128BitBound() public {
        uint256 max = type(uint128).max;
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, max + 1));
        token.mintClaim(ALICE, max + 1);

        vm.prank(address(distributor));
        token.mintClaim(ALICE, max); // exactly at the bound: fine
        assertEq(token.balanceOf(ALICE), max, "balance at the bound");
        assertEq(token.claimed(ALICE), max, "claimed at the bound");

        // Another account's claim would push the supply past the bound.
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, max + 1));
        token.mintClaim(BOB, 1);
    }

    function test_Claim_AmountBeyondBoundReverts() public {
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        address[] memory one = new address[](1);
        uint256[] memory amount = new uint256[](1);
        (one[0], amount[0]) = (ALICE, tooMuch);
        publish(2, buildTree(one, amount));
        vm.expectRevert(abi.encodeWithSelector(SpareCyclesToken.AmountTooLarge.selector, tooMuch));
        distributor.claim(ALICE, tooMuch, new bytes32[](0));
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
        assertEq(token.totalSupply(), 100 ether, "supply unchanged");
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
