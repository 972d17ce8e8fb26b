// The server's configuration: one zod schema with every default, so `npm start` with no file and
// no environment runs everything embedded (demo shop, lowdb store under data/, port 3000).
import { z } from 'zod';
import { DEFAULT_HANDOFF_THRESHOLD } from '../dialog/engine.ts';
import { businessHoursSchema, DEFAULT_BUSINESS_HOURS } from '../handoff/hours.ts';
import { DEFAULT_DECISION } from '../nlu/config.ts';
import { databaseUrlProblem } from '../store/postgres/url.ts';
import { surveySettingsSchema } from '../surveys/settings.ts';
import { isPasswordHash } from './passwords.ts';
import { routingSchema, teamProblems, teamSchema } from '../desk/routing/config.ts';

/** Signing secret used when none is configured. Refused in production (see load.ts). */
export const DEFAULT_SECRET = 'daehwa-development-secret-change-me';

/** Customer-token signing secret used when none is configured. Refused in production (see load.ts). */
export const DEFAULT_CUSTOMER_SECRET = 'daehwa-development-customer-secret-change-me';

/** The demo agent's password is `daehwa-demo`; refused in production. */
export const DEFAULT_AGENT = {
  id: 'agent',
  name: '상담원',
  passwordHash: 'scrypt$16384$8$1$iMZn2G6U7lbhh+Op80hvvQ==$kFQAhCCifNXGBq/+TG3orx488iRZOc5Co8HQU13NznM=',
  role: 'admin',
} as const;
export const DEFAULT_AGENT_PASSWORD = 'daehwa-demo';

const confidence = z.number().min(0, 'a probability: from 0 to 1').max(1, 'a probability: from 0 to 1');

export const handoffBandSchema = z
  .strictObject({
    /** The NLU's threshold: below it a message is not understood (the model's default, chosen by `npm run eval`). */
    lower: confidence.default(DEFAULT_DECISION.threshold),
    /** Below it (and from `lower` on) an understood intent goes to a person instead of starting its flow. */
    upper: confidence.default(DEFAULT_HANDOFF_THRESHOLD),
  })
  .refine((band) => band.lower <= band.upper, {
    error: (issue) => {
      const band = issue.input as { lower: number; upper: number };
      return `lower (${band.lower}) is above upper (${band.upper}): the band runs from not understood (below lower) through a person taking over (lower to upper) to the bot acting (upper and above)`;
    },
    path: ['lower'],
  });
export type HandoffBand = z.output<typeof handoffBandSchema>;

const agentSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore'),
  name: z.string().min(1).max(100),
  /** Absent: the account signs in only through single sign-on (`sso`). */
  passwordHash: z.string().refine(isPasswordHash, 'expected an scrypt hash (make one with `npm start -- --hash-password`)').optional(),
  role: z.enum(['agent', 'admin']).default('agent'),
  /** The address the identity provider vouches for (the `email` claim): single sign-on finds the account by it. */
  email: z.email().optional(),
});
export type AgentAccount = z.infer<typeof agentSchema>;

/** Single sign-on for agents through an OpenID Connect identity provider (src/sso/, docs/server.md#single-sign-on). */
const ssoSchema = z.strictObject({
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in. */
  issuer: z.url(),
  clientId: z.string().min(1),
  /** Absent: a public client (PKCE only). */
  clientSecret: z.string().min(1).optional(),
  /** Where the provider sends the agent back: this server's /api/agent/sso/callback, as the provider has it registered. */
  redirectUrl: z.url().refine((url) => new URL(url).pathname === '/api/agent/sso/callback', 'must end in /api/agent/sso/callback'),
  /** Which ID token claim names the account: `email` matches an account's `email`; any other claim its `id`. */
  claim: z.string().min(1).default('email'),
  scope: z.string().min(1).default('openid email profile'),
  /** The label of the console's button. */
  label: z.string().min(1).max(60).default('회사 계정으로 로그인 · Company sign-in'),
});
export type SsoConfig = z.infer<typeof ssoSchema>;

// ---- desk (issue 14) ----
const deskSchema = z
  .strictObject({
    /**
     * An order's tracking page for the `{{order.tracking_url}}` placeholder of canned replies:
     * `{carrier}` and `{trackingNumber}` are filled in.
     */
    trackingUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'an http(s) URL, e.g. https://tracker.example/{carrier}/{trackingNumber}')
      .default('https://search.naver.com/search.naver?query={carrier}+{trackingNumber}'),
    /** First-response targets: how long a conversation may wait in the queue for an agent, by priority. */
    sla: z
      .strictObject({
        firstResponseMs: z
          .strictObject({
            normal: z.number().int().min(1000).default(5 * 60_000),
            high: z.number().int().min(1000).default(2 * 60_000),
          })
          .prefault({}),
        /**
         * Next-response targets: how long a shopper may wait for the agent who has the conversation
         * to answer (from their first message the agent has not answered, or from the claim).
         */
        nextResponseMs: z
          .strictObject({
            normal: z.number().int().min(1000).default(3 * 60_000),
            high: z.number().int().min(1000).default(2 * 60_000),
          })
          .prefault({}),
        /** Share of the target at which the queue shows the item amber (red once it has passed). */
        warnRatio: z.number().gt(0).lt(1).default(0.8),
        /** Each breach is POSTed here as JSON, signed like the other webhooks (X-Daehwa-Signature); off when absent. */
        webhook: z
          .strictObject({
            url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
            secret: z.string().min(32, 'must be at least 32 characters'),
            timeoutMs: z.number().int().min(100).max(30_000).default(5000),
          })
          .optional(),
      })
      .prefault({}),
    // Teams and routing (src/desk/routing/): none by default, one shared queue.
    teams: z.array(teamSchema).default([]),
    routing: routingSchema,
    /**
     * Conversations with an agent where nobody has written for `checkInMs` get a check-in in the
     * agent's name, and are resolved `closeMs` after it without an answer. Off (null) by default.
     */
    autoClose: z
      .strictObject({
        checkInMs: z.number().int().min(60_000).nullable().default(null),
        closeMs: z.number().int().min(60_000).default(10 * 60_000),
      })
      .prefault({}),
    /** The shopper's wait estimate, from the pace at which agents took conversations of the same queue lately. */
    waitEstimate: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** How far back the pace is measured. */
        windowMs: z.number().int().min(60_000).max(24 * 60 * 60_000).default(30 * 60_000),
        /** Fewer claims than this in the window: no estimate (the position only). */
        minSamples: z.number().int().min(1).max(100).default(3),
      })
      .prefault({}),
    /** Photos shoppers send (src/attachments/). */
    attachments: z
      .strictObject({
        /** Largest file accepted, in bytes (checked while it is received). */
        maxBytes: z.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
        /**
         * Where the files go. Absent: `attachments/` in the lowdb store's directory, in memory
         * for the memory store, `data/attachments` for PostgreSQL.
         */
        storage: z
          .discriminatedUnion('kind', [
            z.strictObject({ kind: z.literal('directory'), dir: z.string().min(1) }),
            z.strictObject({ kind: z.literal('memory') }),
          ])
          .optional(),
      })
      .prefault({}),
  })
  .prefault({});
export type DeskConfig = z.infer<typeof deskSchema>;
const webhookSecret = z.string().min(32, 'must be at least 32 characters');

const configObject = z.strictObject({
  /** NODE_ENV. Only `production` changes anything: it refuses the secrets that ship in the source. */
  env: z.string().min(1).default('development'),
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(3000),
      host: z.string().min(1).default('0.0.0.0'),
      /**
       * CSP `frame-ancestors` for the shopper page (`/`, the widget), e.g. ["'self'",
       * "https://shop.example"]. The agent console and the API can never be framed.
       */
      frameAncestors: z
        .array(z.string().regex(/^(?:'self'|'none'|https?:\/\/[^\s;,']+|\*\.[^\s;,']+)$/, "'self', 'none' or an origin such as https://shop.example"))
        .min(1)
        .default(["'self'"]),
      /**
       * Origins allowed to open the shopper websocket (`/ws`), e.g. ["https://shop.example"].
       * Absent: the server's own origin (the request's Host), plus http://localhost and
       * http://127.0.0.1 on any port unless NODE_ENV=production.
       */
      allowedOrigins: z.array(z.url()).optional(),
      /**
       * Event-loop delay (ms) beyond which the process counts as saturated and refuses new
       * sessions with a `busy` error (src/server/admission.ts); 0 admits everyone.
       */
      maxLoopDelayMs: z.number().int().min(0).default(1000),
    })
    .prefault({}),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  /** Signs agent sign-in tokens. */
  secret: z.string().min(16, 'must be at least 16 characters').default(DEFAULT_SECRET),
  store: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('lowdb'),
        dir: z.string().min(1).default('data/store'),
        /** A killed process loses at most this much of what was written; the store's default when absent. */
        flushIntervalMs: z.number().int().min(0).max(60_000).optional(),
        /**
         * Conversations the store keeps in memory. Below the number of shoppers active at once,
         * every turn reloads its conversation from disk (p99 at 5,000 shoppers went from about
         * 0.2 s to 4 s with 2,000).
         */
        maxCachedConversations: z.number().int().min(100).default(10_000),
      }),
      z.strictObject({ kind: z.literal('memory') }),
      z.strictObject({
        kind: z.literal('postgres'),
        /** postgres://user:password@host:5432/database; DATABASE_URL sets it. Checked here, reported without the password. */
        url: z
          .string({ error: (issue) => (issue.input === undefined ? 'required when store.kind is postgres: set DATABASE_URL (or store.url in the file)' : 'expected a string') })
          .superRefine((value, ctx) => {
            const problem = databaseUrlProblem(value);
            if (problem) ctx.addIssue({ code: 'custom', message: `not a usable PostgreSQL URL: ${problem}` });
          }),
        /** Connections each server process opens at most. */
        poolSize: z.number().int().min(1).max(1000).default(10),
      }),
    ])
    .prefault({ kind: 'lowdb' }),
  commerce: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('demo'), dataDir: z.string().min(1).default('data/shop'), webhookSecret: webhookSecret.optional() }),
      z.strictObject({
        kind: z.literal('http'),
        baseUrl: z.url(),
        timeoutMs: z.number().int().min(100).max(60_000).default(3000),
        /** Signs the shop's order-event webhook (docs/commerce-http.md#order-events); without it the webhook is off. */
        webhookSecret: webhookSecret.optional(),
      }),
    ])
    .prefault({ kind: 'demo' }),
  /** loadConfig falls back to the package's own flows when the working directory has no flows/. */
  flowsDir: z.string().min(1).default('flows'),
  /** The intent corpus the model is trained from (and checked against); the package's when the working directory has no intents/. */
  corpusDir: z.string().min(1).default('intents'),
  modelsDir: z.string().min(1).default('models'),
  dialog: z
    .strictObject({
      /** Moved to `handoff.band.upper`: refused with a pointer rather than silently ignored. */
      handoffThreshold: z
        .undefined({ error: 'moved: the hand-off threshold is now `handoff.band.upper` (docs/server.md#the-hand-off-band)' })
        .optional(),
    })
    .prefault({}),
  shopper: z
    .strictObject({
      /**
       * Shared with the shop's site, which signs `customerToken`s with it (docs/server.md) so
       * that a shopper's `hello` can name a customer only with the shop's word for it.
       */
      customerTokenSecret: z.string().min(32, 'must be at least 32 characters').default(DEFAULT_CUSTOMER_SECRET),
      /**
       * Accept a plain `customerId` in `hello` (and mint demo tokens at /api/dev/customer-token).
       * Anyone could then read any customer's orders: development only. Default: true unless
       * NODE_ENV=production, where true is refused.
       */
      trustCustomerId: z.boolean().optional(),
    })
    .prefault({}),
  sessions: z
    .strictObject({
      idleTimeoutMs: z.number().int().min(1000).default(30 * 60_000),
      maxTextLength: z.number().int().min(1).max(2000).default(2000),
      rateLimit: z
        .strictObject({
          framesPerSecond: z.number().positive().default(10),
          burst: z.number().int().min(1).default(20),
        })
        .prefault({}),
    })
    .prefault({}),
  handoff: z
    .strictObject({
      /** How long a claimed conversation waits for its agent to reconnect before going back to the queue. */
      agentGraceMs: z.number().int().min(0).default(60_000),
      /** Mon-Fri 09:00-18:00 Asia/Seoul unless configured. */
      businessHours: businessHoursSchema.default(DEFAULT_BUSINESS_HOURS),
      /**
       * The hand-off band: how sure the NLU must be (its top intent's probability) for the bot to
       * act. Below `lower` a message is not understood (intent None: the bot suggests what it may
       * have meant, and offers a person after the second miss). From `lower` up to `upper` the
       * intent is recognised but not trusted: a person takes over (reason `low_confidence`). From
       * `upper` on, the intent's flow starts. A flow's `handoff_threshold` moves `upper` for that flow.
       */
      band: handoffBandSchema.prefault({}),
    })
    .prefault({}),
  agents: z.array(agentSchema).min(1).default([DEFAULT_AGENT]),
  agentTokenTtlMs: z.number().int().min(60_000).default(12 * 60 * 60_000),
  sso: ssoSchema.optional(),
  reload: z.strictObject({ watch: z.boolean().default(true) }).prefault({}),
  // ---- privacy (issue 18) ----
  privacy: z
    .strictObject({
      /**
       * Conversations (session, transcript, queue items) last active more than this many days ago
       * are purged at start and daily (docs/privacy.md). null keeps them until erased by hand.
       */
      retentionDays: z.number().int().min(1).max(36_500).nullable().default(365),
    })
    .prefault({}),
  // ---- end privacy ----
  // ---- analytics (issue 12): docs/analytics.md ----
  analytics: z
    .strictObject({
      /** Record a fact per turn and hand-off desk event, which /dashboard and `daehwa report` are made of. Off: nothing is recorded. */
      recordFacts: z.boolean().default(true),
    })
    .prefault({}),
  // ---- end analytics ----
  // ---- channels (issue 15): docs/channels.md ----
  channels: z
    .strictObject({
      kakao: z
        .strictObject({
          /** Serve POST /channels/kakao/skill. Default: on when a secret is set, or outside production. */
          enabled: z.boolean().optional(),
          /** Sent by Open Builder in the X-Daehwa-Skill-Secret header (set in the skill's headers); required in production. */
          secret: z.string().min(16, 'must be at least 16 characters').optional(),
          /** Kakao waits 5 s for a skill; an answer not ready by then says "확인 중이에요" and follows by callback. */
          deadlineMs: z.number().int().min(100).max(4900).default(4000),
          /** A request body seen again within this time gets the first answer and runs nothing (0: off). */
          replayWindowMs: z.number().int().min(0).max(600_000).default(10_000),
          /** Quick replies as block actions to this block, whose skill is this one (reads clientExtra.payload); message actions when absent. */
          quickReplyBlockId: z.string().min(1).max(200).optional(),
        })
        .prefault({}),
      /**
       * What a Kakao or webhook shopper's link keeps between requests (frames waiting for their
       * next message, the last quick replies offered) is forgotten after this long unused.
       */
      linkTtlMs: z.number().int().min(60_000).max(90 * 24 * 60 * 60_000).default(7 * 24 * 60 * 60_000),
      webhook: z
        .strictObject({
          /** Signs request bodies (HMAC-SHA256, X-Daehwa-Signature); POST /channels/webhook is served only when set. */
          secret: z.string().min(32, 'must be at least 32 characters').optional(),
          deadlineMs: z.number().int().min(100).max(60_000).default(10_000),
          /** A request `id` seen again within this time gets the first answer (0: off). */
          replayWindowMs: z.number().int().min(0).max(3_600_000).default(60_000),
        })
        .prefault({}),
    })
    .prefault({}),
  // ---- end channels ----
  // ---- desk (issue 14): canned replies, attachments, typing ----
  desk: deskSchema,
  /** CSAT and NPS at the end of conversations (docs/surveys.md); the texts are flows/surveys.yaml. */
  surveys: surveySettingsSchema,
});

export const configSchema = configObject
  // desk (issue 14): teams name agents, rules name teams.
  .superRefine((config, ctx) => {
    for (const issue of teamProblems(config.desk, config.agents.map((agent) => agent.id))) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((config) => ({
  ...config,
  shopper: { ...config.shopper, trustCustomerId: config.shopper.trustCustomerId ?? config.env !== 'production' },
  // channels (issue 15): the Kakao skill is on by default where it is safe, or once it has a secret.
  channels: {
    ...config.channels,
    kakao: { ...config.channels.kakao, enabled: config.channels.kakao.enabled ?? (config.channels.kakao.secret !== undefined || config.env !== 'production') },
  },
}));

export type DaehwaConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
