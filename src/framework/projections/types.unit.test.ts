import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent, Transaction } from '../eventstore/types.ts';
import { EVERY_EVENT, applyToProjection, defineProjection, handledTypes } from './types.ts';

const event = (type: string): RecordedEvent => ({ type, data: {}, metadata: { eventId: type } } as unknown as RecordedEvent);
const noTx = {} as Transaction;
const reset = async () => undefined;

test('a projection handles named event types, or every event with \'*\' alone', async () => {
  assert.throws(() => defineProjection({ name: 'none', version: 1, handlers: {}, reset }), /handle some event types/);
  assert.throws(() => defineProjection({ name: 'mixed', version: 1, handlers: { [EVERY_EVENT]: async () => undefined, 'a.b': async () => undefined }, reset }), /'\*' alone/);

  const seen: string[] = [];
  const every = defineProjection({ name: 'every', version: 1, handlers: { [EVERY_EVENT]: async (e) => { seen.push(e.type); } }, reset });
  assert.deepEqual(handledTypes(every), [], 'no type filter: the runner reads every event');
  await applyToProjection(every, [event('x.one'), event('y.two')], noTx);
  assert.deepEqual(seen, ['x.one', 'y.two']);

  const some = defineProjection({ name: 'some', version: 1, handlers: { 'x.one': async (e) => { seen.push(`some:${e.type}`); } }, reset });
  assert.deepEqual(handledTypes(some), ['x.one']);
  await applyToProjection(some, [event('x.one'), event('y.two')], noTx);
  assert.deepEqual(seen.slice(2), ['some:x.one']);
});
