// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardDistributor} from "../src/RewardDistributor.sol";
import {DistributorFixture} from "./utils/DistributorFixture.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

/// @notice A credited account that is a contract and tries to be paid twice: claiming again in the
/// same transaction, and re-entering from every hook a token could call (the plain ERC-20 calls none).
contract GreedyClaimer {
    RewardDistributor internal immutable distributor;
    uint256 internal cumulative;
    bytes32[] internal proof;
    uint256 public hooksCalled;
    bool public secondClaimPaid;
    bytes public secondClaimError;
    bool public reentryPaid;
    bytes public reentryError;

    constructor(RewardDistributor distributor_) {
        distributor = distributor_;
    }

    /// @notice Remembers the claim to replay from the hooks.
    function arm(uint256 cumulative_, bytes32[] calldata proof_) public {
        cumulative = cumulative_;
        proof = proof_;
    }

    /// @notice Claims, then claims again with the same proof within the same transaction.
    function attack(uint256 cumulative_, bytes32[] calldata proof_) external {
        arm(cumulative_, proof_);
        distributor.claim(address(this), cumulative_, proof_);
        try distributor.claim(address(this), cumulative_, proof_) {
            secondClaimPaid = true;
        } catch (bytes memory reason) {
            secondClaimError = reason;
        }
    }

    /// @dev ERC-777 / ERC-1363 style receive hooks: would re-enter if the token ever called them.
    function tokensReceived(address, address, address, uint256, bytes calldata, bytes calldata) external {
        reenter();
    }

    function onTransferReceived(address, address, uint256, bytes calldata) external returns (bytes4) {
        reenter();
        return this.onTransferReceived.selector;
    }

    fallback() external {
        reenter();
    }

    function reenter() internal {
        hooksCalled++;
        try distributor.claim(address(this), cumulative, proof) {
            reentryPaid = true;
        } catch (bytes memory reason) {
            reentryError = reason;
        }
    }
}

/// @notice Stand-in for a token *with* receive hooks, etched over the real token's code, to show
/// that checks-effects-interactions alone already stops re-entry: the claimed total is written
/// before any code outside the token runs (the real token writes it and the balance in one slot).
contract HookedToken {
    mapping(address account => uint256 amount) public claimed;
    uint256 public minted;

    function payClaim(address account, uint256 cumulativeAmount) external returns (uint256 paid) {
        paid = cumulativeAmount - claimed[account];
        claimed[account] = cumulativeAmount;
        minted += paid;
        GreedyClaimer(payable(account)).tokensReceived(msg.sender, address(0), account, paid, "", "");
    }
}

contract RewardDistributorReentrancyTest is DistributorFixture {
    GreedyClaimer internal attacker;
    bytes32[] internal tree;
    uint256 internal constant AMOUNT = 42 ether;

    function setUp() public {
        deployDistributor();
        attacker = new GreedyClaimer(distributor);
        address[] memory accounts = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        (accounts[0], amounts[0]) = (address(attacker), AMOUNT);
        (accounts[1], amounts[1]) = (address(0xA11CE), 1 ether);
        (accounts[2], amounts[2]) = (address(0xB0B0), 2 ether);
        tree = buildTree(accounts, amounts);
        publish(1, tree);
    }

    function test_ClaimTwiceInOneTransaction_PaysOnce() public {
        attacker.attack(AMOUNT, MerkleTree.proof(tree, 0));

        assertEq(token.balanceOf(address(attacker)), AMOUNT, "paid once");
        assertEq(token.balanceOf(address(distributor)), 3 ether, "nothing else paid");
        assertFalse(attacker.secondClaimPaid(), "second claim paid");
        assertEq(
            keccak256(attacker.secondClaimError()),
            keccak256(nothingToClaim(address(attacker), AMOUNT, AMOUNT)),
            "second claim reverted with NothingToClaim"
        );
        assertEq(attacker.hooksCalled(), 0, "the token called into the receiver");
    }

    function test_ReentryFromATokenHook_PaysNothingMore() public {
        vm.etch(address(token), address(new HookedToken()).code);
        attacker.arm(AMOUNT, MerkleTree.proof(tree, 0));
        distributor.claim(address(attacker), AMOUNT, MerkleTree.proof(tree, 0));

        assertEq(attacker.hooksCalled(), 1, "the hook ran");
        assertFalse(attacker.reentryPaid(), "the re-entrant claim paid");
        assertEq(
            keccak256(attacker.reentryError()),
            keccak256(nothingToClaim(address(attacker), AMOUNT, AMOUNT)),
            "the re-entrant claim reverted with NothingToClaim"
        );
        assertEq(HookedToken(address(token)).minted(), AMOUNT, "paid once");
    }

    function test_ClaimForAContractAccount_CallsNoHook() public {
        attacker.arm(AMOUNT, MerkleTree.proof(tree, 0));
        distributor.claim(address(attacker), AMOUNT, MerkleTree.proof(tree, 0));
        assertEq(attacker.hooksCalled(), 0, "the token called into the receiver");
        assertEq(token.balanceOf(address(attacker)), AMOUNT, "paid");
    }
}
