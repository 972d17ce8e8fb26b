// isStoreUnavailable: which failures a shopper is told to send again shortly (the database is
// away) rather than "failed".
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, StoreError } from '../../src/store/errors.ts';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it.each([
    ['a store refusing as unavailable', new StoreError('unavailable', 'cannot connect to PostgreSQL')],
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a connection exception (SQLSTATE 08006)', withCode('connection failure', '08006')],
    ['an administrator shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['the driver losing its connection', new Error('Connection terminated unexpectedly')],
    ['an error caused by one of these', new Error('the turn failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('%s: unavailable', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a corrupt row', new StoreError('corrupt', 'row does not match its schema')],
    ['a unique violation (23505)', withCode('duplicate key value', '23505')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error', 'ECONNREFUSED'],
    ['a corrupt store error caused by a lost connection', new StoreError('corrupt', 'bad row', { cause: withCode('read ECONNRESET', 'ECONNRESET') })],
  ])('%s: not unavailable', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});
