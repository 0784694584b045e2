import type { Message, Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { chatIdOfUpdate, failureReplyTarget, parseCommand, toInbound } from '../../src/platforms/telegram/inbound.js';

const base = { message_id: 5, date: 0, chat: { id: -100, type: 'group', title: 'Xã A' }, from: { id: 7, is_bot: false, first_name: 'An', last_name: 'Nguyễn' } } as const;
const msg = (extra: Partial<Message>) => ({ ...base, ...extra }) as Message;

describe('Telegram inbound mapping', () => {
  it('parses commands with entities, @botname, captions and without entities', () => {
    expect(parseCommand(msg({ text: '/baocao Mất mạng', entities: [{ type: 'bot_command', offset: 0, length: 7 }] }), 'thaogo_bot')).toEqual({ name: 'baocao', args: 'Mất mạng' });
    expect(parseCommand(msg({ text: '/baocao@thaogo_bot  x ', entities: [{ type: 'bot_command', offset: 0, length: 18 }] }), 'ThaoGo_Bot')).toEqual({ name: 'baocao', args: 'x' });
    expect(parseCommand(msg({ text: '/baocao@other_bot x', entities: [{ type: 'bot_command', offset: 0, length: 17 }] }), 'thaogo_bot')).toBeNull();
    expect(parseCommand(msg({ caption: '/baocao ảnh', caption_entities: [{ type: 'bot_command', offset: 0, length: 7 }] }), 'b')).toEqual({ name: 'baocao', args: 'ảnh' });
    expect(parseCommand(msg({ text: '/BaoCao thử' }), 'b')).toEqual({ name: 'baocao', args: 'thử' });
    expect(parseCommand(msg({ text: 'xin chào /baocao' }), 'b')).toBeNull();
  });

  it('maps a photo report with the largest size and the sender name', () => {
    const update = {
      update_id: 1,
      message: msg({
        caption: '/baocao ảnh',
        caption_entities: [{ type: 'bot_command', offset: 0, length: 7 }],
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
          { file_id: 'big', file_unique_id: 'b', width: 1280, height: 960 },
        ],
      }),
    } as Update;
    const inbound = toInbound(update, 'b');
    expect(inbound).toMatchObject({
      kind: 'message',
      chat: { externalId: '-100', kind: 'group', title: 'Xã A' },
      sender: { externalUserId: '7', displayName: 'An Nguyễn' },
      command: { name: 'baocao', args: 'ảnh' },
      attachments: [{ type: 'photo', fileId: 'big' }],
    });
  });

  it('maps an edited message as an edit, never as a new message', () => {
    const edited = toInbound({ update_id: 2, edited_message: msg({ text: '/baocao x', edit_date: 1 }) } as Update, 'b');
    expect(edited).toMatchObject({ kind: 'message', edited: true, command: { name: 'baocao', args: 'x' }, chat: { externalId: '-100' } });
    expect(toInbound({ update_id: 2, message: msg({ text: '/baocao x' }) } as Update, 'b')).not.toHaveProperty('edited');
  });

  it('ignores service updates and other bots', () => {
    expect(toInbound({ update_id: 3, message: { ...msg({ text: 'hi' }), from: { id: 1, is_bot: true, first_name: 'bot' } } } as Update, 'b')).toBeNull();
    expect(toInbound({ update_id: 3, edited_message: { ...msg({ text: '/baocao' }), from: { id: 1, is_bot: true, first_name: 'bot' } } } as Update, 'b')).toBeNull();
    expect(toInbound({ update_id: 4, poll: { id: 'p' } } as unknown as Update, 'b')).toBeNull();
  });

  it('finds the chat of any stored payload without ever throwing', () => {
    expect(chatIdOfUpdate({ update_id: 1, message: { chat: { id: -5 } } })).toBe('-5');
    expect(chatIdOfUpdate({ update_id: 1, callback_query: { id: 'q', message: { chat: { id: 7 } } } })).toBe('7');
    for (const odd of [null, 5, 'x', [], { message: null }, { message: {} }, { message: { chat: null } }, { message: { chat: 'c' } }, { callback_query: { message: 3 } }, { my_chat_member: [] }]) {
      expect(chatIdOfUpdate(odd), JSON.stringify(odd)).toBeNull();
    }
  });

  it('says where to apologise: the pressed button, the message, or nowhere', () => {
    expect(failureReplyTarget({ callback_query: { id: 'cb1', message: { message_id: 3, chat: { id: -9 } } } })).toEqual({ chat: { platform: 'telegram', externalId: '-9' }, replyToMessageId: null, actionId: 'cb1' });
    expect(failureReplyTarget({ message: { message_id: 8, chat: { id: -9 } } })).toEqual({ chat: { platform: 'telegram', externalId: '-9' }, replyToMessageId: '8', actionId: null });
    expect(failureReplyTarget({ my_chat_member: { chat: { id: -9 } } })).toBeNull();
    expect(failureReplyTarget({ message: { text: 'no chat' } })).toBeNull();
    expect(failureReplyTarget(null)).toBeNull();
  });
});
