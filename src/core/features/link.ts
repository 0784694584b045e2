import { randomInt } from 'node:crypto';
import { foldVietnamese } from '../../domain/fold.js';
import { formatDateTime } from '../presentation/dates.js';
import { escapeHtml, userText } from '../presentation/markup.js';
import { reply, type Scope } from '../scope.js';
import { ceilToMinute, lockRateKeys, recordRateEvent, windowFreesAt } from '../rate-events.js';

const LINK_CODE_TTL_MS = 24 * 60 * 60 * 1000;
const LINK_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: codes are read aloud and retyped
/** 6–10 capitals and digits with at least one digit (docs/contract.md). */
export const LINK_CODE_PATTERN = /^(?=[A-Z0-9]*\d)[A-Z0-9]{6,10}$/;

type Target = { role: 'commune'; communeCode: string; name: string } | { role: 'department'; departmentCode: string; name: string };

/** Resolves "xa <code or name>" / "so <code>" to a unit, or replies why not. */
async function resolveTarget(scope: Scope, kind: string, query: string): Promise<Target | null> {
  const { t, tx } = scope;
  if (kind === 'xa' || kind === 'phuong') {
    if (/^\d{5}$/.test(query)) {
      const c = await tx.commune.findUnique({ where: { code: query } });
      if (c) return { role: 'commune', communeCode: c.code, name: c.name };
    } else if (query) {
      // Officials often type the name; accept it when exactly one commune matches.
      const q = foldVietnamese(query).replace(/^(xa|phuong) /, '');
      const all = await tx.commune.findMany();
      const matches = all.filter((c) => foldVietnamese(c.name).replace(/^(xa|phuong) /, '') === q);
      const loose = matches.length ? matches : all.filter((c) => foldVietnamese(c.name).includes(q));
      if (loose.length === 1) return { role: 'commune', communeCode: loose[0]!.code, name: loose[0]!.name };
      if (loose.length > 1) {
        await reply(scope, t('link-commune-ambiguous', { query: userText(query), matches: loose.slice(0, 8).map((c) => `${c.code} ${escapeHtml(c.name)}`).join(', ') }));
        return null;
      }
    }
    await reply(scope, t('link-commune-not-found', { query: userText(query) }));
    return null;
  }
  const code = query.toUpperCase();
  const dept = code ? await tx.department.findUnique({ where: { code } }) : null;
  if (dept?.active) return { role: 'department', departmentCode: dept.code, name: dept.name };
  const codes = (await tx.department.findMany({ where: { active: true }, orderBy: { code: 'asc' } })).map((d) => d.code).join(', ');
  await reply(scope, t('link-department-not-found', { query: userText(query), codes }));
  return null;
}

/** /lienket — admins link a group to a unit or role; anyone redeems a one-time code in private. */
export async function linkChat(scope: Scope, args: string): Promise<void> {
  const { t, tx } = scope;
  const [first = '', ...rest] = args.trim().split(/\s+/);
  const word = foldVietnamese(first);

  if (LINK_CODE_PATTERN.test(first.toUpperCase()) && rest.length === 0 && !['tocongtac', 'lanhdao'].includes(word)) {
    await redeemLinkCode(scope, first.toUpperCase());
    return;
  }
  if (!scope.isAdmin) {
    await reply(scope, t('link-not-admin'));
    return;
  }
  if (scope.chat.kind !== 'group') {
    await reply(scope, t('link-group-only'));
    return;
  }
  const stamp = { linkedBy: scope.person.id, linkedAt: scope.now, active: true };
  switch (word) {
    case 'xa':
    case 'phuong':
    case 'so': {
      const target = await resolveTarget(scope, word, rest.join(' '));
      if (!target) return;
      if (target.role === 'commune') {
        await tx.chat.update({ where: { id: scope.chat.id }, data: { role: 'commune', communeCode: target.communeCode, departmentCode: null, ...stamp } });
        await reply(scope, t('link-done-commune', { unit: escapeHtml(target.name), code: target.communeCode }));
      } else {
        await tx.chat.update({ where: { id: scope.chat.id }, data: { role: 'department', departmentCode: target.departmentCode, communeCode: null, ...stamp } });
        await reply(scope, t('link-done-department', { unit: escapeHtml(target.name) }));
      }
      return;
    }
    case 'tocongtac':
      await tx.chat.update({ where: { id: scope.chat.id }, data: { role: 'support', communeCode: null, departmentCode: null, ...stamp } });
      await reply(scope, t('link-done-support'));
      return;
    case 'lanhdao':
      await tx.chat.update({ where: { id: scope.chat.id }, data: { role: 'leaders', communeCode: null, departmentCode: null, ...stamp } });
      await reply(scope, t('link-done-leaders'));
      return;
    default:
      await reply(scope, t('link-usage'));
  }
}

/** /taoma xa <code> | so <code> — a one-time code that links one private chat on any platform. */
export async function createLinkCode(scope: Scope, args: string): Promise<void> {
  const { t, tx } = scope;
  if (!scope.isAdmin) {
    await reply(scope, t('code-not-admin'));
    return;
  }
  const [first = '', ...rest] = args.trim().split(/\s+/);
  const word = foldVietnamese(first);
  if (!['xa', 'phuong', 'so'].includes(word) || rest.length === 0) {
    await reply(scope, t('code-usage'));
    return;
  }
  const target = await resolveTarget(scope, word, rest.join(' '));
  if (!target) return;
  const expiresAt = new Date(scope.now.getTime() + LINK_CODE_TTL_MS);
  let code = '';
  do {
    code = Array.from({ length: 7 }, () => LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)]).join('');
  } while (!LINK_CODE_PATTERN.test(code) || (await tx.linkCode.findUnique({ where: { code } })));
  await tx.linkCode.create({
    data: {
      code,
      role: target.role,
      communeCode: target.role === 'commune' ? target.communeCode : null,
      departmentCode: target.role === 'department' ? target.departmentCode : null,
      createdBy: scope.person.id,
      expiresAt,
    },
  });
  await reply(scope, t('code-created', { unit: escapeHtml(target.name), code, expires: formatDateTime(expiresAt, scope.settings.timezone) }));
}

/**
 * Wrong codes a person, and a chat, may try in their windows (LINK_ATTEMPTS_*). Codes are short
 * enough to guess given time: past the limit every code is refused unseen, the right one too, so
 * guessing gains nothing until the window passes.
 */
function attemptLimits(scope: Scope) {
  const c = scope.config;
  return [
    { key: `link-fail:person:${scope.person.id}`, limit: c.LINK_ATTEMPTS_PER_PERSON, windowMs: c.LINK_ATTEMPTS_PERSON_WINDOW_MS },
    { key: `link-fail:chat:${scope.chat.platform}:${scope.chat.externalId}`, limit: c.LINK_ATTEMPTS_PER_CHAT, windowMs: c.LINK_ATTEMPTS_CHAT_WINDOW_MS },
  ];
}

/** `lienket <code>` in a private chat: single use, expires after 24 h, a few wrong tries per window. */
export async function redeemLinkCode(scope: Scope, code: string): Promise<void> {
  const { t, tx } = scope;
  if (scope.chat.kind !== 'private') {
    await reply(scope, t('link-code-private-only'));
    return;
  }
  const limits = attemptLimits(scope);
  // Guesses from several processes at once count as one line: no two see "one try left".
  await lockRateKeys(tx, ...limits.map((l) => l.key));
  let blockedUntil: Date | null = null;
  for (const l of limits) {
    const frees = await windowFreesAt(tx, l.key, scope.now, l.windowMs, l.limit);
    if (frees > scope.now && (!blockedUntil || frees > blockedUntil)) blockedUntil = frees;
  }
  if (blockedUntil) {
    scope.logger.info({ person: scope.person.id, chat: scope.chat.id }, 'link code refused: too many wrong codes');
    return reply(scope, t('link-code-limited', { until: formatDateTime(ceilToMinute(blockedUntil), scope.settings.timezone) }));
  }
  // A wrong code is counted in this transaction, which commits with the answer (its only other effect).
  const failed = async (key: string) => {
    for (const l of limits) await recordRateEvent(tx, l.key, scope.now);
    await reply(scope, t(key, { code }));
  };
  const row = await tx.linkCode.findUnique({ where: { code }, include: { commune: true, department: true } });
  if (!row) return failed('link-code-invalid');
  if (row.usedAt) return failed('link-code-used');
  if (row.expiresAt <= scope.now) return failed('link-code-expired');
  // Single use even under concurrent redemption: only the update that sees usedAt null wins.
  const won = await tx.linkCode.updateMany({ where: { code, usedAt: null }, data: { usedAt: scope.now, usedBy: scope.person.id } });
  if (won.count !== 1) return failed('link-code-used');
  const unit = row.role === 'commune' ? { role: 'commune' as const, communeCode: row.communeCode, departmentCode: null } : { role: 'department' as const, communeCode: null, departmentCode: row.departmentCode };
  await tx.person.update({ where: { id: scope.person.id }, data: { communeCode: unit.communeCode, departmentCode: unit.departmentCode, privateChatId: scope.chat.id } });
  await tx.chat.update({ where: { id: scope.chat.id }, data: { ...unit, linkedBy: row.createdBy, linkedAt: scope.now, active: true } });
  await reply(scope, t('link-code-done', { unit: escapeHtml(row.commune?.name ?? row.department?.name ?? '') }));
}
