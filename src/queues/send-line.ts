import type { Redis } from 'ioredis';
import { RESERVE_FUNCTION } from './pacer.js';
import { RedisScript } from './script.js';

/**
 * What the sender keeps in Redis so the fast path needs no database read:
 *   - each chat's LINE: the ids of its messages in the order they were committed; only the head may
 *     go, and whoever leaves the head wakes the next (no polling);
 *   - SENT marks: a message the platform accepted is marked at once (its database row is marked in
 *     a batch a few milliseconds later), so a job run again never sends it twice;
 *   - CARD ids: the message a ticket's card lives in per chat, so a refresh edits it in place.
 * The database stays the record: a line or mark lost with Redis costs a wait for the sweep, never a
 * message (and at most one duplicate, as before).
 */
export class SendLine {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** The database's identity: a recreated database behind the same Redis starts new lines. */
    private readonly database: number,
  ) {}

  private lineKey(platform: string, chat: string): string {
    return `${this.prefix}:line:${this.database}:${platform}:${chat}`;
  }

  private sentKey(id: bigint | string): string {
    return `${this.prefix}:sent:${this.database}:${id}`;
  }

  /** The chat's messages that go with priority (cards, burst summaries): never given an ordinary slot ahead (see finish). */
  private priorityKey(platform: string, chat: string): string {
    return `${this.prefix}:prio:${this.database}:${platform}:${chat}`;
  }

  /** Send slots reserved ahead for messages of the chat by the one that left the head before them (see finish). */
  private slotsKey(platform: string, chat: string): string {
    return `${this.prefix}:slots:${this.database}:${platform}:${chat}`;
  }

  private cardKey(platform: string, chat: string): string {
    return `${this.prefix}:cards:${this.database}:${platform}:${chat}`;
  }

  /**
   * Appends messages to their chats' lines, in the order given; returns each one's place (0 = its
   * turn). `ifAbsent`: messages that may be in their lines already (enqueued again by id: the sweep,
   * a stuck head) keep the place they have instead of joining a second time.
   */
  async join(rows: readonly { id: bigint; platform: string; chat: string; priority?: boolean }[], ifAbsent = false): Promise<number[]> {
    if (rows.length === 0) return [];
    const keys = rows.flatMap((r) => [this.lineKey(r.platform, r.chat), this.priorityKey(r.platform, r.chat)]);
    const places = (await JOIN.run(this.redis, keys, [LINE_TTL_MS, ifAbsent ? 1 : 0, ...rows.flatMap((r) => [r.id.toString(), r.priority ? 1 : 0])])) as number[];
    return rows.map((_, i) => Number(places[i] ?? 0));
  }

  /**
   * Where a message stands in its chat's line: 0 = its turn. One that is not in the line at all (its
   * job came from the sweep, or Redis lost the line) takes its place at the end. `nextSlot`: the
   * chat's next free send slot (epoch ms, 0 when none is reserved) read from `paceKey`: a message
   * behind others cannot go before it, and the one ahead wakes it about then.
   */
  async place(platform: string, chat: string, id: bigint, paceKey?: string): Promise<{ position: number; head: string | null; nextSlot: number }> {
    const reply = (await BEGIN.run(this.redis, [this.lineKey(platform, chat), '', paceKey ?? ''], [id.toString(), LINE_TTL_MS])) as [number, number, string | null, string];
    return { position: Number(reply[1] ?? 0), head: reply[2] ?? null, nextSlot: Number(reply[3] ?? 0) || 0 };
  }

  /**
   * A message's first look, in one round trip: the platform's message id when it was delivered
   * already ('' without one), else its place in its chat's line (0 = its turn) and the chat's next
   * free slot (see `place`), joining the line at the end when it is not in it (its job came from the
   * sweep, or Redis lost the line), and how many wait behind it. Given a pacer reservation
   * (ChatPacer.reservation), a message whose turn it is gets its send slot too.
   */
  async begin(
    platform: string,
    chat: string,
    id: bigint,
    reservation?: { keys: string[]; args: (string | number)[] } | null,
    paceKey?: string,
  ): Promise<{ sentAs: string | null; position: number; head: string | null; nextSlot: number; behind: number; slot?: number }> {
    const keys = [this.lineKey(platform, chat), this.sentKey(id), reservation?.keys[0] ?? paceKey ?? ''];
    const args: (string | number)[] = [id.toString(), LINE_TTL_MS];
    const reply = (
      reservation ? await BEGIN_AND_RESERVE.run(this.redis, [...keys, ...reservation.keys, this.slotsKey(platform, chat)], [...args, ...reservation.args]) : await BEGIN.run(this.redis, keys, args)
    ) as [number, string | number | null, string | null, string?, number?, string?];
    if (reply[0] === 1) return { sentAs: String(reply[1] ?? ''), position: 0, head: null, nextSlot: 0, behind: 0 };
    const position = Number(reply[1] ?? 0);
    return {
      sentAs: null,
      position,
      head: reply[2] ?? null,
      nextSlot: Number(reply[3] ?? 0) || 0,
      behind: Math.max(0, Number(reply[4] ?? 0) - position - 1),
      ...(reply[5] !== undefined ? { slot: Number(reply[5]) } : {}),
    };
  }

  /**
   * After the platform accepted a message, in one round trip: its sent mark, the chat's next slot
   * pushed out to `pace.until` (the gap counted from the answer), the card's message id remembered,
   * and — unless it never joined a line — out of the line. Returns the message now at the line's
   * head, for the caller to wake.
   *
   * Given `reserveNext` (ChatPacer.reservation for the chat, ordinary), the new head's send slot is
   * reserved in the same step, unless it is a priority message (which reserves its own, with
   * priority, when it runs): the caller wakes its job for that slot instead of now, so a message
   * waiting its turn in a burst runs once, at its slot, instead of running to reserve a slot a few
   * seconds ahead and being handed back to wait for it. BEGIN_AND_RESERVE gives it that slot.
   */
  async finish(o: {
    platform: string;
    chat: string;
    id: bigint;
    messageId: string | null;
    pace: { key: string; until: number } | null;
    card: { field: string; messageId: string } | null;
    leave: boolean;
    reserveNext?: { keys: string[]; args: (string | number)[] } | null;
  }): Promise<{ head: string | null; slot: number | null }> {
    const reserve = o.leave ? o.reserveNext : null;
    const paceKey = reserve?.keys[0] ?? o.pace?.key ?? this.sentKey(o.id);
    const keys = [this.sentKey(o.id), this.lineKey(o.platform, o.chat), paceKey, this.cardKey(o.platform, o.chat), this.priorityKey(o.platform, o.chat), this.slotsKey(o.platform, o.chat), ...(reserve ? reserve.keys.slice(1) : [paceKey, paceKey])];
    const paceTtl = o.pace ? Math.max(1, o.pace.until - Date.now()) + 60_000 : 0;
    const args = [o.messageId ?? '', SENT_TTL_MS, o.pace?.until ?? 0, paceTtl, o.leave ? 1 : 0, o.id.toString(), o.card?.field ?? '', o.card?.messageId ?? '', CARD_TTL_MS, reserve ? 1 : 0, LINE_TTL_MS, ...(reserve ? reserve.args : [])];
    const reply = (await FINISH.run(this.redis, keys, args)) as [string | null, string | null] | null;
    const head = typeof reply?.[0] === 'string' ? reply[0] : null;
    const slot = reply?.[1] !== null && reply?.[1] !== undefined ? Number(reply[1]) : null;
    return { head, slot: head !== null && slot !== null && Number.isFinite(slot) ? slot : null };
  }

  /** Leaves the line (delivered, failed for good, or parked) and wakes the message now at its head. */
  async leave(platform: string, chat: string, id: bigint, wake: (nextId: string) => Promise<void>): Promise<void> {
    const key = this.lineKey(platform, chat);
    const multi = this.redis.multi().lrem(key, 0, id.toString()).lindex(key, 0);
    const [, [, head]] = (await this.forget(multi, platform, chat, [id]).exec()) as [unknown, [unknown, string | null]];
    if (head) await wake(head).catch(() => undefined);
  }

  /** Takes a stale head away (a message no longer due), so the line moves. */
  async drop(platform: string, chat: string, id: string): Promise<void> {
    await this.forget(this.redis.multi().lrem(this.lineKey(platform, chat), 0, id), platform, chat, [id]).exec();
  }

  /** A message out of its line leaves no priority mark or slot reserved ahead behind. */
  private forget(multi: ReturnType<Redis['multi']>, platform: string, chat: string, ids: readonly (bigint | string)[]) {
    const strings = ids.map(String);
    return multi.srem(this.priorityKey(platform, chat), ...strings).hdel(this.slotsKey(platform, chat), ...strings);
  }

  /** The platform's message id when the message was already delivered ('' without one), else null. */
  async sentAs(id: bigint): Promise<string | null> {
    return this.redis.get(this.sentKey(id));
  }

  /**
   * Messages delivered as part of another (announcements folded into a burst summary): marked sent
   * and out of the line at once, so the chat's next message does not wait for their jobs.
   */
  async settle(platform: string, chat: string, ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    const keys = [this.lineKey(platform, chat), this.priorityKey(platform, chat), this.slotsKey(platform, chat), ...ids.map((id) => this.sentKey(id))];
    await SETTLE.run(this.redis, keys, [SENT_TTL_MS, ...ids.map(String)]);
  }

  private announceKey(platform: string, chat: string): string {
    return `${this.prefix}:announced:${this.database}:${platform}:${chat}`;
  }

  /** New-ticket cards sent to a chat in the last minute (the burst summary's threshold). */
  async recentAnnouncements(platform: string, chat: string, now = Date.now()): Promise<number> {
    const key = this.announceKey(platform, chat);
    const [, [, count]] = (await this.redis.multi().zremrangebyscore(key, '-inf', now - 60_000).zcard(key).exec()) as [unknown, [unknown, number]];
    return count;
  }

  /** Counts new tickets shown to a chat now (a card each, or the lines of a burst summary). */
  async noteAnnouncement(platform: string, chat: string, ids: bigint | readonly bigint[], now = Date.now()): Promise<void> {
    const key = this.announceKey(platform, chat);
    const members = (typeof ids === 'bigint' ? [ids] : ids).flatMap((id) => [now, id.toString()]);
    if (members.length === 0) return;
    await this.redis.multi().zadd(key, ...members).pexpire(key, 120_000).exec();
  }

  private holdKey(platform: string, chat: string): string {
    return `${this.prefix}:summary-hold:${this.database}:${platform}:${chat}`;
  }

  /** Announcements to a chat wait until `until`: its burst summary was just drawn and has room for more. */
  async holdSummary(platform: string, chat: string, until: number): Promise<void> {
    await this.redis.set(this.holdKey(platform, chat), String(until), 'PX', Math.max(1, Math.ceil(until - Date.now())));
  }

  /** Until when announcements to a chat wait (see holdSummary), or null. */
  async summaryHeldUntil(platform: string, chat: string): Promise<number | null> {
    const until = await this.redis.get(this.holdKey(platform, chat));
    return until ? Number(until) : null;
  }

  async cardMessage(platform: string, chat: string, field: string): Promise<string | null> {
    return this.redis.hget(this.cardKey(platform, chat), field);
  }
}

/**
 * Longest a message waits behind others in its chat's line before it looks again; the one ahead
 * wakes it sooner when it leaves, so this is only the safety net for a wake that was lost (a
 * process that died between the two). 30 s per place ahead of it, at most 2 minutes: in a burst a
 * chat's line moves about once every few seconds (200 chats sharing 28 messages a second: one each
 * every 7 s), and a net shorter than the wait made most replies look once, find it was not their
 * turn and go back, for nothing. A look also notices a head that does not move (STALE_HEAD_MS).
 */
export function lineWaitCap(position: number): number {
  return Math.min(120_000, 30_000 * Math.max(1, position));
}

// KEYS: line, sent mark ('' : none), the chat's next-slot key ('' : none). ARGV: id, line ttl.
// Returns {1, message id} when the mark says sent, else {0, position, head, next slot ('0' : none),
// the line's length}, joining the line at its end when the id is not in it.
const BEGIN_FUNCTION = `
local function begin(KEYS, ARGV)
if KEYS[2] ~= '' then
  local sent = redis.call('GET', KEYS[2])
  if sent then return {1, sent} end
end
local pos = redis.call('LPOS', KEYS[1], ARGV[1])
if not pos then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  pos = redis.call('LPOS', KEYS[1], ARGV[1])
end
local nextSlot = '0'
if KEYS[3] ~= '' then nextSlot = redis.call('GET', KEYS[3]) or '0' end
return {0, pos, redis.call('LINDEX', KEYS[1], 0) or false, nextSlot, redis.call('LLEN', KEYS[1])}
end
`;
const BEGIN = new RedisScript(`${BEGIN_FUNCTION}\nreturn begin(KEYS, ARGV)`);

// BEGIN, and when it is the message's turn, its send slot reserved (pacer.ts) in the same step, or
// the one reserved for it ahead (FINISH). KEYS: line, sent mark, the chat's next-slot key, the
// reservation's three (the first the same key), the chat's slots reserved ahead.
// ARGV: id, line ttl, the reservation's seven. Returns BEGIN's reply, with the slot as a sixth
// element when one was reserved.
const BEGIN_AND_RESERVE = new RedisScript(`${BEGIN_FUNCTION}
${RESERVE_FUNCTION}
local r = begin({KEYS[1], KEYS[2], KEYS[3]}, {ARGV[1], ARGV[2]})
if r[1] == 0 and r[2] == 0 then
  -- A slot the message ahead reserved for it when it left (FINISH) is taken, not reserved again.
  local held = redis.call('HGET', KEYS[7], ARGV[1])
  if held then
    redis.call('HDEL', KEYS[7], ARGV[1])
    r[6] = held
  else
    r[6] = reserve({KEYS[4], KEYS[5], KEYS[6]}, {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]})
  end
end
return r`);

// KEYS: each message's line and its chat's priority set. ARGV: line ttl, if absent (1/0), then each
// message's id and priority (1/0). Returns each one's place. Each line's expiry is set once. With
// "if absent", a message already in its line keeps its place instead of joining a second time.
const JOIN = new RedisScript(`
local places, touched = {}, {}
local ifAbsent = ARGV[2] == '1'
for i = 1, #KEYS / 2 do
  local line, id = KEYS[i * 2 - 1], ARGV[i * 2 + 1]
  local pos = ifAbsent and redis.call('LPOS', line, id) or nil
  if not pos then
    pos = redis.call('RPUSH', line, id) - 1
    touched[line] = true
  end
  if ARGV[i * 2 + 2] == '1' then
    redis.call('SADD', KEYS[i * 2], id)
    touched[KEYS[i * 2]] = true
  end
  places[i] = pos
end
for key in pairs(touched) do redis.call('PEXPIRE', key, ARGV[1]) end
return places
`);

// KEYS: the chat's line, its priority set, its slots reserved ahead, then each message's sent mark.
// ARGV: sent ttl, then the ids. Each one marked sent ('' : no message of its own) and out of the
// line, leaving no priority mark or slot behind.
const SETTLE = new RedisScript(`
for i = 2, #ARGV do
  redis.call('SET', KEYS[i + 2], '', 'PX', ARGV[1])
  redis.call('LREM', KEYS[1], 0, ARGV[i])
  redis.call('SREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return 1
`);

// KEYS: sent mark, line, chat's next slot, cards, the chat's priority set, its slots reserved ahead,
// the reservation's window and platform keys (pacer.ts; unused without one). ARGV: message id, sent
// ttl, slot not before (0: none), its ttl, leave (1/0), id, card field ('' : none), card message id,
// cards ttl, reserve for the next (1/0), slots ttl, the reservation's seven. Returns the line's new
// head and the slot reserved for it (or none).
const FINISH = new RedisScript(`${RESERVE_FUNCTION}
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local untilAt = tonumber(ARGV[3])
if untilAt > 0 then
  local nextAt = tonumber(redis.call('GET', KEYS[3]) or '0')
  if untilAt > nextAt then redis.call('SET', KEYS[3], tostring(untilAt), 'PX', math.ceil(tonumber(ARGV[4]))) end
end
if ARGV[7] ~= '' and ARGV[8] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[7], ARGV[8])
  redis.call('PEXPIRE', KEYS[4], ARGV[9])
end
if ARGV[5] ~= '1' then return {false, false} end
redis.call('LREM', KEYS[2], 0, ARGV[6])
redis.call('SREM', KEYS[5], ARGV[6])
redis.call('HDEL', KEYS[6], ARGV[6])
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then return {false, false} end
local held = redis.call('HGET', KEYS[6], head)
if held then return {head, held} end
if ARGV[10] ~= '1' or redis.call('SISMEMBER', KEYS[5], head) == 1 then return {head, false} end
local slot = reserve({KEYS[3], KEYS[7], KEYS[8]}, {ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16], ARGV[17], ARGV[18]})
redis.call('HSET', KEYS[6], head, slot)
redis.call('PEXPIRE', KEYS[6], ARGV[11])
return {head, slot}
`);

const LINE_TTL_MS = 7 * 24 * 60 * 60_000;
const SENT_TTL_MS = 3 * 24 * 60 * 60_000;
const CARD_TTL_MS = 60 * 24 * 60 * 60_000;
