// The shop's own messages file (flows/messages.yaml), read with the loader's schema: tests of what
// the hand-off desk and the channels say check the sentences a designer actually wrote.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MessagesSchema, type MessagesSpec } from '../src/dialog/schema.ts';

export const SHOP_MESSAGES: MessagesSpec = MessagesSchema.parse(parse(readFileSync(new URL('../flows/messages.yaml', import.meta.url), 'utf8')));
