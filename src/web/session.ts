import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Chat, Person, WebRole } from '../generated/prisma/client.js';
import { hashWebSecret, newWebSecret, webRoleOf } from '../core/features/web.js';
import type { AdminDirectory } from '../core/inbound.js';
import { ceilToMinute, lockRateKeys, recordRateEvent, windowFreesAt, windowState } from '../core/rate-events.js';

/** A session lasts this long from sign-in (docs/contract.md); a new /web link starts a new one. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;
/** Failed sign-ins (unknown, used or expired links) one address may make in the window. */
export const LOGIN_FAILURES_PER_WINDOW = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** Expired links and sessions are kept this long (to tell "used" and "expired" apart), then forgotten. */
const FORGET_AFTER_MS = 7 * 24 * 60 * 60_000;

/**
 * The session cookie. Over HTTPS it carries the `__Host-` prefix, which browsers only accept with
 * Secure, Path=/ and no Domain: no other site or subdomain can plant or read it.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-thaogo' : 'thaogo';
}

/** The cookie that guards the sign-in form itself (double submit: a form from elsewhere cannot know it). */
export function loginCookieName(secure: boolean): string {
  return secure ? '__Host-thaogo-dn' : 'thaogo-dn';
}

/** Who is looking at the web desk, re-checked against the chat and person on every request. */
export interface Viewer {
  sessionHash: string;
  csrfToken: string;
  flash: string | null;
  expiresAt: Date;
  person: Person;
  /** The chat the sign-in link came from: actions are decided as if taken there. */
  chat: Chat;
  role: WebRole;
  communeCode: string | null;
  departmentCode: string | null;
  isAdmin: boolean;
  /** Sees internal notes and who did what (support team, leaders, admins), as in /phieu. */
  internal: boolean;
  /** Reads the province-wide figures and the export (leaders, support team, admins), as the chat reports. */
  readsReports: boolean;
}

export type SignInRefusal = 'invalid' | 'used' | 'expired' | 'unlinked';

/** The state of a sign-in link without using it (the confirmation page shows who it signs in). */
export async function inspectLoginToken(db: Db, secret: string, now: Date): Promise<{ ok: true; person: Person; chat: Chat } | { ok: false; reason: SignInRefusal }> {
  const row = await db.webLoginToken.findUnique({ where: { tokenHash: hashWebSecret(secret) }, include: { person: true, chat: true } });
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.usedAt) return { ok: false, reason: 'used' };
  if (row.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, person: row.person, chat: row.chat };
}

/**
 * Uses a sign-in link and opens a session with the role of the chat it came from. Taking the link
 * is a conditional update, so two tabs opening the same link cannot both sign in. Returns the
 * cookie's secret; only its hash is stored.
 */
export async function signIn(
  db: Db,
  secret: string,
  now: Date,
  admins: AdminDirectory,
): Promise<{ ok: true; cookie: string; expiresAt: Date } | { ok: false; reason: SignInRefusal }> {
  return db.$transaction(async (tx) => {
    const tokenHash = hashWebSecret(secret);
    const row = await tx.webLoginToken.findUnique({ where: { tokenHash }, include: { person: true, chat: true } });
    if (!row) return { ok: false, reason: 'invalid' } as const;
    if (row.usedAt) return { ok: false, reason: 'used' } as const;
    if (row.expiresAt <= now) return { ok: false, reason: 'expired' } as const;
    const taken = await tx.webLoginToken.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (taken.count !== 1) return { ok: false, reason: 'used' } as const;
    // The chat may have been unlinked since /web: the role is decided now, from what it is now.
    const role = webRoleOf(row.chat, row.person, admins.isAdmin(row.person.platform, row.person.externalUserId));
    if (!role) return { ok: false, reason: 'unlinked' } as const;
    // The message that carried the link keeps its text in the outbox; once used, the link is taken
    // out of it too, so no stored copy of a working secret is left behind. (Base64url: no JSON escapes.)
    await tx.$executeRaw`UPDATE "OutboundMessage" SET "payload" = replace("payload"::text, ${secret}, '(đã dùng)')::jsonb
      WHERE "purpose" = 'web-link' AND "platform"::text = ${row.person.platform} AND "chatExternalId" = ${row.person.externalUserId}`;
    // The person's own long-dead links and sessions go as a new one comes, so the rows stay few.
    const longAgo = new Date(now.getTime() - FORGET_AFTER_MS);
    await tx.webLoginToken.deleteMany({ where: { personId: row.personId, expiresAt: { lt: longAgo } } });
    await tx.webSession.deleteMany({ where: { personId: row.personId, expiresAt: { lt: longAgo } } });
    const cookie = newWebSecret();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await tx.webSession.create({
      data: { tokenHash: hashWebSecret(cookie), personId: row.personId, chatId: row.chatId, ...role, csrfToken: newWebSecret(), createdAt: now, expiresAt },
    });
    return { ok: true, cookie, expiresAt } as const;
  });
}

/**
 * The viewer of a session cookie, or null when there is none, it ended or expired, or the chat's
 * role changed since sign-in (relinked to another unit, unlinked): such a session is ended, since
 * it would otherwise carry rights the chat no longer has.
 */
export async function loadViewer(db: Db, cookie: string | undefined, now: Date, admins: AdminDirectory): Promise<Viewer | null> {
  if (!cookie || cookie.length > 200) return null;
  const sessionHash = hashWebSecret(cookie);
  const s = await db.webSession.findUnique({ where: { tokenHash: sessionHash }, include: { person: true, chat: true } });
  if (!s || s.endedAt || s.expiresAt <= now) return null;
  const isAdmin = admins.isAdmin(s.person.platform, s.person.externalUserId);
  const role = webRoleOf(s.chat, s.person, isAdmin);
  if (!role || role.role !== s.role || role.communeCode !== s.communeCode || role.departmentCode !== s.departmentCode || !s.chat.active) {
    await endSession(db, sessionHash, now);
    return null;
  }
  const wide = s.role === 'support' || s.role === 'leaders' || s.role === 'admin';
  return {
    sessionHash,
    csrfToken: s.csrfToken,
    flash: s.flash,
    expiresAt: s.expiresAt,
    person: s.person,
    chat: s.chat,
    role: s.role,
    communeCode: s.communeCode,
    departmentCode: s.departmentCode,
    isAdmin,
    internal: wide || isAdmin,
    readsReports: wide || isAdmin,
  };
}

export async function endSession(db: Db, sessionHash: string, now: Date): Promise<void> {
  await db.webSession.updateMany({ where: { tokenHash: sessionHash, endedAt: null }, data: { endedAt: now } });
}

/** Keeps what an action said for the next page, which shows it once. */
export async function setFlash(db: Db, sessionHash: string, text: string | null): Promise<void> {
  await db.webSession.updateMany({ where: { tokenHash: sessionHash }, data: { flash: text === null ? null : text.slice(0, 2000) } });
}

/** Compares a submitted CSRF token with the expected one in constant time. */
export function tokensMatch(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const failureKey = (ip: string) => `web-login-fail:ip:${ip}`;

/** When `ip` may try again, or null when it may now (failures below the limit). */
export async function loginBlockedUntil(db: Db, ip: string, now: Date): Promise<Date | null> {
  const state = await windowState(db, failureKey(ip), now, LOGIN_FAILURE_WINDOW_MS);
  if (state.count < LOGIN_FAILURES_PER_WINDOW) return null;
  return ceilToMinute(await windowFreesAt(db, failureKey(ip), now, LOGIN_FAILURE_WINDOW_MS, LOGIN_FAILURES_PER_WINDOW));
}

/** Counts one failed sign-in of `ip` (shared by every process through PostgreSQL). */
export async function recordLoginFailure(db: Db, ip: string, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockRateKeys(tx, failureKey(ip));
    await recordRateEvent(tx, failureKey(ip), now);
  });
}

