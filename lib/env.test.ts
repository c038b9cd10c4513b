import { describe, expect, it } from 'vitest';
import { envSchema } from './env';

describe('envSchema', () => {
  it('refuses a production start without PUBLIC_URL, naming the variable and why', () => {
    const parsed = envSchema.safeParse({ NODE_ENV: 'production' });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(['PUBLIC_URL']);
    expect(issue?.message).toMatch(/required in production/);
  });

  it('accepts production with PUBLIC_URL, and development or tests without it', () => {
    expect(
      envSchema.safeParse({ NODE_ENV: 'production', PUBLIC_URL: 'https://cycles.example.org' }).success,
    ).toBe(true);
    expect(envSchema.safeParse({ NODE_ENV: 'development' }).success).toBe(true);
    expect(envSchema.safeParse({ NODE_ENV: 'test' }).success).toBe(true);
  });
});
