import { describe, expect, it } from 'vitest';
import { fillPlaceholders, hasUnclosedPlaceholder, unknownPlaceholders, valuesFromContext } from '../../src/desk/canned/placeholders.ts';

const TRACKING = 'https://track.example/{carrier}/{trackingNumber}';

describe('canned reply placeholders', () => {
  it('names unknown placeholders once each, in order, and accepts the known ones with spaces', () => {
    expect(unknownPlaceholders('{{ customer.name }}님 {{order.number}} {{order.tracking_url}}')).toEqual([]);
    expect(unknownPlaceholders('{{customer.nmae}} {{coupon}} {{customer.nmae}}')).toEqual(['customer.nmae', 'coupon']);
    expect(hasUnclosedPlaceholder('안녕하세요 {{customer.name')).toBe(true);
    expect(hasUnclosedPlaceholder('안녕하세요 {{customer.name}}')).toBe(false);
  });

  it('fills from the snapshot: the named order, its tracking page, the customer', () => {
    const context = {
      customer: { id: 'c1', name: '김하늘' },
      slots: { order_number: '20261102-0002' },
      recentOrders: [
        { id: '20261110-0001', carrier: 'CJ대한통운', trackingNumber: '111' },
        { id: '20261102-0002', carrier: 'CJ대한통운', trackingNumber: '6342 1198 2201' },
      ],
    };
    const values = valuesFromContext(context, TRACKING);
    expect(values).toEqual({
      'customer.name': '김하늘',
      'order.number': '20261102-0002',
      'order.tracking_url': 'https://track.example/CJ%EB%8C%80%ED%95%9C%ED%86%B5%EC%9A%B4/6342%201198%202201',
    });
    expect(fillPlaceholders('{{customer.name}}님, {{ order.number }} 주문: {{order.tracking_url}}', values)).toEqual({
      text: `김하늘님, 20261102-0002 주문: ${values['order.tracking_url']}`,
      missing: [],
    });
  });

  it('leaves what a guest conversation cannot fill as written, and lists it', () => {
    const values = valuesFromContext({ customer: null, slots: {}, recentOrders: [] }, TRACKING);
    expect(values).toEqual({});
    expect(fillPlaceholders('{{customer.name}}님, {{order.number}} / {{order.number}}', values)).toEqual({
      text: '{{customer.name}}님, {{order.number}} / {{order.number}}',
      missing: ['customer.name', 'order.number'],
    });
  });

  it('takes the latest order when none was named, without a tracking page before it ships', () => {
    const values = valuesFromContext({ customer: { name: 'Dana' }, recentOrders: [{ id: 'o-9' }, { id: 'o-1', carrier: 'x', trackingNumber: 'y' }] }, TRACKING);
    expect(values).toEqual({ 'customer.name': 'Dana', 'order.number': 'o-9' });
  });
});
