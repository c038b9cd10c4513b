// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {RewardDistributor} from "../src/RewardDistributor.sol";
import {SpareCyclesToken} from "../src/SpareCyclesToken.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

/// @notice Unit tests: claims, repeat claims, bad proofs, root publishing and access control.
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
            token.mint(callers[i], 1);
        }
        assertEq(token.totalSupply(), 0, "nothing minted");
    }
}
