import { describe, expect, it } from 'vitest';
import { networkPrefix } from './network-prefix';

describe('networkPrefix', () => {
  it('groups IPv4 by /24 and IPv6 by /48', () => {
    expect(networkPrefix('203.0.113.7')).toBe('v4:203.0.113');
    expect(networkPrefix('203.0.113.250')).toBe('v4:203.0.113');
    expect(networkPrefix('203.0.114.7')).toBe('v4:203.0.114');
    expect(networkPrefix('::ffff:203.0.113.9')).toBe('v4:203.0.113');
    expect(networkPrefix('2001:db8:1:2::5')).toBe('v6:2001:db8:1');
    expect(networkPrefix('2001:0db8:0001:ffff::1')).toBe('v6:2001:db8:1');
    expect(networkPrefix('[2001:db8:2::1]')).toBe('v6:2001:db8:2');
    expect(networkPrefix('fe80::1%eth0')).toBe('v6:fe80:0:0');
  });

  it('treats loopback and a missing address as no prefix, and garbage as one shared prefix', () => {
    expect(networkPrefix('127.0.0.1')).toBeNull();
    expect(networkPrefix('127.8.9.10')).toBeNull();
    expect(networkPrefix('::1')).toBeNull();
    expect(networkPrefix('::ffff:127.0.0.1')).toBeNull();
    expect(networkPrefix(null)).toBeNull();
    expect(networkPrefix('')).toBeNull();
    expect(networkPrefix('unknown')).toBe('unknown');
    expect(networkPrefix('1.2.3.4, 5.6.7.8')).toBe('unknown');
  });
});
