import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseZaloEvent,
  parseZaloEventJson,
  ZALO_EVENT_MAX_BYTES,
  zaloChatKey,
  zaloEventKey,
  type ZaloEvent,
  type ZaloEventParse,
} from '../../src/platforms/zalo/events.js';

const USER = '6ede9afa66b88fe6d6a9';
const GROUP = 'a1b2c3d4e5f60718293a';

function textEvent(overrides: Record<string, unknown> = {}) {
  return {
    event_name: 'message.text.received',
    message: {
      from: { id: USER, display_name: 'Lan', is_bot: false },
      chat: { id: USER, chat_type: 'PRIVATE' },
      text: 'baocao Đường làng bị sạt lở',
      message_id: '2d758cb5e222177a4e35',
      date: 1750316131602,
      ...overrides,
    },
  };
}

function expectEvent(parsed: ZaloEventParse): ZaloEvent {
  if (!parsed.ok) throw new Error(`expected an event, got ${parsed.code}: ${parsed.reason}`);
  return parsed.event;
}

function expectFailure(parsed: ZaloEventParse, code: 'too_large' | 'malformed' | 'ignored'): string {
  expect(parsed.ok).toBe(false);
  if (parsed.ok) throw new Error('unreachable');
  expect(parsed.code).toBe(code);
  return parsed.reason;
}

describe('parseZaloEvent: envelopes', () => {
  it('reads the wrapped form { ok: true, result } and the bare form to the same event', () => {
    const wrapped = expectEvent(parseZaloEvent({ ok: true, result: textEvent() }));
    const bare = expectEvent(parseZaloEvent(textEvent()));
    expect(wrapped).toEqual(bare);
    expect(bare).toEqual({
      event_name: 'message.text.received',
      message: {
        message_id: '2d758cb5e222177a4e35',
        date: 1750316131602,
        from: { id: USER, display_name: 'Lan', is_bot: false },
        chat: { id: USER, chat_type: 'PRIVATE' },
        text: 'baocao Đường làng bị sạt lở',
      },
    });
  });

  it('gives an event that parses again to itself (the inbox may store either form)', () => {
    const event = expectEvent(parseZaloEvent({ ok: true, result: textEvent() }));
    expect(expectEvent(parseZaloEvent(JSON.parse(JSON.stringify(event))))).toEqual(event);
  });

  it('refuses an error answer and a wrapped form whose ok is not true', () => {
    expectFailure(parseZaloEvent({ ok: false, error_code: 408, description: 'Request timeout' }), 'malformed');
    expectFailure(parseZaloEvent({ ok: false, result: textEvent() }), 'malformed');
    expectFailure(parseZaloEvent({ ok: true, result: 'message.text.received' }), 'malformed');
  });
});

describe('parseZaloEvent: kinds of event', () => {
  it('reads an image from photo_url or photo, with its caption', () => {
    const base = textEvent();
    const { text: _text, ...message } = base.message;
    const byUrl = expectEvent(parseZaloEvent({ event_name: 'message.image.received', message: { ...message, photo_url: 'https://f.zalo.me/a.jpg', caption: 'ảnh hiện trường' } }));
    expect(byUrl).toMatchObject({ event_name: 'message.image.received', message: { photo_url: 'https://f.zalo.me/a.jpg', caption: 'ảnh hiện trường' } });
    const byPhoto = expectEvent(parseZaloEvent({ event_name: 'message.image.received', message: { ...message, photo: 'https://f.zalo.me/b.jpg' } }));
    expect(byPhoto).toMatchObject({ message: { photo_url: 'https://f.zalo.me/b.jpg' } });
    expect('caption' in byPhoto.message).toBe(false);
  });

  it('keeps an image whose address is missing or not a web URL, without the address', () => {
    const { text: _text, ...message } = textEvent().message;
    const noUrl = expectEvent(parseZaloEvent({ event_name: 'message.image.received', message: { ...message, caption: 'chỉ chú thích' } }));
    expect(noUrl).toMatchObject({ message: { photo_url: null, caption: 'chỉ chú thích' } });
    const javascript = expectEvent(parseZaloEvent({ event_name: 'message.image.received', message: { ...message, photo_url: 'javascript:alert(1)' } }));
    expect(javascript).toMatchObject({ message: { photo_url: null } });
  });

  it('reads stickers and unsupported messages', () => {
    const { text: _text, ...message } = textEvent().message;
    expect(expectEvent(parseZaloEvent({ event_name: 'message.sticker.received', message: { ...message, sticker: 'abc123', url: 'https://s.zalo.me/x.png' } }))).toMatchObject({
      event_name: 'message.sticker.received',
      message: { sticker: 'abc123', url: 'https://s.zalo.me/x.png' },
    });
    const unsupported = expectEvent(parseZaloEvent({ event_name: 'message.unsupported.received', message }));
    expect(unsupported.event_name).toBe('message.unsupported.received');
    expect('original_event_name' in unsupported).toBe(false);
  });

  it('reads a message kind it does not know (voice) as unsupported, keeping the name for the key', () => {
    const { text: _text, ...message } = textEvent().message;
    const voice = expectEvent(parseZaloEvent({ event_name: 'message.voice.received', message: { ...message, voice_url: 'https://v.zalo.me/a.aac' } }));
    expect(voice).toMatchObject({ event_name: 'message.unsupported.received', original_event_name: 'message.voice.received' });
    expect(zaloEventKey(voice)).toBe('message.voice.received:2d758cb5e222177a4e35');
    // Parsed again from storage, the key is the same.
    expect(zaloEventKey(expectEvent(parseZaloEvent(voice)))).toBe(zaloEventKey(voice));
  });

  it('ignores events that carry no message (nothing to answer), but calls a message event without one malformed', () => {
    expectFailure(parseZaloEvent({ event_name: 'user.follow', user_id: USER }), 'ignored');
    expectFailure(parseZaloEvent({ ok: true, result: { event_name: 'bot.added' } }), 'ignored');
    expectFailure(parseZaloEvent({ event_name: 'message.text.received' }), 'malformed');
  });

  it('reads a group chat, and infers the chat type when it is missing', () => {
    const group = expectEvent(parseZaloEvent(textEvent({ chat: { id: GROUP, chat_type: 'GROUP' } })));
    expect(group.message.chat).toEqual({ id: GROUP, chat_type: 'GROUP' });
    expect(zaloChatKey(group)).toBe(GROUP);
    expect(expectEvent(parseZaloEvent(textEvent({ chat: { id: USER } }))).message.chat.chat_type).toBe('PRIVATE');
    expect(expectEvent(parseZaloEvent(textEvent({ chat: { id: GROUP } }))).message.chat.chat_type).toBe('GROUP');
    expect(expectEvent(parseZaloEvent(textEvent({ chat: { id: GROUP, chat_type: 'group' } }))).message.chat.chat_type).toBe('GROUP');
  });

  it('fills a missing display name and is_bot, and accepts `name` for the display name', () => {
    expect(expectEvent(parseZaloEvent(textEvent({ from: { id: USER } }))).message.from).toEqual({ id: USER, display_name: '', is_bot: false });
    expect(expectEvent(parseZaloEvent(textEvent({ from: { id: USER, name: 'Hùng' } }))).message.from.display_name).toBe('Hùng');
    expect(expectEvent(parseZaloEvent(textEvent({ from: { id: USER, display_name: 'Bot', is_bot: true } }))).message.from.is_bot).toBe(true);
  });

  it('accepts a date sent as a numeric string', () => {
    expect(expectEvent(parseZaloEvent(textEvent({ date: '1750316131602' }))).message.date).toBe(1750316131602);
  });
});

describe('parseZaloEvent: wrong types are refused', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['a numeric user id', { from: { id: 123456, display_name: 'Lan' } }],
    ['an object as chat id', { chat: { id: { $gt: '' }, chat_type: 'PRIVATE' } }],
    ['an array as message id', { message_id: ['x'] }],
    ['an empty message id', { message_id: '' }],
    ['a message id with spaces', { message_id: 'a b' }],
    ['text that is not a string', { text: 42 }],
    ['a negative date', { date: -1 }],
    ['a date that is an object', { date: { at: 1 } }],
    ['an unknown chat type', { chat: { id: USER, chat_type: 'CHANNEL' } }],
    ['is_bot as a string', { from: { id: USER, is_bot: 'false' } }],
    ['no sender', { from: undefined }],
  ];
  for (const [what, override] of cases) {
    it(`refuses ${what}`, () => {
      const reason = expectFailure(parseZaloEvent(textEvent(override)), 'malformed');
      expect(reason).toMatch(/^message\./);
    });
  }

  it('refuses bodies that are not objects, and event names that are not names', () => {
    for (const body of [null, 'text', 42, [textEvent()], true]) expectFailure(parseZaloEvent(body), 'malformed');
    expectFailure(parseZaloEvent({ ...textEvent(), event_name: 7 }), 'malformed');
    expectFailure(parseZaloEvent({ ...textEvent(), event_name: 'message text' }), 'malformed');
  });

  it('never puts the message text in the reason (reasons are logged)', () => {
    const reason = expectFailure(parseZaloEvent(textEvent({ text: 'bí mật 0912345678', date: 'hôm qua' })), 'malformed');
    expect(reason).not.toContain('0912345678');
    expect(reason).not.toContain('hôm qua');
  });

  it('refuses a photo field of the wrong type rather than ignoring it', () => {
    const { text: _text, ...message } = textEvent().message;
    expectFailure(parseZaloEvent({ event_name: 'message.image.received', message: { ...message, photo_url: { url: 'https://x' } } }), 'malformed');
  });
});

describe('parseZaloEvent: size and depth', () => {
  it('refuses a body nested deeper than any event', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expectFailure(parseZaloEvent(textEvent({ extra: deep })), 'too_large');
    let deepArray: unknown = [];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    expectFailure(parseZaloEvent({ ok: true, result: deepArray }), 'too_large');
  });

  it('refuses a body with too many values or too much text', () => {
    expectFailure(parseZaloEvent(textEvent({ junk: Array.from({ length: 10_000 }, (_, i) => i) })), 'too_large');
    expectFailure(parseZaloEvent(textEvent({ text: 'a'.repeat(ZALO_EVENT_MAX_BYTES + 1) })), 'too_large');
  });

  it('refuses a text longer than any message, within the size limit', () => {
    expectFailure(parseZaloEvent(textEvent({ text: 'a'.repeat(20_001) })), 'malformed');
    expect(parseZaloEvent(textEvent({ text: 'ă'.repeat(20_000) })).ok).toBe(true);
  });

  it('drops fields it does not know instead of carrying them into storage', () => {
    const event = expectEvent(parseZaloEvent(textEvent({ junk: { a: 1 }, reply_markup: 'x' })));
    expect(Object.keys(event.message).sort()).toEqual(['chat', 'date', 'from', 'message_id', 'text']);
  });

  it('parseZaloEventJson checks the byte size before parsing, and refuses what is not JSON', () => {
    expectFailure(parseZaloEventJson(`{"event_name":"message.text.received","pad":"${'x'.repeat(ZALO_EVENT_MAX_BYTES)}"}`), 'too_large');
    expectFailure(parseZaloEventJson('{"event_name":'), 'malformed');
    expectFailure(parseZaloEventJson(''), 'malformed');
    expectFailure(parseZaloEventJson(new TextEncoder().encode('[1,2')), 'malformed');
    expect(expectEvent(parseZaloEventJson(new TextEncoder().encode(JSON.stringify({ ok: true, result: textEvent() }))))).toMatchObject({
      message: { text: 'baocao Đường làng bị sạt lở' },
    });
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const parsed = parseZaloEvent(body);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (raw) => {
        expect(typeof parseZaloEventJson(raw).ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('keys', () => {
  it('keys an event by its name and message id, the same in both envelopes', () => {
    const a = expectEvent(parseZaloEvent({ ok: true, result: textEvent() }));
    const b = expectEvent(parseZaloEvent(textEvent()));
    expect(zaloEventKey(a)).toBe('message.text.received:2d758cb5e222177a4e35');
    expect(zaloEventKey(b)).toBe(zaloEventKey(a));
    expect(zaloEventKey(expectEvent(parseZaloEvent(textEvent({ message_id: 'ffffffffffffffffffff' }))))).not.toBe(zaloEventKey(a));
    expect(zaloChatKey(a)).toBe(USER);
  });
});
