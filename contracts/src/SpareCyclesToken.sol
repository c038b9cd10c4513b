// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Spare Cycles reward token
/// @notice Plain ERC-20 (18 decimals, no transfer hooks). New tokens exist only as rewards paid by
/// the {RewardDistributor} that deployed this contract: it is the one and only minter, fixed at
/// construction, so there is no setter to guard and no window in which anyone else could mint.
contract SpareCyclesToken is ERC20 {
    /// @notice The only address allowed to mint: the reward distributor.
    address public immutable minter;

    /// @notice `caller` tried to mint but is not the distributor.
    error UnauthorizedMinter(address caller);

    /// @param minter_ The reward distributor (it deploys this token and passes `address(this)`).
    constructor(address minter_) ERC20("Spare Cycles", "CYCLE") {
        minter = minter_;
    }

    /// @notice Mints `amount` new tokens to `to`. Only the distributor may call it.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in token units (18 decimals).
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert UnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }
}
