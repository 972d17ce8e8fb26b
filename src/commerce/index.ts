// The commerce port's entry point: the two implementations and the choice between them by config.

import { createDemoShop } from './demo-shop.ts';
import { createHttpShop } from './http-shop.ts';
import type { CommercePort } from './types.ts';

export { createDemoShop, DEFAULT_SEED_DIR, STATE_FILE_NAME, type DemoShop, type DemoShopOptions } from './demo-shop.ts';
export { createHttpShop, type HttpShopOptions } from './http-shop.ts';
export { ShopDataError } from './json-file.ts';
export * from './types.ts';

export type CommerceConfig = { kind: 'demo'; dataDir: string } | { kind: 'http'; baseUrl: string; timeoutMs: number };

/** Every implementation can be closed; the HTTP adapter holds nothing open, so its close is a no-op. */
export type ClosableCommercePort = CommercePort & { close(): Promise<void> };

/** `timeZone`: the shop's calendar (config `handoff.businessHours.timeZone`), for the demo shop's return windows. */
export async function createCommerceFromConfig(config: CommerceConfig, options: { timeZone?: string } = {}): Promise<ClosableCommercePort> {
  if (config.kind === 'demo') return createDemoShop({ dataDir: config.dataDir, ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}) });
  return { ...createHttpShop({ baseUrl: config.baseUrl, timeoutMs: config.timeoutMs }), close: async () => {} };
}
