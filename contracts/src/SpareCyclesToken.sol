// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Spare Cycles reward token
/// @notice Plain ERC-20 (18 decimals, no transfer hooks). New tokens exist only as operator grants
/// minted by the {RewardDistributor} that deployed this contract: it is the one and only minter,
/// fixed at construction, so there is no setter to guard and no window in which anyone else could
/// mint. Claims are *paid*, not minted: they move tokens out of the distributor's own balance (the
/// pool of deposits and minted grants).
/// @dev Gas: the token also keeps each account's *claimed* reward total, packed with its balance
/// in one storage slot (`claimed << 128 | balance`), so a first claim writes one fresh slot instead
/// of two (one in the distributor, one here): ~22,000 gas less per volunteer. To do so it replaces
/// OpenZeppelin's balance and supply storage by overriding {_update}, {balanceOf} and
/// {totalSupply}; everything else (allowances, metadata, errors, events) is OpenZeppelin's.
/// Bound: the total supply, hence every balance, and every claimed total stay below 2^128
/// (~3.4e20 whole tokens), enforced on every mint; transfers only move existing supply, so a
/// balance can never carry into the claimed half of its slot.
contract SpareCyclesToken is ERC20 {
    /// @notice The only address allowed to mint, pay claims and take deposits: the distributor.
    address public immutable minter;

    /// @dev Largest supply, balance and claimed total: each must fit in 128 bits.
    uint256 private constant MAX_AMOUNT = type(uint128).max;

    /// @dev Per account: claimed total in the high 128 bits, balance in the low 128 bits.
    mapping(address account => uint256 packed) private _accounts;

    /// @dev Replaces OpenZeppelin's private `_totalSupply` (unused here, as is its `_balances`).
    uint256 private _supply;

    /// @notice `caller` tried a distributor-only call but is not the distributor.
    error UnauthorizedMinter(address caller);

    /// @notice `account` has already been paid `alreadyClaimed` ≥ `cumulativeAmount`.
    /// @dev Same signature as the distributor's error, so it reads the same when it bubbles up.
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);

    /// @notice A claimed total or the total supply would reach 2^128, the packed-slot bound.
    error AmountTooLarge(uint256 amount);

    /// @notice The distributor holds `available` but a claim needs `needed`: the pool of deposits
    /// and grants is short (only possible after a root whose leaves exceed its funds).
    error InsufficientPool(uint256 available, uint256 needed);

    /// @param minter_ The reward distributor (it deploys this token and passes `address(this)`).
    constructor(address minter_) ERC20("Spare Cycles", "CYCLE") {
        minter = minter_;
    }

    modifier onlyMinter() {
        if (msg.sender != minter) revert UnauthorizedMinter(msg.sender);
        _;
    }

    /// @notice Pays `account` up to its cumulative reward out of the distributor's balance: moves
    /// `cumulativeAmount` minus what it has already claimed and records `cumulativeAmount` as
    /// claimed. Only the distributor, which checks the Merkle proof first, may call it.
    /// @dev Claimed total and balance change in one SSTORE; emits a `Transfer` from the distributor.
    /// @param account Receiver of the tokens (not the distributor itself).
    /// @param cumulativeAmount The account's proven total reward, in token units (18 decimals).
    /// @return paid The amount moved now.
    function payClaim(address account, uint256 cumulativeAmount) external onlyMinter returns (uint256 paid) {
        if (account == address(0) || account == minter) revert ERC20InvalidReceiver(account);
        if (cumulativeAmount > MAX_AMOUNT) revert AmountTooLarge(cumulativeAmount);
        uint256 packed = _accounts[account];
        uint256 alreadyClaimed = packed >> 128;
        if (cumulativeAmount <= alreadyClaimed) revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        uint256 pool = _accounts[minter]; // the distributor never claims, so its claimed half is 0
        unchecked {
            paid = cumulativeAmount - alreadyClaimed; // > 0, checked above
        }
        if (pool < paid) revert InsufficientPool(pool, paid);
        unchecked {
            _accounts[minter] = pool - paid;
            // balance + paid ≤ supply < 2^128: the low half cannot carry into the claimed half.
            _accounts[account] = (cumulativeAmount << 128) | ((packed & MAX_AMOUNT) + paid);
        }
        emit Transfer(minter, account, paid);
    }

    /// @notice Mints `amount` new tokens to the distributor: operator grants, within the
    /// distributor's cap. The only way new tokens come to exist.
    function mintGrant(uint256 amount) external onlyMinter {
        _mint(minter, amount);
    }

    /// @notice Moves `amount` of `from`'s tokens to the distributor: a deposit `from` asked the
    /// distributor for (it passes `msg.sender`), so no allowance is needed and no approval
    /// transaction either.
    function pullDeposit(address from, uint256 amount) external onlyMinter {
        _transfer(from, minter, amount);
    }

    /// @notice Cumulative reward already paid to `account` (the distributor's `claimed`).
    function claimed(address account) external view returns (uint256) {
        return _accounts[account] >> 128;
    }

    /// @inheritdoc ERC20
    function balanceOf(address account) public view override returns (uint256) {
        return _accounts[account] & MAX_AMOUNT;
    }

    /// @inheritdoc ERC20
    function totalSupply() public view override returns (uint256) {
        return _supply;
    }

    /// @dev OpenZeppelin's `_update` semantics (its callers `_transfer`, `_mint`, `_burn` have
    /// already rejected the zero address where it is invalid) on the packed slots, without
    /// calling super: mint from `address(0)`, burn to it, insufficient balance reverts with
    /// `ERC20InsufficientBalance`, one `Transfer` event. Claimed totals are never touched.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0)) {
            uint256 supply = _supply + value; // checked: reverts on 256-bit overflow
            if (supply > MAX_AMOUNT) revert AmountTooLarge(supply);
            _supply = supply;
        } else {
            uint256 packed = _accounts[from];
            uint256 fromBalance = packed & MAX_AMOUNT;
            if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
            unchecked {
                _accounts[from] = packed - value; // value ≤ balance: no borrow from the claimed half
            }
        }

        if (to == address(0)) {
            unchecked {
                _supply -= value; // value ≤ balance ≤ supply
            }
        } else {
            unchecked {
                // balance + value ≤ supply < 2^128 (re-read: `to` may be `from`).
                _accounts[to] += value;
            }
        }

        emit Transfer(from, to, value);
    }
}
