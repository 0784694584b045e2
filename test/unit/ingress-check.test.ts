import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { classifyFailure, describeFailure } from '../../src/db/errors.js';
import { MAX_JSON_DEPTH, sanitizeJson, storableText } from '../../src/ingress/sanitize.js';
import { checkTelegramUpdate } from '../../src/platforms/telegram/update.js';

const message = (fields: Record<string, unknown> = {}) => ({
  message_id: 10,
  date: 0,
  chat: { id: -100, type: 'group', title: 'Xã A' },
  from: { id: 7, is_bot: false, first_name: 'An' },
  text: '/baocao Đường hỏng',
  ...fields,
});

/** `[[[…]]]` nested `depth` levels, built from text (JSON.parse is iterative; building objects is not needed). */
const nestedArrays = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe('what the store can hold', () => {
  it('drops U+0000, repairs lone surrogates and normalises to NFC', () => {
    expect(storableText('a\u0000b')).toBe('ab');
    expect(storableText('x\uD800y')).toBe('x\uFFFDy');
    expect(storableText('x\uDC00')).toBe('x\uFFFD');
    expect(storableText('😀')).toBe('😀');
    // "Việt" typed with combining marks becomes the precomposed letters.
    expect(storableText('Vie\u0323\u0302t')).toBe('Việt');
    expect(storableText('plain ascii')).toBe('plain ascii');
  });

  it('cleans keys and values at every level and keeps "__proto__" a plain key', () => {
    const parsed = JSON.parse('{"a\\u0000":["x\\u0000",{"__proto__":{"t":"e\\u0301"}}],"n":1.5,"b":null}') as unknown;
    const out = sanitizeJson(parsed);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(JSON.stringify(out.value)).toBe('{"a":["x",{"__proto__":{"t":"é"}}],"n":1.5,"b":null}');
    expect(Object.getPrototypeOf((out.value as { a: object[] }).a[1])).toBe(Object.prototype);
  });

  it('refuses nesting past the limit without recursing (5,000 levels, 10 kB)', () => {
    expect(sanitizeJson(nestedArrays(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(sanitizeJson(nestedArrays(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, reason: 'too_deep' });
    expect(sanitizeJson(nestedArrays(5_000))).toEqual({ ok: false, reason: 'too_deep' });
    expect(sanitizeJson(nestedArrays(200_000))).toEqual({ ok: false, reason: 'too_deep' });
  });
});

describe('the ingress check of a Telegram update', () => {
  it('accepts a report and keys it by its chat, with clean NFC text', () => {
    const v = checkTelegramUpdate({ update_id: 5, message: message({ text: '/baocao Đu\u031bo\u031b\u0300ng\u0000 hỏng' }) });
    expect(v).toMatchObject({ ok: true, updateId: '5', chatKey: '-100' });
    if (v.ok) expect((v.payload as { message: { text: string } }).message.text).toBe('/baocao Đường hỏng');
  });

  it('keys button presses, edits and membership changes by their chat; other kinds by none', () => {
    expect(checkTelegramUpdate({ update_id: 1, callback_query: { id: 'q', from: { id: 1, is_bot: false, first_name: 'A' }, message: { chat: { id: 42, type: 'group' } }, data: 't:claim:1' } })).toMatchObject({ ok: true, chatKey: '42' });
    expect(checkTelegramUpdate({ update_id: 2, edited_message: message() })).toMatchObject({ ok: true, chatKey: '-100' });
    const member = { chat: { id: -3, type: 'group' }, from: { id: 1, is_bot: false, first_name: 'A' }, date: 0, old_chat_member: { status: 'left' }, new_chat_member: { status: 'member' } };
    expect(checkTelegramUpdate({ update_id: 3, my_chat_member: member })).toMatchObject({ ok: true, chatKey: '-3' });
    expect(checkTelegramUpdate({ update_id: 4, poll: { id: 'p' } })).toMatchObject({ ok: true, chatKey: null });
    expect(checkTelegramUpdate({ update_id: 5, some_future_kind: { anything: [1, 2, 3] } })).toMatchObject({ ok: true, chatKey: null });
  });

  it('refuses what the bot could never handle: no chat, a string sender id, a numeric text', () => {
    const cases: [string, unknown][] = [
      ['no chat', { update_id: 6, message: { message_id: 1, date: 0, text: '/baocao x' } }],
      ['chat without id', { update_id: 6, message: message({ chat: { type: 'group' } }) }],
      ['string sender id', { update_id: 6, message: message({ from: { id: '7', is_bot: false, first_name: 'An' } }) }],
      ['numeric text', { update_id: 6, message: message({ text: 12345 }) }],
      ['message is a string', { update_id: 6, message: 'hello' }],
      ['entities not a list', { update_id: 6, message: message({ entities: { type: 'bot_command' } }) }],
      ['press without id', { update_id: 6, callback_query: { from: { id: 1 }, data: 'x' } }],
      ['edited without chat', { update_id: 6, edited_message: { message_id: 1, text: 'x' } }],
      ['nested too deeply', { update_id: 6, message: message({ padding: nestedArrays(5_000) }) }],
    ];
    for (const [what, update] of cases) {
      const v = checkTelegramUpdate(update);
      expect(v.ok, what).toBe(false);
      expect(v.updateId, what).toBe('6');
    }
  });

  it('has no update id to give for what is not an update at all', () => {
    for (const raw of [null, [], 'x', { update_id: '12' }, { update_id: 1.5 }, { update_id: -1 }, { message: message() }]) {
      expect(checkTelegramUpdate(raw)).toMatchObject({ ok: false, updateId: null });
    }
  });
});

describe('retryable or not, decided once', () => {
  const prismaError = (code: string, cause?: Record<string, unknown>) => Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code, meta: cause ? { driverAdapterError: { cause } } : {} });

  it('an unavailable, slow or conflicting database is retryable', () => {
    expect(classifyFailure(prismaError('P1001', { kind: 'DatabaseNotReachable' }))).toBe('retryable');
    expect(classifyFailure(prismaError('P2034', { kind: 'TransactionWriteConflict', originalCode: '40001' }))).toBe('retryable');
    expect(classifyFailure(prismaError('P2028'))).toBe('retryable');
    expect(classifyFailure(prismaError('P2010', { kind: 'postgres', originalCode: '57014' }))).toBe('retryable');
    expect(classifyFailure(prismaError('P2010', { kind: 'postgres', originalCode: '57P01' }))).toBe('retryable');
    expect(classifyFailure(prismaError('P2010', { kind: 'postgres', originalCode: '08006' }))).toBe('retryable');
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('retryable');
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toBe('retryable');
    // grammY wraps what middleware throws.
    expect(classifyFailure(Object.assign(new Error('BotError'), { error: prismaError('P1001') }))).toBe('retryable');
  });

  it('bad data, broken constraints and bugs are permanent', () => {
    expect(classifyFailure(prismaError('P2003', { kind: 'ForeignKeyConstraintViolation' }))).toBe('permanent');
    expect(classifyFailure(prismaError('P2002', { kind: 'UniqueConstraintViolation' }))).toBe('permanent');
    expect(classifyFailure(prismaError('P2025'))).toBe('permanent');
    expect(classifyFailure(prismaError('P2039', { kind: 'postgres', originalCode: '23514' }))).toBe('permanent');
    expect(classifyFailure(prismaError('P2039', { kind: 'postgres', originalCode: '22P05' }))).toBe('permanent');
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe('permanent');
    expect(classifyFailure(new RangeError('Maximum call stack size exceeded'))).toBe('permanent');
    expect(classifyFailure('a string')).toBe('permanent');
  });

  it('describes a failure by class and code, never by the data Prisma may quote', () => {
    expect(describeFailure(prismaError('P2003', { kind: 'ForeignKeyConstraintViolation', originalCode: '23503' }))).toBe('PrismaClientKnownRequestError P2003 (23503)');
    expect(describeFailure(new TypeError('bad\nsecond line'))).toBe('TypeError: bad');
  });

  it("describes the pg driver's own error by SQLSTATE and constraint, never by its message (it quotes input)", () => {
    const bad = Object.assign(new pg.DatabaseError('invalid input syntax for type integer: "số bí mật"', 0, 'error'), { severity: 'ERROR', code: '22P02' });
    expect(describeFailure(bad)).toBe('DatabaseError (22P02)');
    expect(classifyFailure(bad)).toBe('permanent');
    const check = Object.assign(new pg.DatabaseError('new row violates check constraint "no_x"', 0, 'error'), { severity: 'ERROR', code: '23514', constraint: 'no_x' });
    expect(describeFailure(check)).toBe('DatabaseError (23514) no_x');
    expect(classifyFailure(Object.assign(new pg.DatabaseError('deadlock detected', 0, 'error'), { severity: 'ERROR', code: '40P01' }))).toBe('retryable');
  });
});
