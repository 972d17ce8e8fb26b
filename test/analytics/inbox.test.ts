// The trainers' inbox: near-duplicate clusters of the lines not understood, masked, biggest
// first; assigning a cluster appends its lines to the intent's YAML (checked like the corpus)
// and the cluster is done; a broken intent file is named by file:line:column and left as it is.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignCluster, corpusKeys, inboxClusters } from '../../src/analytics/inbox.ts';
import { readCorpusFile } from '../../src/nlu/corpus.ts';
import { turnFact } from '../store/contract.ts';

const line = (n: number, text: string, overrides = {}) =>
  turnFact(`s${n}`, `2026-11-0${1 + (n % 5)}T0${n % 9}:00:00.000Z`, { intent: 'None', score: 0.2, fallback: true, flow: null, step: null, flows: [], text, ...overrides });

const facts = [
  line(1, '쿠폰 코드가 안 먹혀요'),
  line(2, '쿠폰 코드가 안 먹혀요!!'),
  line(3, '쿠폰코드가 안먹혀요'),
  line(4, '쿠폰 코드 안 먹혀요'),
  line(5, 'is there a gift wrap', { locale: 'en' }),
  line(6, 'is there gift wrap?', { locale: 'en' }),
  line(7, '전화번호 [PHONE] 로 연락 주세요'),
  // Understood lines are not in the inbox.
  line(8, '배송 조회', { intent: 'order.status', score: 0.9, fallback: false }),
  // Below the threshold: a low-confidence hand-off is in it.
  line(9, '포장 해주나요', { intent: 'order.status', score: 0.4, fallback: false, handoff: { reason: 'low_confidence', open: true } }),
];

describe("the trainers' inbox", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daehwa-inbox-'));
    await cp(new URL('../../intents/', import.meta.url), dir, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('groups near-duplicates with counts and examples, biggest first', () => {
    const clusters = inboxClusters(facts);
    expect(clusters.map((c) => [c.locale, c.count])).toEqual([
      ['ko', 4],
      ['en', 2],
      ['ko', 1],
      ['ko', 1],
    ]);
    expect(clusters[0]?.texts).toEqual(expect.arrayContaining(['쿠폰 코드가 안 먹혀요', '쿠폰코드가 안먹혀요', '쿠폰 코드 안 먹혀요']));
    expect(clusters[0]?.examples[0]).toMatchObject({ intent: 'None', score: 0.2 });
    expect(clusters.flatMap((c) => c.texts)).not.toContain('배송 조회');
    expect(clusters.flatMap((c) => c.texts)).toContain('포장 해주나요');
    expect(new Set(clusters.map((c) => c.id)).size).toBe(4);
  });

  it('appends a cluster to the intent file, valid as corpus, and the cluster is done', async () => {
    const [coupon] = inboxClusters(facts, await corpusKeys(dir));
    const { file, added } = await assignCluster(dir, coupon!, 'coupon.issue');
    expect(added.length).toBe(coupon!.texts.length);
    const text = await readFile(file, 'utf8');
    const read = readCorpusFile(file, text);
    expect(read.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(read.utterances.filter((u) => u.locale === 'ko').map((u) => u.text)).toEqual(expect.arrayContaining(coupon!.texts));
    const after = inboxClusters(facts, await corpusKeys(dir));
    expect(after.map((c) => c.id)).not.toContain(coupon!.id);
    expect(after).toHaveLength(3);
  });

  it('refuses an intent file with a problem, naming file:line:column, and writes nothing', async () => {
    const file = join(dir, 'coupon.issue.yaml');
    const broken = 'intent: coupon.issue\nutterances:\n  ko: [unclosed\n';
    await writeFile(file, broken);
    const [coupon] = inboxClusters(facts);
    await expect(assignCluster(dir, coupon!, 'coupon.issue')).rejects.toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error`));
    expect(await readFile(file, 'utf8')).toBe(broken);
    await expect(assignCluster(dir, coupon!, 'no.such')).rejects.toThrow("there is no intent 'no.such'");
  });
});
