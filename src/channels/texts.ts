// What request/response channels say themselves (the flows say everything else), in both languages.
import type { Locale } from '../nlu/types.ts';

export interface ChannelTexts {
  /** A slow answer: the real one follows through the callback, or on the next message. */
  checking: string;
  checkingNoCallback: string;
  /** The shopper wrote while queued or with an agent. */
  forwarded: string;
  /** Kept agent answers shown at the start of the next reply. */
  agentAnswersArrived: string;
  /** A held callback ran out before an agent answered. */
  agentWillAnswer: string;
  queued(position: number | undefined): string;
  assigned: string;
  ended: string;
  agentPrefix: string;
  error: string;
  /** The quick reply that shows the rest of an over-long answer. */
  more: string;
  /** Above the choices that did not fit under the answer (Kakao shows at most 10 quick replies). */
  moreChoices: string;
  nothingMore: string;
  /** Transcript line for agents: which channel the conversation came from. */
  startedOn(channel: string): string;
  /** An order drawn as a card (src/channels/kakao/cards.ts); dates come written in the conversation's language. */
  orderCard: {
    title(orderId: string): string;
    expected(date: string): string;
    deliveredOn(date: string): string;
    quantity(count: number): string;
    moreItems(count: number): string;
    /** The button to the parcel's tracking page. */
    track: string;
  };
}

const KO: ChannelTexts = {
  checking: '확인 중이에요. 잠시만 기다려 주세요.',
  checkingNoCallback: '확인 중이에요. 조금 뒤에 아무 메시지나 보내 주시면 답변을 보여 드릴게요.',
  forwarded: '상담원에게 전달했어요. 답변이 오면 바로 알려 드릴게요.',
  agentAnswersArrived: '기다리시는 동안 상담원 답변이 도착했어요.',
  agentWillAnswer: '상담원이 확인하고 있어요. 답변이 오면 다음에 메시지를 보내실 때 보여 드릴게요.',
  queued: (position) => (position === undefined ? '상담원 연결을 기다리고 있어요.' : `상담원 연결을 기다리고 있어요. 지금 ${position}번째예요.`),
  assigned: '상담원이 연결됐어요. 편하게 말씀해 주세요.',
  ended: '상담이 끝났어요. 궁금한 게 있으면 언제든 말씀해 주세요.',
  agentPrefix: '상담원: ',
  error: '죄송해요, 지금은 답변을 드리지 못했어요. 잠시 후에 다시 말씀해 주세요.',
  more: '더 보기',
  moreChoices: '나머지 선택지예요.',
  nothingMore: '더 보여 드릴 내용이 없어요. 궁금한 걸 말씀해 주세요.',
  startedOn: (channel) => `conversation started on ${channel}`,
  orderCard: {
    title: (orderId) => `주문 ${orderId}`,
    expected: (date) => `${date} 도착 예정`,
    deliveredOn: (date) => `${date} 배송 완료`,
    quantity: (count) => `${count}개`,
    moreItems: (count) => `외 ${count}개 상품`,
    track: '배송 조회',
  },
};

const EN: ChannelTexts = {
  checking: 'Checking, one moment please.',
  checkingNoCallback: 'Still checking. Send any message in a moment and I will show you the answer.',
  forwarded: 'Passed on to an agent. You will see their answer here.',
  agentAnswersArrived: 'An agent answered while you were away.',
  agentWillAnswer: 'An agent is looking into it. Their answer will be shown when you next write.',
  queued: (position) => (position === undefined ? 'Waiting for an agent.' : `Waiting for an agent. You are number ${position} in line.`),
  assigned: 'An agent has joined. Go ahead.',
  ended: 'The conversation with the agent has ended. Ask me anything, any time.',
  agentPrefix: 'Agent: ',
  error: 'Sorry, I could not answer that just now. Please try again in a moment.',
  more: 'More',
  moreChoices: 'The other choices.',
  nothingMore: 'There is nothing more to show. What would you like to know?',
  startedOn: (channel) => `conversation started on ${channel}`,
  orderCard: {
    title: (orderId) => `Order ${orderId}`,
    expected: (date) => `arriving ${date}`,
    deliveredOn: (date) => `delivered ${date}`,
    quantity: (count) => `qty ${count}`,
    moreItems: (count) => `and ${count} more`,
    track: 'Track parcel',
  },
};

export function channelTexts(locale: Locale): ChannelTexts {
  return locale === 'en' ? EN : KO;
}
