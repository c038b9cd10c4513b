import { z } from 'zod';

/** The statement shown in the wallet when signing in; informational, the server does not check it. */
export const siweStatement = 'Link this wallet to my Spare Cycles volunteer to receive CYCLE rewards.';

/** `GET /api/v1/auth/nonce`: a single-use nonce for one Sign-In with Ethereum message. */
export const siweNonceResponseSchema = z.object({
  nonce: z.string().describe('put it in the message as `Nonce:`; valid once, until expiresAt'),
  expiresAt: z.iso.datetime(),
  /** What the message must say, so clients need not guess. */
  domain: z.string().describe('the `domain` (host[:port]) the message must name'),
  uri: z.string().describe('a URI on this origin for the message'),
  chainId: z.number().int().describe('the `Chain ID` the message must name'),
});

/** `POST /api/v1/auth/verify`: an EIP-4361 message and the wallet's `personal_sign` signature over it. */
export const siweVerifyRequestSchema = z.strictObject({
  message: z.string().min(1, 'must be the EIP-4361 message that was signed').max(4096, 'is too long'),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, 'must be 0x-prefixed hex')
    .max(8192, 'is too long'),
});

export const siweVerifyResponseSchema = z.object({
  volunteerId: z.uuid(),
  /** The linked wallet, lower-case hex. */
  address: z.string(),
});

export type SiweNonceResponse = z.infer<typeof siweNonceResponseSchema>;
export type SiweVerifyRequest = z.infer<typeof siweVerifyRequestSchema>;
export type SiweVerifyResponse = z.infer<typeof siweVerifyResponseSchema>;
