import { z } from 'zod';
import { PRIORITIES, type Priority } from '../../domain/types.js';
import { departmentRefusal, eventLabelKey, isOpen, type ActionKind, type EventKind } from '../../domain/ticket-workflow.js';
import { dueState } from '../../domain/reminder-policy.js';
import { calendarFrom } from '../../settings.js';
import type { Ticket } from '../../generated/prisma/client.js';
import { foldVietnamese } from '../../domain/fold.js';
import { parseSatisfaction, SATISFACTIONS } from '../../domain/satisfaction.js';
import { formatDateTime } from '../presentation/dates.js';
import { escapeHtml, nameText, userText } from '../presentation/markup.js';
import type { AttachmentRef } from '../port.js';
import { storedName, unitOf } from '../identity.js';
import { addressOf, reply, type Scope } from '../scope.js';
import { findTicketByCode, mayStart, performAction, say, type Origin, type RequestedAction } from '../workflow.js';

const COMMAND: Origin = { via: 'command' };

/** Splits "<code> <rest>" from a command's arguments. */
function codeAndRest(args: string): [string, string] {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(args);
  return m ? [m[1]!, m[2]!.trim()] : ['', ''];
}

async function withTicket(scope: Scope, args: string, run: (ticket: Ticket, rest: string) => Promise<unknown>): Promise<void> {
  const [code, rest] = codeAndRest(args);
  const ticket = await findTicketByCode(scope, code);
  if (ticket) await run(ticket, rest);
}

const attachmentsOf = (scope: Scope) => (scope.inbound.kind === 'message' ? scope.inbound.attachments : []);

export const claimCommand = (scope: Scope, args: string) => withTicket(scope, args, (t) => performAction(scope, t.id, { kind: 'claim' }, COMMAND));

/** /chuyen <code> [<department code>]: the workflow checks the department, as it does for the buttons. */
export const assignCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, async (t, rest) => {
    const dept = rest.split(/\s+/)[0] ?? '';
    if (!dept) return showDepartmentPicker(scope, t);
    return performAction(scope, t.id, { kind: 'assign', departmentCode: dept }, COMMAND);
  });

export const answerCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, (t, rest) => performAction(scope, t.id, { kind: 'answer', text: rest }, COMMAND, { attachments: attachmentsOf(scope) }));

export const returnCommand = (scope: Scope, args: string) => withTicket(scope, args, (t, rest) => performAction(scope, t.id, { kind: 'return_to_support', reason: rest }, COMMAND));

/** /giahan <code> <working days> <reason> */
export const extensionCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, (t, rest) => {
    const m = /^(\d{1,3})\s*(?:ngày)?\s*([\s\S]*)$/i.exec(rest);
    const days = m ? Number(m[1]) : 0;
    return performAction(scope, t.id, { kind: 'request_extension', workingDays: days, reason: m?.[2] ?? rest }, COMMAND);
  });

/**
 * /xong <code> [1|2|3 | Hài lòng | Tạm được | Chưa hài lòng]: confirms, and rates when an answer is
 * given. Once confirmed, the same command with an answer is the answer to the question asked then.
 * An answer that is none of the three changes nothing.
 */
export const confirmCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, async (t, rest) => {
    if (rest === '') return performAction(scope, t.id, { kind: 'confirm' }, COMMAND);
    const satisfaction = parseSatisfaction(rest);
    if (satisfaction === null) return reply(scope, scope.t('closure-invalid-choice', { code: t.code }));
    const action: RequestedAction = t.status === 'resolved' ? { kind: 'rate', satisfaction } : { kind: 'confirm', satisfaction };
    return performAction(scope, t.id, action, COMMAND);
  });
export const reopenCommand = (scope: Scope, args: string) => withTicket(scope, args, (t, rest) => performAction(scope, t.id, { kind: 'reopen', reason: rest }, COMMAND));
export const noteCommand = (scope: Scope, args: string) => withTicket(scope, args, (t, rest) => performAction(scope, t.id, { kind: 'note', text: rest }, COMMAND));
export const rejectCommand = (scope: Scope, args: string) => withTicket(scope, args, (t, rest) => performAction(scope, t.id, { kind: 'reject', reason: rest }, COMMAND));
export const centralCommand = (scope: Scope, args: string) => withTicket(scope, args, (t) => performAction(scope, t.id, { kind: 'flag_central', flagged: !t.flaggedCentral }, COMMAND));

/** /mucdo <code> khan|thuong|phuc_tap (diacritics and spaces forgiven: "phức tạp"). */
export const priorityCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, (t, rest) => {
    const p = foldVietnamese(rest).replace(/\s+/g, '_');
    if (!(PRIORITIES as readonly string[]).includes(p)) return showPriorityPicker(scope, t);
    return performAction(scope, t.id, { kind: 'set_priority', priority: p as Priority }, COMMAND);
  });

/** /gop <code> <parent code>: the first ticket becomes a duplicate of the second. */
export const mergeCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, async (t, rest) => {
    const parent = await findTicketByCode(scope, rest.split(/\s+/)[0] ?? '');
    if (!parent) return;
    return performAction(scope, t.id, { kind: 'merge', parent: { id: parent.id, status: parent.status, parentId: parent.parentId } }, COMMAND);
  });

/**
 * /phieu <code>: status in Vietnamese, department, deadline, timeline. Notes stay inside the support
 * team. Only the ticket's own units see it (findTicketByCode answers everyone else as for a missing code).
 */
export const statusCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, async (ticket) => {
    const { t, tx } = scope;
    const tz = scope.settings.timezone;
    const full = await tx.ticket.findUniqueOrThrow({
      where: { id: ticket.id },
      include: { commune: true, department: true, claimedBy: true, parent: true, children: { select: { code: true } }, events: { orderBy: { id: 'asc' } } },
    });
    const unit = unitOf(scope.chat, scope.person);
    const internal = scope.isAdmin || unit.role === 'support' || unit.role === 'leaders';
    const lines = [t('status-title', { code: full.code, commune: escapeHtml(full.commune.name) }), t('status-line', { status: t(`status-${full.status}`) })];
    if (full.department) lines.push(t('status-department', { department: escapeHtml(full.department.name) }));
    if (full.dueAt && isOpen(full.status)) {
      const state = dueState(full.dueAt, scope.now, scope.settings, calendarFrom(scope.settings));
      lines.push(t('status-deadline', { deadline: formatDateTime(full.dueAt, tz), due: t(state === 'ok' ? 'due-ok' : state === 'due_soon' ? 'due-soon' : 'due-overdue') }));
    }
    if (internal && full.claimedBy) lines.push(t('status-claimant', { name: nameText(full.claimedBy.displayName) }));
    if (full.parent) lines.push(t('status-parent', { parent: full.parent.code }));
    if (full.children.length) lines.push(t('status-children', { codes: full.children.map((c) => c.code).join(', ') }));
    lines.push('', userText(full.text), '', t('status-timeline'));
    for (const e of full.events) {
      if (e.kind === 'note' && !internal) continue;
      const label = t(eventLabelKey(e.kind as EventKind));
      const text = e.text && e.kind !== 'created' ? `: ${userText(e.text.length > 300 ? `${e.text.slice(0, 300)}…` : e.text)}` : '';
      lines.push(t('status-event', { at: formatDateTime(e.createdAt, tz), label, actor: e.actorLabel && internal ? ` (${nameText(e.actorLabel)})` : '', text }));
    }
    await reply(scope, lines.join('\n'), { ticketId: full.id, purpose: 'status' });
  });

const LIST_LIMIT = 30;

/** /ds: open tickets of this chat's unit (support team and leaders: all open tickets). */
export async function listCommand(scope: Scope): Promise<void> {
  const { t, tx } = scope;
  const unit = unitOf(scope.chat, scope.person);
  const open = { notIn: ['resolved', 'rejected'] as ('resolved' | 'rejected')[] };
  let where;
  if (unit.role === 'commune') where = { communeCode: unit.communeCode ?? '', status: open, parentId: null };
  else if (unit.role === 'department') where = { departmentCode: unit.departmentCode ?? '', status: { in: ['assigned', 'reopened'] as ('assigned' | 'reopened')[] } };
  else if (unit.role === 'support' || unit.role === 'leaders' || scope.isAdmin) where = { status: open, parentId: null };
  else return reply(scope, t('report-unlinked'));
  const [count, tickets] = await Promise.all([
    tx.ticket.count({ where }),
    tx.ticket.findMany({ where, include: { commune: true }, orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }], take: LIST_LIMIT }),
  ]);
  if (count === 0) return reply(scope, t('list-empty'));
  const cal = calendarFrom(scope.settings);
  const lines = [t('list-title', { count })];
  for (const tk of tickets) {
    let due = '';
    if (tk.dueAt && ['assigned', 'reopened'].includes(tk.status)) {
      const state = dueState(tk.dueAt, scope.now, scope.settings, cal);
      due = ` · ${formatDateTime(tk.dueAt, scope.settings.timezone)}${state === 'ok' ? '' : ` (${t(state === 'due_soon' ? 'due-soon' : 'due-overdue')})`}`;
    }
    lines.push(t('list-item', { code: tk.code, commune: escapeHtml(tk.commune.name), status: t(`status-${tk.status}`), due }));
  }
  if (count > tickets.length) lines.push(t('list-more', { count: count - tickets.length }));
  await reply(scope, lines.join('\n'));
}

/** /truongso <dept> <@username or name> (admin): who escalations name when the department is overdue. */
export async function departmentHeadCommand(scope: Scope, args: string): Promise<void> {
  if (!scope.isAdmin) return reply(scope, scope.t('link-not-admin'));
  const [code = '', ...rest] = args.trim().split(/\s+/);
  const head = rest.join(' ').trim();
  const dept = code ? await scope.tx.department.findUnique({ where: { code: code.toUpperCase() } }) : null;
  if (!dept || !head) return reply(scope, scope.t('head-usage'));
  await scope.tx.department.update({ where: { code: dept.code }, data: { headMention: head.slice(0, 100) } });
  await reply(scope, scope.t('head-set', { department: escapeHtml(dept.name), head: userText(head) }));
}

/** /truongnhom (admin, as a reply to a member's message in the support group): names the lead. */
export async function supportLeadCommand(scope: Scope): Promise<void> {
  if (!scope.isAdmin) return reply(scope, scope.t('link-not-admin'));
  const target = scope.inbound.kind === 'message' ? scope.inbound.replyTo : null;
  if (!target) return reply(scope, scope.t('lead-usage'));
  const displayName = storedName(target);
  const person = await scope.tx.person.upsert({
    where: { platform_externalUserId: { platform: target.platform, externalUserId: target.externalUserId } },
    create: { ...target, displayName, isSupportLead: true },
    update: { isSupportLead: true, displayName, username: target.username },
  });
  await reply(scope, scope.t('lead-set', { name: nameText(person.displayName) }));
}

/*
 * Pickers and prompts only ask for more, but they are posted in the chat: each asks the workflow
 * first, so whoever may not take the action is refused (the press answered, nothing posted).
 */

async function showDepartmentPicker(scope: Scope, ticket: Ticket, origin: Origin = COMMAND): Promise<void> {
  if (!(await mayStart(scope, ticket.id, 'assign', origin))) return;
  const depts = await scope.tx.department.findMany({ where: { active: true }, orderBy: { code: 'asc' } });
  const buttons = [];
  for (let i = 0; i < depts.length; i += 3) buttons.push(depts.slice(i, i + 3).map((d) => ({ text: d.code, data: `t:to:${ticket.id}:${d.code}` })));
  buttons.push([{ text: scope.t('btn-cancel'), data: `t:close:${ticket.id}` }]);
  await scope.out.send(addressOf(scope.chat), { html: scope.t('picker-department', { code: ticket.code }), choices: buttons }, { ticketId: ticket.id, purpose: 'picker', audience: scope.person.id });
  if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
}

async function showCategoryPicker(scope: Scope, ticket: Ticket, origin: Origin = COMMAND): Promise<void> {
  if (!(await mayStart(scope, ticket.id, 'set_category', origin))) return;
  const cats = await scope.tx.category.findMany({ orderBy: { sortOrder: 'asc' } });
  const buttons = [];
  for (let i = 0; i < cats.length; i += 2) buttons.push(cats.slice(i, i + 2).map((c) => ({ text: c.label.length > 30 ? `${c.label.slice(0, 29)}…` : c.label, data: `t:cat:${ticket.id}:${c.code}` })));
  await scope.out.send(addressOf(scope.chat), { html: scope.t('picker-category', { code: ticket.code }), choices: buttons }, { ticketId: ticket.id, purpose: 'picker', audience: scope.person.id });
  if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
}

/**
 * The support team sets (or corrects) the category. The classifier's suggestion stays on the
 * ticket, so each correction is kept as a labelled example for the corpus (npm run corpus:export).
 */
async function setCategory(scope: Scope, ticket: Ticket, code: string, origin: Origin): Promise<boolean> {
  if (!(await performAction(scope, ticket.id, { kind: 'set_category', categoryCode: code }, origin))) return false;
  // Routing usually follows the category: offer its department in one tap, if it takes tickets.
  const category = await scope.tx.category.findUnique({ where: { code }, include: { department: true } });
  const dept = category?.department;
  const now = await scope.tx.ticket.findUnique({ where: { id: ticket.id }, select: { departmentCode: true } });
  if (dept && !now?.departmentCode && departmentRefusal(dept.code, dept) === null) {
    await scope.out.send(
      addressOf(scope.chat),
      { html: scope.t('offer-route', { code: ticket.code, department: dept.code }), choices: [[{ text: `🏛 ${dept.code}`, data: `t:to:${ticket.id}:${dept.code}` }]] },
      { ticketId: ticket.id, purpose: 'picker', audience: scope.person.id },
    );
  }
  return true;
}

/** /linhvuc <code> <category code> */
export const categoryCommand = (scope: Scope, args: string) =>
  withTicket(scope, args, (t, rest) => {
    const code = foldVietnamese(rest).replace(/\s+/g, '_');
    if (!code) return showCategoryPicker(scope, t);
    return setCategory(scope, t, code, COMMAND);
  });

async function showPriorityPicker(scope: Scope, ticket: Ticket, origin: Origin = COMMAND): Promise<void> {
  if (!(await mayStart(scope, ticket.id, 'set_priority', origin))) return;
  const buttons = [PRIORITIES.map((p) => ({ text: scope.t(`priority-${p}`), data: `t:p_${p}:${ticket.id}` }))];
  await scope.out.send(addressOf(scope.chat), { html: scope.t('picker-priority', { code: ticket.code }), choices: buttons }, { ticketId: ticket.id, purpose: 'picker', audience: scope.person.id });
  if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
}

/**
 * Asks for text (a reason, an answer). The person's answer comes back as a reply to this message
 * (force reply) or, on channels without it, as their next message in the chat (a conversation step).
 */
async function prompt(scope: Scope, ticket: Ticket, kind: PromptKind, origin: Origin): Promise<void> {
  if (!(await mayStart(scope, ticket.id, PROMPT_ACTION[kind], origin))) return;
  await scope.out.send(
    addressOf(scope.chat),
    { html: scope.t(`prompt-${kind}`, { code: ticket.code }), prompt: { kind, ticketId: ticket.id } },
    { ticketId: ticket.id, purpose: `prompt:${kind}`, audience: scope.person.id },
  );
  if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
}

export const PROMPTS = ['reject', 'merge', 'answer', 'return', 'extension', 'reopen', 'note'] as const;
export type PromptKind = (typeof PROMPTS)[number];
/** The workflow action each prompt's answer will run. */
const PROMPT_ACTION: Record<PromptKind, ActionKind> = {
  reject: 'reject',
  merge: 'merge',
  answer: 'answer',
  return: 'return_to_support',
  extension: 'request_extension',
  reopen: 'reopen',
  note: 'note',
};

/** Button data: `t:<action>:<ticket id>[:<argument>]`; anything else is refused. */
const ButtonData = z
  .string()
  .max(64)
  .regex(/^t:([a-z_]{2,16}):(\d{1,9})(?::([A-Za-z0-9_]{1,24}))?$/)
  .transform((s) => {
    const [, action, id, arg] = /^t:([a-z_]+):(\d+)(?::([A-Za-z0-9_]+))?$/.exec(s)!;
    return { action: action!, ticketId: Number(id), arg: arg ?? null };
  });

/**
 * A choice: a button pressed, or a number typed for a numbered menu. The data is untrusted: it must
 * parse, and a pressed button must be on a message the bot sent to this very chat for this very
 * ticket, so forged or foreign data does nothing (a typed number was mapped through a menu stored
 * for this chat and person, which is proof enough). A used menu stops being pressable.
 */
export async function pressChoice(scope: Scope, data: string, origin: Origin, pressedMessageId?: string): Promise<void> {
  const stale = () => say(scope, scope.t('button-stale'), origin, { alert: true });
  const parsed = ButtonData.safeParse(data);
  if (!parsed.success) return stale();
  const { action, ticketId, arg } = parsed.data;
  let pressed: { purpose: string | null } | null = null;
  if (origin.via === 'button') {
    // A platform normally says which message was pressed; without it, the chat must at least have been
    // sent something about this ticket. The sender records delivered messages in batches a moment
    // after the platform took them, so a press that quick is bound by chat and ticket to a message
    // delivered in the last minute. One statement: the batch's commit cannot fall between two reads.
    const candidates = await scope.tx.outboundMessage.findMany({
      where: {
        platform: scope.chat.platform,
        chatExternalId: scope.chat.externalId,
        ticketId,
        OR: pressedMessageId ? [{ sentMessageId: pressedMessageId }, { sentMessageId: null, createdAt: { gt: new Date(Date.now() - 60_000) } }] : [{ status: 'sent' }],
      },
      select: { purpose: true, sentMessageId: true },
      orderBy: { id: 'desc' },
      take: 50,
    });
    const exact = pressedMessageId ? candidates.find((c) => c.sentMessageId === pressedMessageId) : candidates[0];
    if (exact) pressed = { purpose: exact.purpose };
    if (!pressed && action === 'card' && pressedMessageId) pressed = await summaryListing(scope, pressedMessageId, ticketId);
    // Which of the messages not yet recorded was pressed is not known: its buttons are left alone.
    if (!pressed && candidates.length > 0) pressed = { purpose: 'card:unknown' };
    if (!pressed) return stale();
  }
  const ticket = await scope.tx.ticket.findUnique({ where: { id: ticketId } });
  if (!ticket) return stale();
  const done = await dispatchChoice(scope, ticket, action, arg, origin);
  // A picker or an answer's "Đồng ý / Chưa đồng ý" did its work: take its buttons away so it cannot
  // be pressed again. Cards are kept current by their own refresh.
  if (done && origin.via === 'button' && pressedMessageId && !pressed?.purpose?.startsWith('card:')) {
    await scope.out.clearButtons(addressOf(scope.chat), pressedMessageId, ticketId);
  }
}

/** Runs a parsed choice; true when it changed the ticket. */
async function dispatchChoice(scope: Scope, ticket: Ticket, action: string, arg: string | null, origin: Origin): Promise<boolean> {
  const ticketId = ticket.id;
  const stale = async () => {
    await say(scope, scope.t('button-stale'), origin, { alert: true });
    return false;
  };
  const act = (a: RequestedAction) => performAction(scope, ticketId, a, origin);
  switch (action) {
    case 'claim':
      return act({ kind: 'claim' });
    case 'assign':
      await showDepartmentPicker(scope, ticket, origin);
      return false;
    case 'to':
      if (!arg) return stale();
      return act({ kind: 'assign', departmentCode: arg });
    case 'prio':
      await showPriorityPicker(scope, ticket, origin);
      return false;
    case 'cat':
      if (arg) return setCategory(scope, ticket, arg, origin);
      await showCategoryPicker(scope, ticket, origin);
      return false;
    case 'p_khan':
    case 'p_thuong':
    case 'p_phuc_tap':
      return act({ kind: 'set_priority', priority: action.slice(2) as Priority });
    case 'central':
      return act({ kind: 'flag_central', flagged: true });
    case 'central_off':
      return act({ kind: 'flag_central', flagged: false });
    case 'snooze':
      return act({ kind: 'snooze' });
    case 'confirm':
      return act({ kind: 'confirm' });
    case 'sat': {
      // The question's answers are numbered 1–3 in the order they are offered.
      const satisfaction = arg !== null && /^[1-3]$/.test(arg) ? SATISFACTIONS[Number(arg) - 1]! : null;
      if (satisfaction === null) return stale();
      return act({ kind: 'rate', satisfaction });
    }
    case 'ext_yes':
      return act({ kind: 'decide_extension', approve: true });
    case 'ext_no':
      return act({ kind: 'decide_extension', approve: false });
    case 'close':
      if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
      return true;
    case 'card':
      // A ticket listed in a burst summary: its full card, with its actions, in this chat.
      return openCard(scope, ticket, origin);
    case 'reject':
    case 'merge':
    case 'answer':
    case 'return':
    case 'reopen':
    case 'note':
      await prompt(scope, ticket, action, origin);
      return false;
    case 'ext':
      await prompt(scope, ticket, 'extension', origin);
      return false;
    default:
      return stale();
  }
}

/** The burst summary pressed, when it lists this ticket (its buttons name tickets it is not "for"). */
async function summaryListing(scope: Scope, messageId: string, ticketId: number): Promise<{ purpose: string | null } | null> {
  const row = await scope.tx.outboundMessage.findFirst({
    where: { platform: scope.chat.platform, chatExternalId: scope.chat.externalId, sentMessageId: messageId, method: 'summary' },
    select: { purpose: true, payload: true },
  });
  const summaryId = (row?.payload as { summaryId?: string } | undefined)?.summaryId;
  if (!row || !summaryId) return null;
  const summary = await scope.tx.supportSummary.findUnique({ where: { id: BigInt(summaryId) }, select: { ticketIds: true } });
  return summary?.ticketIds.includes(ticketId) ? { purpose: row.purpose } : null;
}

/** Posts a ticket's card in this chat (from a burst summary), for the role the chat has. */
async function openCard(scope: Scope, ticket: Ticket, origin: Origin): Promise<boolean> {
  const role = unitOf(scope.chat, scope.person).role;
  if (role !== 'support' && !scope.isAdmin) {
    await say(scope, scope.t('button-stale'), origin, { alert: true });
    return false;
  }
  await scope.out.card(addressOf(scope.chat), ticket.id, 'support');
  if (origin.via === 'button') await scope.out.answerAction(addressOf(scope.chat), origin.actionId, null);
  return false;
}

/** Messages whose replies are a department's written answer. */
const ANSWER_PURPOSES: readonly string[] = ['card:department', 'dept-notice', 'dept-files'];

/** Whether people answer a message of this purpose by replying to it (a prompt, a department's card). */
export function answeredByReply(purpose: string): boolean {
  return ANSWER_PURPOSES.includes(purpose) || purpose.startsWith('prompt:');
}

/**
 * A reply to one of the bot's messages: the answer to a department card, or the text a prompt
 * asked for. Returns false when the replied-to message is not one that expects text.
 */
export async function handleReply(scope: Scope): Promise<boolean> {
  const inbound = scope.inbound;
  if (inbound.kind !== 'message' || !inbound.replyToMessageId || inbound.command) return false;
  const source = await scope.tx.outboundMessage.findFirst({
    where: { platform: scope.chat.platform, chatExternalId: scope.chat.externalId, sentMessageId: inbound.replyToMessageId, ticketId: { not: null } },
    orderBy: { id: 'desc' },
  });
  if (!source?.ticketId || !source.purpose || !answeredByReply(source.purpose)) return false;
  const purpose = source.purpose;
  // Replying to the department's card or notice is the written answer, like the answer prompt.
  const kind = ANSWER_PURPOSES.includes(purpose) ? 'answer' : purpose.slice('prompt:'.length);
  if (!kind || !(PROMPTS as readonly string[]).includes(kind)) return false;
  await answerPrompt(scope, kind as PromptKind, source.ticketId, inbound.text, inbound.attachments);
  return true;
}

/** The text a prompt asked for, however it came (a reply, or the next message), applied to its ticket. */
export async function answerPrompt(scope: Scope, kind: PromptKind, ticketId: number, raw: string, attachments: AttachmentRef[] = []): Promise<void> {
  const text = raw.trim();
  switch (kind) {
    case 'answer':
      await performAction(scope, ticketId, { kind: 'answer', text }, COMMAND, { attachments });
      return;
    case 'reject':
      await performAction(scope, ticketId, { kind: 'reject', reason: text }, COMMAND);
      return;
    case 'return':
      await performAction(scope, ticketId, { kind: 'return_to_support', reason: text }, COMMAND);
      return;
    case 'reopen':
      await performAction(scope, ticketId, { kind: 'reopen', reason: text }, COMMAND);
      return;
    case 'note':
      await performAction(scope, ticketId, { kind: 'note', text }, COMMAND);
      return;
    case 'extension': {
      const m = /^(\d{1,3})\s*(?:ngày)?\s*([\s\S]*)$/i.exec(text);
      await performAction(scope, ticketId, { kind: 'request_extension', workingDays: m ? Number(m[1]) : 0, reason: m?.[2] ?? text }, COMMAND);
      return;
    }
    case 'merge': {
      const parent = await findTicketByCode(scope, text.split(/\s+/)[0] ?? '');
      if (!parent) return;
      await performAction(scope, ticketId, { kind: 'merge', parent: { id: parent.id, status: parent.status, parentId: parent.parentId } }, COMMAND);
      return;
    }
  }
}
