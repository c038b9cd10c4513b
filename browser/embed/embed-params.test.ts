import { describe, expect, it } from 'vitest';
import { registerVolunteerRequestSchema } from '@/lib/protocol/volunteers';
import { parseEmbedSite, parseTargetOrigin } from './embed-params';

describe('parseEmbedSite', () => {
  it('accepts what POST /api/v1/volunteers accepts as site', () => {
    for (const site of ['blog.example', 'example.org:8080', 'my_site-2', 'A']) {
      expect(parseEmbedSite(site)).toEqual({ ok: true, site });
      expect(registerVolunteerRequestSchema.safeParse({ site }).success).toBe(true);
    }
    // The API trims, so the card does too.
    expect(parseEmbedSite(' blog.example ')).toEqual({ ok: true, site: 'blog.example' });
  });

  it('refuses what the API refuses, saying why', () => {
    for (const site of ['bad site', '-leading', 'a/b', '<script>', 'x'.repeat(101), 'ünïcode']) {
      const parsed = parseEmbedSite(site);
      expect(parsed.ok, site).toBe(false);
      expect(registerVolunteerRequestSchema.safeParse({ site }).success, site).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/^data-site /);
    }
    expect(parseEmbedSite('a b')).toEqual({
      ok: false,
      message: 'data-site may contain letters, digits, ".", "_", ":" and "-" only.',
    });
  });

  it('requires a site, once', () => {
    for (const value of [undefined, null, '', '   ']) {
      expect(parseEmbedSite(value)).toEqual({
        ok: false,
        message: "data-site is missing: set it to your site's name.",
      });
    }
    expect(parseEmbedSite(['a', 'b']).ok).toBe(false);
  });
});

describe('parseTargetOrigin', () => {
  it('accepts serialised http(s) origins', () => {
    for (const origin of ['https://blog.example', 'http://127.0.0.1:3801', 'http://localhost:8080']) {
      expect(parseTargetOrigin(origin)).toBe(origin);
    }
  });

  it('refuses anything that is not exactly an http(s) origin', () => {
    for (const value of [
      undefined,
      null,
      '',
      '*',
      'null',
      'blog.example',
      'https://blog.example/',
      'https://blog.example/path',
      'https://blog.example?x=1',
      'https://user:pw@blog.example',
      'HTTPS://BLOG.EXAMPLE',
      'https://blog.example:443',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'ftp://blog.example',
      `https://${'a'.repeat(2100)}.example`,
    ]) {
      expect(parseTargetOrigin(value), String(value)).toBeNull();
    }
    expect(parseTargetOrigin(['https://a.example', 'https://b.example'])).toBeNull();
  });
});
