// The flow language as data: zod schemas for flow files and the messages file.
// Structural checks live here; cross-references (steps, intents, actions, templates) in validate.ts.

import { z } from 'zod';

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lowercase letters, digits and _ (like `ask_order`)');

export const LocalizedSchema = z.strictObject({
  ko: z.string({ error: 'missing Korean (`ko`) text' }).min(1, 'Korean (`ko`) text is empty'),
  en: z.string({ error: 'missing English (`en`) text' }).min(1, 'English (`en`) text is empty'),
});
export type Localized = z.infer<typeof LocalizedSchema>;

/** A label is localized, or a language-neutral template such as '{{item.id}}'. */
const LabelSchema = z.union([LocalizedSchema, z.string().min(1)]);

const QuickReplySchema = z.strictObject({ label: LocalizedSchema, payload: z.string().min(1) });

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const MatcherSchema = z.union([
  Scalar,
  z.array(Scalar).min(1),
  z.strictObject({
    in: z.array(Scalar).optional(),
    not: z.union([Scalar, z.array(Scalar)]).optional(),
    exists: z.boolean().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    /** Calendar dates: an ISO date, or a variable holding one (`today`). */
    before: z.string().optional(),
    after: z.string().optional(),
  }),
]);
export type Matcher = z.infer<typeof MatcherSchema>;
/** Every `path: matcher` pair must hold. */
export const ConditionSchema = z.record(z.string(), MatcherSchema);
export type Condition = z.infer<typeof ConditionSchema>;

const ArgsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const StaticChoiceSchema = z.strictObject({
  label: LocalizedSchema,
  value: z.string().min(1),
  /** Other words a typed answer may use for this choice. */
  synonyms: z.array(z.string().min(1)).optional(),
});
const DataChoicesSchema = z.strictObject({
  /** A variable path holding a list ... */
  from: z.string().optional(),
  /** ... or an action whose result is a list. */
  call: z.string().optional(),
  args: ArgsSchema.optional(),
  label: LabelSchema,
  value: z.string().min(1),
  limit: z.number().int().positive().max(10).optional(),
  /** When the data has exactly one entry, take it without asking. */
  auto_single: z.boolean().optional(),
  /**
   * The catalogue product each entry is (`'{{item.productId}}'`): the shopper may name it in their
   * own words ("그 티셔츠", "the jeans"), in the sentence that started the flow or in the reply.
   */
  product: z.string().min(1).optional(),
});
const ChoicesSchema = z.union([z.array(StaticChoiceSchema).min(1), DataChoicesSchema]);
export type DataChoicesSpec = z.infer<typeof DataChoicesSchema>;

const LookupSchema = z.strictObject({
  call: z.string(),
  args: ArgsSchema.optional(),
  result: Id,
});

const OnFailSchema = z.union([z.enum(['handoff', 'exit']), z.strictObject({ goto: z.string() })]);

/** Slot types besides the NLU's entity types. `product` is read by searching the catalogue. */
export const SPECIAL_SLOT_TYPES = ['text', 'yes_no', 'product'] as const;

const slotFields = {
  /** An NLU entity type, or `text`, `yes_no`, `product`. */
  type: z.string(),
  prompt: LocalizedSchema,
  reprompt: LocalizedSchema.optional(),
  /** Re-prompts for a specific failure: no_value, pattern, values, range, or a lookup's outcome. */
  errors: z.record(z.string(), LocalizedSchema).optional(),
  pattern: z.string().optional(),
  values: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  values_from: z.string().optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  lookup: LookupSchema.optional(),
  choices: ChoicesSchema.optional(),
  max_attempts: z.number().int().min(1).max(10).optional(),
  on_fail: OnFailSchema.optional(),
  /** Start from the value the conversation remembers (the order just looked up), and remember this one. */
  carry_over: z.boolean().optional(),
  /** Remember the value for later flows without starting from a remembered one. */
  remember: z.boolean().optional(),
  /** Other slots whose answer also answers this question, with the value it then takes. */
  answered_by: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Fill from the utterance that started the flow (default true). */
  prefill: z.boolean().optional(),
};

/** A slot in the shared library (`slots.yaml`): complete on its own. */
export const SlotSchema = z.strictObject(slotFields);

/** A slot in a flow: complete, or `use: <library slot>` with any fields to override. */
export const FlowSlotSchema = z
  .strictObject({ use: Id.optional(), ...slotFields, type: slotFields.type.optional(), prompt: slotFields.prompt.optional() })
  .superRefine((slot, ctx) => {
    if (slot.use !== undefined) return;
    if (slot.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'missing `type` (or `use: <slot from slots.yaml>`)' });
    if (slot.prompt === undefined) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'missing `prompt` (or `use: <slot from slots.yaml>`)' });
  });

export const SlotLibrarySchema = z.strictObject({ slots: z.record(Id, SlotSchema) });
export type SlotSpec = z.infer<typeof SlotSchema>;

const BranchSchema = z.array(z.strictObject({ if: ConditionSchema, goto: z.string() })).min(1);

export const StepSchema = z.strictObject({
  id: Id,
  say: LocalizedSchema.optional(),
  quick_replies: z.array(QuickReplySchema).min(1).optional(),
  /** With `say`: a card of what it says for channels that draw cards (`{ order: order }`: the variable holding the order). */
  card: z.strictObject({ order: z.string().min(1) }).optional(),
  ask: z.string().optional(),
  call: z.string().optional(),
  args: ArgsSchema.optional(),
  result: Id.optional(),
  on: z.record(z.string(), z.string()).optional(),
  set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  branch: BranchSchema.optional(),
  else: z.string().optional(),
  goto: z.string().optional(),
  flow: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  handoff: z
    .strictObject({
      reason: z.enum(['flow_request', 'user_request', 'slot_attempts_exhausted', 'low_confidence']),
      priority: z.enum(['normal', 'high']).optional(),
    })
    .optional(),
  end: z.literal(true).optional(),
  next: z.string().optional(),
  /**
   * On an `ask` step: whether a question about something else may interrupt it (answered and the
   * question asked again, or a switch offered). Default true; false keeps the shopper at the question.
   */
  digressions: z.boolean().optional(),
});
export type StepSpec = z.infer<typeof StepSchema>;

/** The keys that decide what a step does after it speaks; a step has at most one. */
export const STEP_ACTIONS = ['ask', 'call', 'set', 'branch', 'goto', 'flow', 'handoff', 'end'] as const;

export const FlowSchema = z.strictObject({
  flow: Id,
  title: LocalizedSchema,
  description: z.string().optional(),
  intents: z.array(z.string()).default([]),
  /** Page events (such as `cart_idle`) that start this flow when the shopper is idle. */
  events: z.array(z.string()).optional(),
  /** Answered mid-flow without leaving the current flow (FAQ-type). */
  digression: z.boolean().optional(),
  /**
   * Ends whatever flow is running: `true` at once (talk to a person); `confirm` after asking
   * whether to stop it (goodbye), unless that flow has nothing left to do.
   */
  interrupts: z.union([z.boolean(), z.literal('confirm')]).optional(),
  /** Offered as a fallback suggestion ("혹시 이런 질문이신가요?"); small talk sets false. Default true. */
  suggest: z.boolean().optional(),
  requires_customer: z.boolean().optional(),
  /** Below this NLU score the conversation goes to a person instead of this flow. */
  handoff_threshold: z.number().min(0).max(1).optional(),
  slots: z.record(Id, FlowSlotSchema).default({}),
  steps: z.array(StepSchema).min(1, 'a flow needs at least one step'),
});
export type FlowFileSpec = z.infer<typeof FlowSchema>;
/** A flow with every `use:` resolved against the slot library. */
export type FlowSpec = Omit<FlowFileSpec, 'slots'> & { slots: Record<string, SlotSpec> };

const PhrasesSchema = z.strictObject({
  ko: z.array(z.string().min(1)).min(1, 'list at least one Korean phrase'),
  en: z.array(z.string().min(1)).min(1, 'list at least one English phrase'),
});
export type Phrases = z.infer<typeof PhrasesSchema>;

/** Everything the engine itself says, so designers can edit every sentence. */
export const MESSAGE_KEYS = [
  'fallback',
  'fallback_offer_agent',
  'out_of_scope',
  'offer_agent_declined',
  'cancelled',
  'restart',
  'switch_confirm',
  'switch_declined',
  'leave_confirm',
  'resume',
  'flow_gone',
  'unavailable',
  'action_failed',
  'attempts_handoff',
  'attempts_exit',
  'handoff',
  'low_confidence_handoff',
  'login_required',
  'loop_error',
  'yes',
  'no',
  'agent',
  'not_now',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/**
 * What the server and the channels say themselves, section by section, and the placeholders each
 * sentence may use (`{{reopening}}`). The engine needs every one of them in both languages.
 */
export const SHOP_TEXTS = {
  /** The hand-off desk outside business hours, and handing a conversation back to the bot. */
  desk: {
    offline_notice: ['reopening'],
    offline_keep_chatting: [],
    offline_message_taken: ['reopening'],
    back_to_bot: [],
    /** Auto-close (desk.autoClose): said in the agent's name to a quiet conversation; {{minutes}} until it is closed. */
    check_in: ['minutes'],
  },
  /** When people answer again: the `{{reopening}}` of the desk's sentences. */
  reopening: {
    now: [],
    at: ['when', 'time', 'zone'],
    today: [],
    tomorrow: ['weekday'],
    this_week: ['weekday'],
    later: ['month', 'day', 'weekday'],
  },
  /** Request/response channels (KakaoTalk): waiting, agents, errors, long answers. */
  channels: {
    checking: [],
    checking_no_callback: [],
    forwarded: [],
    agent_answers_arrived: [],
    agent_will_answer: [],
    queued: [],
    queued_position: ['position'],
    assigned: [],
    ended: [],
    agent_says: ['text'],
    error: [],
    more: [],
    more_choices: [],
    nothing_more: [],
  },
  /** An order drawn as a card (KakaoTalk). Dates come written in the conversation's language. */
  order_card: {
    title: ['order'],
    expected: ['date'],
    delivered_on: ['date'],
    quantity: ['count'],
    more_items: ['count'],
    track: [],
  },
  /** Proactive messages (flows/proactive/): the button under an `offer_person` message. */
  proactive: {
    talk_to_person: [],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;
export type ShopTextSection = keyof typeof SHOP_TEXTS;
export type ShopTexts = { [S in ShopTextSection]: { [K in keyof (typeof SHOP_TEXTS)[S]]: Localized } };

/** One sentence the engine needs: a missing one names itself rather than "expected object". */
function requiredSentence(name: string) {
  return z.strictObject(LocalizedSchema.shape, {
    error: (issue) => (issue.input === undefined ? `missing \`${name}\` (the engine says it: give it \`ko\` and \`en\`)` : undefined),
  });
}

function sentencesSchema<S extends ShopTextSection>(section: S) {
  const keys = Object.keys(SHOP_TEXTS[section]);
  const shape = Object.fromEntries(keys.map((key) => [key, requiredSentence(`${section}.${key}`)]));
  return z.strictObject(shape, {
    error: (issue) => (issue.input === undefined ? `missing section \`${section}\` (${keys.join(', ')})` : undefined),
  }) as unknown as z.ZodType<ShopTexts[S]>;
}

export const MessagesSchema = z.strictObject({
  messages: z.strictObject(
    Object.fromEntries(MESSAGE_KEYS.map((k) => [k, requiredSentence(k)])) as Record<MessageKey, typeof LocalizedSchema>,
  ),
  desk: sentencesSchema('desk'),
  reopening: sentencesSchema('reopening'),
  channels: sentencesSchema('channels'),
  order_card: sentencesSchema('order_card'),
  proactive: sentencesSchema('proactive'),
  /** Shown by the `status` template filter. */
  order_status: z.strictObject({
    paid: LocalizedSchema,
    preparing: LocalizedSchema,
    shipped: LocalizedSchema,
    delivered: LocalizedSchema,
    cancelled: LocalizedSchema,
    return_requested: LocalizedSchema,
  }),
  /** Whole-utterance phrases, compared after removing spaces and punctuation. */
  commands: z.strictObject({
    cancel: PhrasesSchema,
    restart: PhrasesSchema,
    yes: PhrasesSchema,
    no: PhrasesSchema,
  }),
  /** Intents offered as quick replies when nothing better is known (restart, empty fallback). */
  menu: z.array(z.string()).min(1),
});
export type MessagesSpec = z.infer<typeof MessagesSchema>;
