import { z } from 'zod';

/**
 * Zalo Bot Platform events, parsed where they enter (a webhook body or a getUpdates result).
 *
 * The platform has been seen sending both `{ ok: true, result: { event_name, message } }` and the
 * bare `{ event_name, message }`; both are accepted. The parsed `ZaloEvent` keeps the wire's field
 * names and is itself a valid bare payload, so storing it and parsing it again gives the same
 * event (the inbox may keep either the raw body or the parsed event).
 */

/** Largest body accepted as one event: a text message of the longest sane length, escaped, fits. */
export const ZALO_EVENT_MAX_BYTES = 256 * 1024;
const MAX_DEPTH = 16;
const MAX_NODES = 5_000;
const MAX_TEXT = 20_000;

export const ZALO_EVENT_NAMES = [
  'message.text.received',
  'message.image.received',
  'message.sticker.received',
  'message.unsupported.received',
] as const;
export type ZaloEventName = (typeof ZALO_EVENT_NAMES)[number];

export interface ZaloSender {
  id: string;
  /** '' when the platform did not say. */
  display_name: string;
  is_bot: boolean;
}

export interface ZaloChat {
  id: string;
  chat_type: 'PRIVATE' | 'GROUP';
}

export interface ZaloMessageBase {
  message_id: string;
  /** Milliseconds since the epoch. */
  date: number;
  from: ZaloSender;
  chat: ZaloChat;
}

export interface ZaloTextEvent {
  event_name: 'message.text.received';
  message: ZaloMessageBase & { text: string };
}

export interface ZaloImageEvent {
  event_name: 'message.image.received';
  /** `photo_url` is the image's http(s) address (from `photo_url` or `photo`), null when none came. */
  message: ZaloMessageBase & { photo_url: string | null; caption?: string };
}

export interface ZaloStickerEvent {
  event_name: 'message.sticker.received';
  message: ZaloMessageBase & { sticker?: string; url?: string };
}

export interface ZaloUnsupportedEvent {
  event_name: 'message.unsupported.received';
  message: ZaloMessageBase;
  /** Set when a message event of a kind not handled here (voice, …) was read as unsupported. */
  original_event_name?: string;
}

export type ZaloEvent = ZaloTextEvent | ZaloImageEvent | ZaloStickerEvent | ZaloUnsupportedEvent;

/**
 * Why a body is not an event: `too_large` (size or nesting), `malformed` (not an event, wrong
 * types), `ignored` (a well-formed event the bot has no use for, e.g. one without a message: answer
 * it with 2xx so the platform does not resend it).
 */
export type ZaloParseFailureCode = 'too_large' | 'malformed' | 'ignored';

export type ZaloEventParse =
  | { ok: true; event: ZaloEvent }
  | { ok: false; code: ZaloParseFailureCode; reason: string };

// Ids are opaque strings (20 hex digits for users in practice). A number is refused rather than
// converted: ids past 2^53 would already have lost digits in JSON.parse.
const id = z.string().trim().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const epochMs = z.union([
  z.number().finite().nonnegative(),
  z.string().regex(/^\d{1,16}$/).transform(Number),
]);

const sender = z
  .object({
    id,
    display_name: z.string().max(512).optional(),
    name: z.string().max(512).optional(),
    is_bot: z.boolean().optional(),
  })
  .transform((f): ZaloSender => ({ id: f.id, display_name: f.display_name ?? f.name ?? '', is_bot: f.is_bot ?? false }));

const chatType = z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(['PRIVATE', 'GROUP']));

const messageBase = z.object({
  message_id: id,
  date: epochMs,
  from: sender,
  chat: z.object({ id, chat_type: chatType.optional() }),
});

type RawBase = z.output<typeof messageBase>;

function base(m: RawBase): ZaloMessageBase {
  // A chat without a type is private exactly when it is the sender's own chat (Zalo gives a
  // private chat the user's id).
  const chatType = m.chat.chat_type ?? (m.chat.id === m.from.id ? 'PRIVATE' : 'GROUP');
  return { message_id: m.message_id, date: m.date, from: m.from, chat: { id: m.chat.id, chat_type: chatType } };
}

const httpUrl = (v: string): boolean => {
  if (!URL.canParse(v)) return false;
  const protocol = new URL(v).protocol;
  return protocol === 'https:' || protocol === 'http:';
};

const textMessage = messageBase.extend({ text: z.string().max(MAX_TEXT) });
const imageMessage = messageBase.extend({
  photo_url: z.string().max(4096).nullable().optional(),
  photo: z.string().max(4096).nullable().optional(),
  caption: z.string().max(MAX_TEXT).nullable().optional(),
});
const stickerMessage = messageBase.extend({
  sticker: z.string().max(256).nullable().optional(),
  url: z.string().max(4096).nullable().optional(),
});

const eventName = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.]+$/, 'must be a dotted event name');

const envelope = z.object({ event_name: eventName, message: z.unknown().optional(), original_event_name: eventName.optional() });

/** Rejects bodies too big or too deeply nested to be an event before any schema walks them. */
function boundsProblem(body: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  let nodes = 0;
  let chars = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (++nodes > MAX_NODES) return `more than ${MAX_NODES} values`;
    if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
    if (typeof value === 'string') {
      chars += value.length;
      if (chars > ZALO_EVENT_MAX_BYTES) return `more than ${ZALO_EVENT_MAX_BYTES} characters of text`;
    } else if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value : Object.entries(value as Record<string, unknown>).flat();
      for (const child of entries) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}

/** Names the fields at fault, never their values: the reason is logged and values are user text. */
function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String);
      return `${path.length > 0 ? path.join('.') : 'body'}: ${issue.message}`;
    })
    .join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseMessage<S extends z.ZodType>(schema: S, message: unknown): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  const parsed = schema.safeParse(message);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues, ['message']) };
  return { ok: true, value: parsed.data };
}

/** Parses a webhook body or a getUpdates result, wrapped (`{ ok, result }`) or bare. */
export function parseZaloEvent(body: unknown): ZaloEventParse {
  const tooBig = boundsProblem(body);
  if (tooBig) return { ok: false, code: 'too_large', reason: tooBig };
  if (!isObject(body)) return { ok: false, code: 'malformed', reason: 'body: expected a JSON object' };

  let inner: unknown = body;
  if (!('event_name' in body) && 'result' in body) {
    if (body['ok'] !== true) return { ok: false, code: 'malformed', reason: 'ok: expected true around an event' };
    inner = body['result'];
    if (!isObject(inner)) return { ok: false, code: 'malformed', reason: 'result: expected an event object' };
  } else if (!('event_name' in body) && body['ok'] === false) {
    return { ok: false, code: 'malformed', reason: 'body: an error answer, not an event' };
  }

  const head = envelope.safeParse(inner);
  if (!head.success) return { ok: false, code: 'malformed', reason: describeIssues(head.error.issues) };
  const { event_name: name, message } = head.data;

  if (message === undefined || message === null) {
    // Events about the bot itself (follow, unfollow, …) carry no message: nothing to act on.
    if (!name.startsWith('message.')) return { ok: false, code: 'ignored', reason: `event ${name} carries no message` };
    return { ok: false, code: 'malformed', reason: 'message: expected an object' };
  }

  switch (name) {
    case 'message.text.received': {
      const m = parseMessage(textMessage, message);
      if (!m.ok) return { ok: false, code: 'malformed', reason: m.reason };
      return { ok: true, event: { event_name: name, message: { ...base(m.value), text: m.value.text } } };
    }
    case 'message.image.received': {
      const m = parseMessage(imageMessage, message);
      if (!m.ok) return { ok: false, code: 'malformed', reason: m.reason };
      const url = [m.value.photo_url, m.value.photo].find((v): v is string => typeof v === 'string' && httpUrl(v.trim()));
      const caption = m.value.caption ?? undefined;
      return {
        ok: true,
        event: { event_name: name, message: { ...base(m.value), photo_url: url?.trim() ?? null, ...(caption !== undefined ? { caption } : {}) } },
      };
    }
    case 'message.sticker.received': {
      const m = parseMessage(stickerMessage, message);
      if (!m.ok) return { ok: false, code: 'malformed', reason: m.reason };
      const { sticker, url } = m.value;
      return {
        ok: true,
        event: {
          event_name: name,
          message: { ...base(m.value), ...(typeof sticker === 'string' ? { sticker } : {}), ...(typeof url === 'string' ? { url } : {}) },
        },
      };
    }
    default: {
      if (!name.startsWith('message.')) return { ok: false, code: 'ignored', reason: `event ${name} is not a message` };
      // Voice and other kinds the bot cannot read still come from a person who expects an answer.
      const m = parseMessage(messageBase, message);
      if (!m.ok) return { ok: false, code: 'malformed', reason: m.reason };
      const original = name === 'message.unsupported.received' ? head.data.original_event_name : name;
      return {
        ok: true,
        event: { event_name: 'message.unsupported.received', message: base(m.value), ...(original !== undefined ? { original_event_name: original } : {}) },
      };
    }
  }
}

/** Parses a raw webhook body: size first, then JSON, then the event. */
export function parseZaloEventJson(raw: string | Uint8Array): ZaloEventParse {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (bytes > ZALO_EVENT_MAX_BYTES) return { ok: false, code: 'too_large', reason: `body of ${bytes} bytes (limit ${ZALO_EVENT_MAX_BYTES})` };
  let body: unknown;
  try {
    body = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, code: 'malformed', reason: 'body: not JSON' };
  }
  return parseZaloEvent(body);
}

/**
 * The inbox key of an event. One message yields one event, so the message id decides; the event
 * name keeps two events about one message (should the platform ever send them) apart.
 */
export function zaloEventKey(event: ZaloEvent): string {
  const name = event.event_name === 'message.unsupported.received' ? (event.original_event_name ?? event.event_name) : event.event_name;
  return `${name}:${event.message.message_id}`;
}

/** The chat an event belongs to: a private chat's id is its user's id, a group has its own. */
export function zaloChatKey(event: ZaloEvent): string {
  return event.message.chat.id;
}
