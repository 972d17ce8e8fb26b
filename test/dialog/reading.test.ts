import { describe, expect, it } from 'vitest';
import { lastStated, withoutTakenBack } from '../../src/dialog/reading/corrections.ts';
import { readYesNo } from '../../src/dialog/reading/yes-no.ts';
import { extractEntities } from '../../src/nlu/entities/index.ts';
import { testFlowSet } from './harness.ts';

const { commands } = testFlowSet().messages;

describe('yes and no in shoppers\' words', () => {
  const yes = [
    '네', '넵 취소 해주세요', 'ㅇㅇ 해주세요', '그렇게 해 주세요', '웅 해줘', '응 부탁해', '진행해주세요', '신청해 주세요', '아니 그냥 해 주세요', 'ㅇㅋ', '좋아요!',
    'yes please cancel it', 'sure go ahead', 'yeah do it', 'ok', 'please', 'no problem', 'yes but how long does the refund take',
  ];
  const no = [
    '아 그냥 놔둘게요', 'ㄴㄴ', '취소 ㄴㄴ', '아니 됐어', '아니요 괜찮아요', '잠깐만요 취소는 안할래요', '네.. 아 아니다 취소하지 마세요', '나중에 할게요', '그대로 둘게요',
    'nope', "no wait, don't cancel it", "hmm actually I'll keep it", 'yes.. actually no, not yet', 'nah leave it', 'hold off for now',
  ];
  const neither = ['배송 조회 해주세요', '그럼 배송조회 해주세요', '어떻게 해야 돼요?', '취소하면 환불은 언제 돼요?', '안내해 주세요', '네이비로 주세요', 'what is the fee', '20261107'];

  it.each(yes)('"%s" is a yes', (text) => expect(readYesNo(text, commands)).toBe(true));
  it.each(no)('"%s" is a no', (text) => expect(readYesNo(text, commands)).toBe(false));
  it.each(neither)('"%s" is neither: it asks for something else', (text) => expect(readYesNo(text, commands)).toBeNull());
});

describe('corrections inside one reply', () => {
  const stated = (text: string, type: string) => lastStated(withoutTakenBack(text, extractEntities(text, 'ko', new Date())), type)?.value;

  it('takes the last value and drops the one taken back', () => {
    expect(stated('S 아니고... 아니 M이요', 'size')).toBe('M');
    expect(stated('small.. wait, make that a large', 'size')).toBe('L');
    expect(stated('M에서 L로 바꿔 주세요', 'size')).toBe('L');
    expect(stated('from M to L please', 'size')).toBe('L');
    expect(stated('진청 말고 연청으로요', 'color')).toBe('light blue');
    expect(stated('not dark blue, light blue please', 'color')).toBe('light blue');
    expect(stated('검정 말고 네이비', 'color')).toBe('navy');
  });

  it('names nothing when the only value is taken back', () => {
    expect(stated('블랙 말고 다른 색이요', 'color')).toBeUndefined();
    expect(stated('not the medium', 'size')).toBeUndefined();
  });

  it('keeps an order number a reply is sent "from"', () => {
    expect(stated('20261102에서 티셔츠 반품할래요', 'order_number')).toBe('20261102');
    expect(stated('return the tee from 20261102', 'order_number')).toBe('20261102');
  });

  it('reads sizes written as words, but not how an item fits', () => {
    expect(stated('미디움으로 교환이요', 'size')).toBe('M');
    expect(stated('can I get it in extra large', 'size')).toBe('XL');
    expect(stated('라지 사이즈 있어요?', 'size')).toBe('L');
    expect(stated("it's too small", 'size')).toBeUndefined();
    expect(stated('a bit large on me', 'size')).toBeUndefined();
  });
});
