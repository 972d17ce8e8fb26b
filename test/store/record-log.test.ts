// The lowdb store's record files (surveys, cases, notifications, channel links): the last line
// per id wins, a deletion line forgets an id, and a file mostly made of superseded lines is
// rewritten after the write that made it so, not only at the next open.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { RecordLog } from '../../src/store/record-log.ts';
import { withTempDir } from '../nlu/helpers.ts';

const schema = z.object({ id: z.string(), n: z.number() });
const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');

describe('RecordLog', () => {
  it('forgets a deleted id, after a reopen too', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'records.jsonl');
      const log = await RecordLog.open(file, schema);
      log.put({ id: 'a', n: 1 });
      log.put({ id: 'b', n: 2 });
      expect(log.delete('a')).toBe(true);
      expect(log.delete('a')).toBe(false);
      await log.writePending();
      expect(await lines(file)).toEqual(['{"id":"a","n":1}', '{"id":"b","n":2}', '{"id":"a","deleted":true}']);
      const reopened = await RecordLog.open(file, schema);
      expect([...reopened.values()]).toEqual([{ id: 'b', n: 2 }]);
      // Put again after its deletion: back.
      reopened.put({ id: 'a', n: 3 });
      await reopened.writePending();
      expect((await RecordLog.open(file, schema)).get('a')).toEqual({ id: 'a', n: 3 });
    });
  });

  it('rewrites a file of mostly superseded lines after a write', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'records.jsonl');
      const log = await RecordLog.open(file, schema);
      for (let n = 0; n < 1100; n++) log.put({ id: 'one', n });
      log.put({ id: 'gone', n: 0 });
      log.delete('gone');
      await log.writePending();
      expect(await lines(file)).toEqual(['{"id":"one","n":1099}']);
      log.put({ id: 'two', n: 1 });
      await log.writePending();
      expect(await lines(file)).toEqual(['{"id":"one","n":1099}', '{"id":"two","n":1}']);
      expect([...(await RecordLog.open(file, schema)).values()]).toEqual([{ id: 'one', n: 1099 }, { id: 'two', n: 1 }]);
    });
  });
});
