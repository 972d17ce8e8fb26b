// Who a shopper is, as far as the shop vouches for it: a `customerToken` the shop's site signed
// (docs/server.md), or, in development only, a plain `customerId`. Anyone else is a guest.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from './clock.ts';
import type { ErrorCode } from './protocol.ts';
import { PUBLIC } from './route-security.ts';
import { signCustomerToken, verifyCustomerToken } from './tokens.ts';

export interface CustomerProblem {
  code: Extract<ErrorCode, 'invalid_customer_token' | 'customer_id_not_trusted'>;
  message: string;
}

/** The customer a `hello` names (null: a guest), and why a credential it carried was ignored. */
export interface CustomerClaim {
  customerId: string | null;
  problem: CustomerProblem | null;
}

export interface CustomerVerifierOptions {
  secret: string;
  /** Development: a plain customerId is believed, and demo tokens can be minted. */
  trustCustomerId: boolean;
  clock: Clock;
}

/** How long a demo token minted by /api/dev/customer-token stays valid. */
const DEMO_TOKEN_TTL_SECONDS = 60 * 60;

export class CustomerVerifier {
  constructor(private readonly options: CustomerVerifierOptions) {}

  get trustsCustomerId(): boolean {
    return this.options.trustCustomerId;
  }

  identify(hello: { customerToken?: string; customerId?: string }): CustomerClaim {
    const { secret, trustCustomerId, clock } = this.options;
    if (hello.customerToken !== undefined) {
      const check = verifyCustomerToken(secret, hello.customerToken, clock.nowMs());
      if (check.ok) return { customerId: check.customerId, problem: null };
      const why = check.reason === 'expired' ? 'has expired' : check.reason === 'bad_signature' ? 'has a wrong signature' : 'is malformed';
      return {
        customerId: null,
        problem: { code: 'invalid_customer_token', message: `the customer token ${why}; continuing as a guest` },
      };
    }
    if (hello.customerId === undefined) return { customerId: null, problem: null };
    if (trustCustomerId) return { customerId: hello.customerId, problem: null };
    return {
      customerId: null,
      problem: {
        code: 'customer_id_not_trusted',
        message: 'a plain customerId is not accepted; send the customerToken signed by the shop. Continuing as a guest',
      },
    };
  }

  /** A token as the shop's site would sign it; only the development endpoint mints them. */
  issue(customerId: string): { customerToken: string; expiresAt: string } {
    const expiresAtSeconds = Math.floor(this.options.clock.nowMs() / 1000) + DEMO_TOKEN_TTL_SECONDS;
    return {
      customerToken: signCustomerToken(this.options.secret, customerId, expiresAtSeconds),
      expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
    };
  }
}

const demoTokenBody = z.object({ customerId: z.string().regex(/^\S{1,100}$/, 'expected a customer id of 1 to 100 characters without spaces') });

/**
 * `POST /api/dev/customer-token {"customerId"}`: lets the demo shop page play the shop's site.
 * It vouches for anyone, so it exists only where a plain customerId is trusted anyway.
 */
export const demoCustomerTokens: FastifyPluginAsyncZod<{ customers: CustomerVerifier }> = async (app, { customers }) => {
  if (!customers.trustsCustomerId) return;
  app.post('/api/dev/customer-token', { schema: { body: demoTokenBody, security: PUBLIC } }, async (request) => {
    const { customerId } = request.body;
    return { customerId, ...customers.issue(customerId) };
  });
};
