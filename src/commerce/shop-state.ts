// The demo shop's writable state: what shoppers changed since the seed (cancellations, address
// changes, new returns, exchanges and refunds). It lives in its own file so the committed seed is
// never written to; lowdb writes it atomically (temporary file, then rename), so a crash mid-write
// leaves the previous state intact.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { parseJsonFile } from './json-file.ts';
import { exchangeRequestSchema, orderSchema, refundSchema, returnRequestSchema } from './schemas.ts';
import type { ExchangeRequest, Order, Refund, ReturnRequest } from './types.ts';

export interface ShopState {
  version: 1;
  /** Orders as changed by shoppers, by id; they replace the seed's version of the same order. */
  orders: Record<string, Order>;
  returns: ReturnRequest[];
  exchanges: ExchangeRequest[];
  refunds: Refund[];
}

const shopStateSchema: z.ZodType<ShopState> = z.object({
  version: z.literal(1),
  orders: z.record(z.string(), orderSchema),
  returns: z.array(returnRequestSchema),
  exchanges: z.array(exchangeRequestSchema),
  refunds: z.array(refundSchema),
});

function emptyState(): ShopState {
  return { version: 1, orders: {}, returns: [], exchanges: [], refunds: [] };
}

export interface ShopStateFile {
  readonly file: string;
  read(): ShopState;
  /** Applies `change` to a copy and saves it; memory keeps the old state if the write fails. */
  update(change: (draft: ShopState) => void): Promise<void>;
  /** Resolves when every write started so far has reached the disk. */
  flush(): Promise<void>;
}

/**
 * Opens (or starts) the state file. A file that is not valid JSON or does not match the schema is
 * refused with an error naming it, and is left untouched so nothing already stored is lost.
 */
export async function openShopState(file: string): Promise<ShopStateFile> {
  await mkdir(path.dirname(file), { recursive: true });
  const db = new Low<ShopState>(
    new DataFile<ShopState>(file, {
      parse: (text) => parseJsonFile(file, text, shopStateSchema),
      stringify: (state) => `${JSON.stringify(state, null, 2)}\n`,
    }),
    emptyState(),
  );
  await db.read();
  let lastWrite: Promise<void> = Promise.resolve();

  return {
    file,
    read: () => db.data,
    async update(change) {
      const previous = db.data;
      const next = structuredClone(previous);
      change(next);
      db.data = next;
      const write = db.write();
      lastWrite = write.catch(() => undefined);
      try {
        await write;
      } catch (error) {
        // Only roll back if no later change has been applied on top of this one.
        if (db.data === next) db.data = previous;
        throw error;
      }
    },
    flush: () => lastWrite,
  };
}
