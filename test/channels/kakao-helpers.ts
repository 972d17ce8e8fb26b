// Skill requests in the shape Kakao i Open Builder documents (docs/channels.md#the-skill-request),
// a local stand-in for Kakao's callback endpoint, and a dialog whose turns can be held back to
// play a slow shop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DialogEngine } from '../../src/dialog/types.ts';

export interface SkillRequestOptions {
  utterance?: string;
  userId?: string;
  botId?: string;
  callbackUrl?: string;
  params?: Record<string, string>;
  clientExtra?: Record<string, unknown> | null;
  lang?: string;
}

/** A skill payload as the bot system POSTs it (version 2.0), with the fields a real one carries besides. */
export function skillRequest(options: SkillRequestOptions = {}): Record<string, unknown> {
  return {
    intent: { id: 'blk_fallback', name: '폴백 블록' },
    userRequest: {
      timezone: 'Asia/Seoul',
      params: { ignoreMe: 'true' },
      block: { id: 'blk_fallback', name: '폴백 블록' },
      utterance: options.utterance ?? '안녕하세요',
      lang: options.lang ?? 'ko',
      user: {
        id: options.userId ?? 'b0d2c3f4e5a6978812345678',
        type: 'botUserKey',
        properties: { botUserKey: options.userId ?? 'b0d2c3f4e5a6978812345678', isFriend: true },
      },
      ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
    },
    contexts: [],
    bot: { id: options.botId ?? '64f0a1b2c3d4e5f601234567', name: '대화 쇼핑몰' },
    action: {
      name: 'daehwa',
      clientExtra: options.clientExtra ?? null,
      params: options.params ?? {},
      id: 'skl_daehwa',
      detailParams: Object.fromEntries(Object.entries(options.params ?? {}).map(([k, v]) => [k, { origin: v, value: v, groupName: '' }])),
    },
  };
}

export async function postSkill(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/channels/kakao/skill`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Texts of a template response's simpleText outputs. */
export function textsOf(response: any): string[] {
  return (response.template?.outputs ?? []).map((o: any) => o.simpleText?.text);
}

/** Stands in for Kakao's callback endpoint: keeps every body POSTed to it. */
export class FakeCallbackServer {
  readonly received: { path: string; body: any }[] = [];
  #waiters: (() => void)[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeCallbackServer> {
    let self: FakeCallbackServer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        self!.received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"taskId":"t","status":"SUCCESS"}');
        for (const wake of self!.#waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeCallbackServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Waits until `count` callbacks have come (the test's timeout bounds it). */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A gate a test opens: turns whose text matches wait for it, as a turn waits for a slow shop API. */
export class Gate {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  waiting = 0;
  open(): void {
    this.#open();
  }
}

export function gatedDialog(inner: DialogEngine, gate: Gate, pattern: RegExp): DialogEngine {
  return {
    initialState: (locale) => inner.initialState(locale),
    async turn(state, input, nlu, ctx) {
      if (input.kind === 'text' && pattern.test(input.text)) {
        gate.waiting += 1;
        await gate.opened;
      }
      return inner.turn(state, input, nlu, ctx);
    },
  };
}
