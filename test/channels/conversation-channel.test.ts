// Conversation tests through a channel (issue 15): the runner hands a tapped quick reply to the
// channel as the text it sends, checks the words as the channel shows them, and fails a turn
// whose rendering the channel would refuse.
import { describe, expect, it } from 'vitest';
import { kakaoConversationChannel } from '../../src/channels/kakao/conversation-channel.ts';
import { runConversation, type ConversationChannel, type LoadedConversation, type RunnerDeps } from '../../src/dialog/conversations/runner.ts';
import type { DialogInput } from '../../src/dialog/types.ts';
import type { Classifier } from '../../src/nlu/types.ts';
import { fakeCommerce } from '../dialog/fake-commerce.ts';
import { nlu, testFlowSet } from '../dialog/harness.ts';

const classifier: Classifier = {
  classify: async (text) => (/배송/.test(text) ? nlu(text, 'order.status', 0.95) : nlu(text, 'None', 0.1)),
};

function deps(channel: ConversationChannel): RunnerDeps {
  return { classifier, flowSet: testFlowSet(), openShop: async () => ({ port: fakeCommerce(), close: async () => {} }), channels: { kakao: channel } };
}

const spec = (turns: LoadedConversation['spec']['turns']): LoadedConversation => ({ file: 'x.yaml', spec: { name: 'x', customer: 'c1', turns } });

describe('conversation tests through the Kakao adapter', () => {
  it('taps a shown quick reply by sending its text, which the adapter reads back as its payload', async () => {
    const kakao = kakaoConversationChannel();
    const reads: DialogInput[] = [];
    const recording: ConversationChannel = { show: kakao.show, read: (text, view) => (reads.push(kakao.read(text, view)), reads.at(-1)!) };
    const result = await runConversation(
      spec([
        { user: '배송 조회', expect: { flow: 'track', quick_replies: ['10000002'] } },
        { quick_reply: '10000002', expect: { step: null, bot: '11월 21일' } },
      ]),
      deps(recording),
      'kakao',
    );
    expect(result.failure).toBeNull();
    expect(result.channel).toBe('kakao');
    expect(reads).toEqual([{ kind: 'text', text: '배송 조회' }, { kind: 'quick_reply', payload: '10000002' }]);
  });

  it('fails a turn whose rendering the channel refuses, naming the problem', async () => {
    const broken: ConversationChannel = {
      show: () => ({ text: '', quickReplies: [], problems: ['part 1: template.outputs: too small'] }),
      read: (text) => ({ kind: 'text', text }),
    };
    const result = await runConversation(spec([{ user: '배송 조회' }]), deps(broken), 'kakao');
    expect(result.failure).toEqual({ turn: 1, mismatches: [{ what: 'kakao response', expected: 'valid', actual: 'part 1: template.outputs: too small' }] });
  });

  it('checks the bot words as the channel shows them', async () => {
    const relabelled: ConversationChannel = { show: () => ({ text: '채널이 보여 준 말', quickReplies: [], problems: [] }), read: (text) => ({ kind: 'text', text }) };
    const passing = await runConversation(spec([{ user: '배송 조회', expect: { bot: '채널이 보여 준 말' } }]), deps(relabelled), 'kakao');
    expect(passing.failure).toBeNull();
    const web = await runConversation(spec([{ user: '배송 조회', expect: { bot: '채널이 보여 준 말' } }]), deps(relabelled), 'web');
    expect(web.failure?.mismatches[0]?.what).toBe('bot');
  });
});
