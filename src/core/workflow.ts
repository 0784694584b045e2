import type { Tx } from '../db/client.js';
import { deadlineFor } from '../domain/reminder-policy.js';
import { satisfactionLabelKey } from '../domain/satisfaction.js';
import {
  decide,
  eventLabelKey,
  maySee,
  refusalBeforePayload,
  refusalMessageKey,
  type ActionKind,
  type Actor,
  type Allowed,
  type Effect,
  type Refused,
  type TicketAction,
  type TicketExpectation,
  type TicketView as WorkflowTicket,
  workflowView,
} from '../domain/ticket-workflow.js';
import type { Prisma, Ticket } from '../generated/prisma/client.js';
import { calendarFrom } from '../settings.js';
import type { AttachmentRef, OutboundButton } from './port.js';
import { unitOf } from './identity.js';
import { communeAnswerButtons, satisfactionButtons } from './cards.js';
import { rescheduleReminder } from './reminders.js';
import { attachmentRefOf, chatsWithRole, departmentChats, refreshCards, storeAttachments, supportLeadMentions } from './tickets.js';
import { formatTicketCode, parseTicketCode } from '../domain/ticket-code.js';
import { formatDateTime } from './presentation/dates.js';
import { escapeHtml, htmlToPlain, nameText, userText } from './presentation/markup.js';
import { addressOf, reply, type Scope } from './scope.js';

/**
 * How an action arrived: a typed command, a button press (answered as the press's notice), a
 * number typed for a numbered menu, or the web desk (which collects what would have been said).
 */
export type Origin = { via: 'command' } | { via: 'button'; actionId: string } | { via: 'choice' } | { via: 'web'; notices: string[] };

/**
 * An action as a handler asks for it. Assign and set_category name a code; the workflow looks it up
 * (`resolveTargets`) so every path — /chuyen, the buttons, the category's offer, auto-routing —
 * meets the domain's one rule for unknown and inactive departments.
 */
export type RequestedAction =
  | Exclude<TicketAction, { kind: 'assign' } | { kind: 'set_category' }>
  | { kind: 'assign'; departmentCode: string }
  | { kind: 'set_category'; categoryCode: string };

export const withRelations = {
  department: true,
  commune: true,
  children: { select: { id: true, communeCode: true, sourceChatId: true, code: true, status: true } },
} satisfies Prisma.TicketInclude;
type LoadedTicket = Prisma.TicketGetPayload<{ include: typeof withRelations }>;

/** The workflow actor for whoever sent this event, from the chat it came from. */
export function actorFor(scope: Scope): Actor {
  const unit = unitOf(scope.chat, scope.person);
  const personId = scope.person.id;
  switch (unit.role) {
    case 'support':
      return { kind: scope.isAdmin ? 'admin' : scope.person.isSupportLead ? 'support_lead' : 'support', personId };
    case 'department':
      return { kind: 'department', personId, departmentCode: unit.departmentCode ?? '' };
    case 'commune':
      return { kind: 'commune', personId, communeCode: unit.communeCode ?? '' };
    case 'leaders':
      return { kind: scope.isAdmin ? 'admin' : 'leader', personId };
    default:
      // An admin may act from anywhere (a private chat included); anyone else here is a stranger.
      return scope.isAdmin ? { kind: 'admin', personId } : { kind: 'outsider', personId };
  }
}

/** The ticket as the workflow judges it at this event's moment (an auto-close's window is read off `now`). */
export function toWorkflowTicket(t: LoadedTicket, now: Date): WorkflowTicket {
  return workflowView(t, now);
}

/**
 * Finds a ticket by a typed code (`HY-0012`, `hy-12`, `12`) among those the sender may see;
 * replies when it cannot. A ticket outside the sender's units gets the very answer a missing code
 * gets, so no chat can learn which codes exist (and so how many tickets the province has).
 */
export async function findTicketByCode(scope: Scope, raw: string): Promise<Ticket | null> {
  const prefix = scope.config.TICKET_PREFIX;
  const n = parseTicketCode(raw, prefix);
  if (n === null) {
    await say(scope, scope.t('ticket-code-required', { example: formatTicketCode(prefix, 1) }));
    return null;
  }
  const code = formatTicketCode(prefix, n);
  const ticket = await scope.tx.ticket.findUnique({ where: { code }, include: withRelations });
  if (!ticket || !maySee(toWorkflowTicket(ticket, scope.now), actorFor(scope))) {
    await say(scope, scope.t('ticket-not-found-for-you', { code }));
    return null;
  }
  const { department: _d, commune: _c, children: _ch, ...row } = ticket;
  return row;
}

/**
 * Asks the workflow whether the sender may start `kind` on the ticket before anything is shown
 * for it (a prompt for a reason, a picker): a refusal answers the press exactly as the action itself
 * would, and nothing is posted in the chat. True when allowed.
 */
export async function mayStart(scope: Scope, ticketId: number, kind: ActionKind, origin: Origin): Promise<boolean> {
  const ticket = await scope.tx.ticket.findUnique({ where: { id: ticketId }, include: withRelations });
  if (!ticket) {
    await say(scope, scope.t('button-stale'), origin, { alert: true });
    return false;
  }
  const refused = refusalBeforePayload(toWorkflowTicket(ticket, scope.now), kind, actorFor(scope));
  if (!refused) return true;
  await say(scope, await refusalText(scope, ticket.code, refused), origin, { alert: true });
  return false;
}

/** Looks up the department or category an action names, for the domain to judge. */
async function resolveTargets(tx: Tx, action: RequestedAction): Promise<TicketAction> {
  if (action.kind === 'assign') {
    const code = action.departmentCode.trim().toUpperCase();
    const found = code === '' ? null : await tx.department.findUnique({ where: { code } });
    return { kind: 'assign', departmentCode: code, department: found ? { code: found.code, active: found.active } : null };
  }
  if (action.kind === 'set_category') {
    const found = await tx.category.findUnique({ where: { code: action.categoryCode } });
    return {
      kind: 'set_category',
      categoryCode: action.categoryCode,
      category: found ? { code: found.code, label: found.label, flagCentral: found.flagCentral } : null,
    };
  }
  return action;
}

/** Replies in the chat for a command, or as the little notice of a button press. */
export async function say(scope: Scope, html: string, origin: Origin = { via: 'command' }, opts: { alert?: boolean } = {}): Promise<void> {
  if (origin.via === 'button') {
    // A press's notice shows at most 200 characters, as plain text.
    await scope.out.answerAction(addressOf(scope.chat), origin.actionId, htmlToPlain(html).slice(0, 200), opts.alert ?? false);
    return;
  }
  if (origin.via === 'web') {
    origin.notices.push(html);
    return;
  }
  await reply(scope, html);
}

function expectationWhere(expect: TicketExpectation): Prisma.TicketWhereInput {
  const where: Prisma.TicketWhereInput = {};
  for (const [k, v] of Object.entries(expect)) (where as Record<string, unknown>)[k] = v;
  return where;
}

async function refusalText(scope: Scope, code: string, refused: Refused): Promise<string> {
  const d = refused.detail ?? {};
  const args: Record<string, string | number> = { code };
  if (typeof d.claimedById === 'string') {
    const p = await scope.tx.person.findUnique({ where: { id: d.claimedById } });
    args.name = nameText(p?.displayName ?? '?');
  }
  if (typeof d.departmentCode === 'string') {
    args.department = userText(d.departmentCode);
    // The refusal lists what would have worked, as /lienket so does.
    const active = await scope.tx.department.findMany({ where: { active: true }, orderBy: { code: 'asc' }, select: { code: true } });
    args.codes = active.map((x) => x.code).join(', ');
  }
  if (typeof d.categoryCode === 'string') args.category = userText(d.categoryCode);
  if (typeof d.status === 'string') args.status = scope.t(`status-${d.status}`);
  if (typeof d.max === 'number') args.max = d.max;
  if (d.until instanceof Date) args.until = formatDateTime(d.until, scope.settings.timezone);
  if (typeof d.parentTicketId === 'number' || typeof d.rootTicketId === 'number') {
    const id = (d.rootTicketId ?? d.parentTicketId) as number;
    const parent = await scope.tx.ticket.findUnique({ where: { id } });
    args.parent = parent?.code ?? String(id);
  }
  return scope.t(refusalMessageKey(refused.reason), args);
}

export interface ActionExtras {
  /** Files sent with an answer. */
  attachments?: AttachmentRef[];
  /** Acting as someone other than the sender (the system, when a report is routed automatically). */
  actor?: Actor;
  /** Say nothing back to the sender (the caller already did, or nobody asked); a refusal is only logged. */
  silent?: boolean;
}

/**
 * Runs one workflow action: the domain decides, the database applies it as a conditional update
 * (so two people acting at once cannot both win), the audit trail records it, and each effect
 * becomes messages in the outbox — all in the caller's transaction.
 */
export async function performAction(scope: Scope, ticketId: number, requested: RequestedAction, origin: Origin, extras: ActionExtras = {}): Promise<boolean> {
  const { tx } = scope;
  const action = await resolveTargets(tx, requested);
  for (let attempt = 0; attempt < 2; attempt++) {
    const ticket = await tx.ticket.findUnique({ where: { id: ticketId }, include: withRelations });
    if (!ticket) {
      await say(scope, scope.t('ticket-not-found', { code: String(ticketId) }), origin);
      return false;
    }
    const actor = extras.actor ?? actorFor(scope);
    const decision = decide(toWorkflowTicket(ticket, scope.now), action, actor);
    if (!decision.ok) {
      // A silent caller (auto-routing) has nobody to tell: the ticket simply stays with the support team.
      if (extras.silent) scope.logger.info({ ticket: ticket.code, action: action.kind, reason: decision.reason }, 'workflow action refused');
      else await say(scope, await refusalText(scope, ticket.code, decision), origin, { alert: true });
      return false;
    }
    const suggested = ticket.suggestedCategory ? await tx.category.findUnique({ where: { code: ticket.suggestedCategory } }) : null;
    const data = fieldUpdates(scope, ticket, decision, action, suggested?.departmentCode ?? null);
    const updated = await tx.ticket.updateMany({ where: { id: ticket.id, ...expectationWhere(decision.expect) }, data });
    if (updated.count === 0) continue; // changed under us: decide again on the fresh row
    if (action.kind === 'merge') {
      // Merges stay one level deep: the child's own children move to the parent.
      await tx.ticket.updateMany({ where: { parentId: ticket.id }, data: { parentId: action.parent.id } });
    }
    const event = await tx.ticketEvent.create({
      data: {
        ticketId: ticket.id,
        actorId: actor.personId,
        actorLabel: actor.kind === 'system' ? 'Tháo gỡ' : origin.via === 'web' ? `${scope.person.displayName} (qua web)` : scope.person.displayName,
        kind: decision.event.kind,
        fromStatus: decision.from,
        toStatus: decision.to,
        text: decision.event.text,
        data: eventData(ticket, decision, origin),
        createdAt: scope.now,
      },
    });
    for (const more of decision.alsoRecord) {
      await tx.ticketEvent.create({
        data: {
          ticketId: ticket.id,
          actorId: actor.personId,
          actorLabel: event.actorLabel,
          kind: more.kind,
          fromStatus: decision.to,
          toStatus: decision.to,
          text: more.text,
          data: (origin.via === 'web' ? { ...(more.data ?? {}), via: 'web' } : more.data) as Prisma.InputJsonValue | undefined,
          createdAt: scope.now,
        },
      });
    }
    // The files travel on as the stored rows, so a copy fetched for another platform is kept once.
    if (extras.attachments?.length) extras = { ...extras, attachments: await storeAttachments(tx, ticket.id, event.id, extras.attachments, scope.chat.platform) };
    const after = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: withRelations });
    await applyEffects(scope, before(ticket), after, decision, action, extras);
    scope.out.wakeAt(await rescheduleReminder(tx, ticket.id, scope.settings));
    if (!extras.silent) await acknowledge(scope, after, decision, origin);
    return true;
  }
  await say(scope, scope.t('error-generic'), origin);
  return false;
}

/** The event's data; a category change also keeps the classifier's suggestion, so each correction is a labelled example. */
/** What the event records besides its text; an action taken on the web desk says so (`via: "web"`). */
function eventData(t: LoadedTicket, d: Allowed, origin: Origin): Prisma.InputJsonValue | undefined {
  const via = origin.via === 'web' ? { via: 'web' } : {};
  if (d.action === 'set_category') return { ...d.event.data, ...via, suggested: t.suggestedCategory, confidence: t.suggestedConfidence } as Prisma.InputJsonValue;
  if (origin.via === 'web') return { ...(d.event.data ?? {}), ...via } as Prisma.InputJsonValue;
  return (d.event.data ?? undefined) as Prisma.InputJsonValue | undefined;
}

function before(t: LoadedTicket) {
  return { departmentCode: t.departmentCode, department: t.department, status: t.status };
}

/** Column updates besides the domain's own `changes`: timestamps, deadlines, extension data. */
function fieldUpdates(scope: Scope, t: LoadedTicket, d: Allowed, action: TicketAction, suggestedDepartment: string | null): Prisma.TicketUncheckedUpdateManyInput {
  const now = scope.now;
  const cal = calendarFrom(scope.settings);
  // `confirmed` and the window are the domain's readings of columns, written below as timestamps.
  const { confirmed: _confirmed, reopenWindow: _window, reopenableUntil: _until, ...columns } = d.changes;
  const data: Prisma.TicketUncheckedUpdateManyInput = { ...columns, status: d.to, updatedAt: now };
  switch (action.kind) {
    case 'claim':
    case 'unclaim':
      // Whoever holds the ticket now is reminded from scratch, not from the previous holder's nudges.
      if (action.kind === 'claim') data.claimedAt = now;
      data.lastNudgeAt = null;
      break;
    case 'assign':
      data.assignedAt = now;
      if (!t.categoryCode && t.suggestedCategory && suggestedDepartment === action.departmentCode) data.categoryCode = t.suggestedCategory;
      data.dueAt = deadlineFor(now, t.priority, scope.settings, cal);
      data.escalationStep = 0;
      data.snoozedUntil = null;
      data.lastDepartmentReminderAt = null;
      if (!t.claimedAt && d.changes.claimedById) data.claimedAt = now;
      break;
    case 'set_priority':
      if (t.assignedAt && (t.status === 'assigned' || t.status === 'reopened')) data.dueAt = deadlineFor(t.assignedAt, action.priority, scope.settings, cal);
      break;
    case 'answer':
      data.answeredAt = now;
      if (!t.firstAnsweredAt) data.firstAnsweredAt = now;
      break;
    case 'reopen':
      // The department owes a new answer, on a fresh deadline from now; an auto-close is undone.
      data.assignedAt = now;
      data.resolvedAt = null;
      data.autoClosedAt = null;
      data.reopenableUntil = null;
      data.dueAt = deadlineFor(now, t.priority, scope.settings, cal);
      data.escalationStep = 0;
      data.snoozedUntil = null;
      data.lastDepartmentReminderAt = null;
      break;
    case 'confirm':
      data.resolvedAt = now;
      data.confirmedAt = now;
      break;
    case 'request_extension':
      data.extensionDays = action.workingDays;
      data.extensionReason = action.reason.trim();
      break;
    case 'decide_extension':
      if (action.approve && t.dueAt && t.extensionDays) {
        data.dueAt = cal.addWorking(t.dueAt, { days: t.extensionDays, minutes: 0 });
        data.escalationStep = 0;
      }
      data.extensionDays = null;
      break;
    case 'snooze':
      data.snoozedUntil = cal.addWorking(now, scope.settings.reminders.snoozeMax);
      break;
    case 'return_to_support':
      data.dueAt = null;
      data.assignedAt = null;
      data.lastNudgeAt = null;
      break;
    default:
      break;
  }
  return data;
}

function deadlineText(scope: Scope, at: Date | null): string {
  return at ? formatDateTime(at, scope.settings.timezone) : '—';
}

/** Where a ticket's commune hears about it: the chat it came from and the commune's groups. */
async function communeChats(tx: Tx, t: LoadedTicket) {
  const sourceIds = [t.sourceChatId, ...t.children.map((c) => c.sourceChatId)].filter((x): x is string => !!x);
  const communes = [t.communeCode, ...t.children.map((c) => c.communeCode)];
  const chats = await tx.chat.findMany({
    where: { active: true, OR: [{ id: { in: sourceIds } }, { role: 'commune', kind: 'group', communeCode: { in: communes } }] },
  });
  return chats;
}

async function applyEffects(
  scope: Scope,
  prev: ReturnType<typeof before>,
  t: LoadedTicket,
  d: Allowed,
  action: TicketAction,
  extras: ActionExtras,
): Promise<void> {
  const { tx, out, t: tr } = scope;
  const deptName = escapeHtml(t.department?.name ?? t.departmentCode ?? '');
  const deadline = deadlineText(scope, t.dueAt);
  const reason = userText(d.event.text ?? '');
  for (const effect of d.effects as Effect[]) {
    switch (effect.kind) {
      case 'notify_department': {
        const chats = await departmentChats(tx, effect.departmentCode);
        const isCurrent = effect.departmentCode === t.departmentCode && (t.status === 'assigned' || t.status === 'reopened' || t.status === 'answered');
        for (const chat of chats) {
          const to = addressOf(chat);
          if (!isCurrent) {
            const text = action.kind === 'assign' ? tr('notice-department-transferred-away', { code: t.code }) : tr('notice-department-closed', { code: t.code, reason: tr(`status-${t.status}`) });
            await out.send(to, { html: text }, { ticketId: t.id, purpose: 'dept-notice' });
          } else if (action.kind === 'reopen') {
            await out.send(to, { html: tr('notice-department-reopened', { code: t.code, reason, deadline }) }, { ticketId: t.id, purpose: 'dept-notice' });
            await out.card(to, t.id, 'department');
          } else if (action.kind === 'decide_extension') {
            const decision = action.approve ? tr('event-extension_approved') : tr('event-extension_denied');
            await out.send(to, { html: tr('notice-department-extension', { code: t.code, decision, deadline }) }, { ticketId: t.id, purpose: 'dept-notice' });
          } else {
            await out.send(to, { html: tr('notice-department-new', { code: t.code, commune: escapeHtml(t.commune.name), deadline }) }, { ticketId: t.id, purpose: 'dept-notice' });
            await out.card(to, t.id, 'department');
            const files = await tx.attachment.findMany({ where: { ticketId: t.id, event: { kind: 'created' } } });
            if (files.length) {
              await out.send(to, { html: tr('notice-attachments', { code: t.code }), attachments: files.map(attachmentRefOf) }, { ticketId: t.id, purpose: 'dept-files' });
            }
          }
        }
        break;
      }
      case 'notify_communes': {
        const chats = await communeChats(tx, t);
        let html: string;
        let choices: OutboundButton[][] | undefined;
        let attachments: AttachmentRef[] | undefined;
        switch (action.kind) {
          case 'answer': {
            html = tr('notice-commune-answer', { code: t.code, department: deptName, text: userText(d.event.text ?? '') });
            choices = communeAnswerButtons(tr, t.id);
            attachments = extras.attachments;
            break;
          }
          case 'assign':
            html = tr('notice-commune-assigned', { code: t.code, department: deptName, deadline });
            break;
          case 'merge': {
            const parent = await tx.ticket.findUniqueOrThrow({ where: { id: action.parent.id } });
            html = tr('notice-commune-merged', { code: t.code, parent: parent.code });
            break;
          }
          case 'escalate_central':
            html = tr('notice-commune-escalated', { code: t.code });
            break;
          case 'reject':
            html = tr('notice-commune-rejected', { code: t.code, reason });
            break;
          default:
            // The commune itself acted (confirm): its acknowledgement is enough.
            continue;
        }
        for (const chat of chats) {
          await out.send(addressOf(chat), { html, ...(choices ? { choices } : {}), ...(attachments?.length ? { attachments } : {}) }, { ticketId: t.id, purpose: `commune-${action.kind}` });
        }
        break;
      }
      case 'notify_support': {
        let html: string | null = null;
        if (action.kind === 'return_to_support') html = tr('notice-support-returned', { code: t.code, department: escapeHtml(prev.department?.name ?? prev.departmentCode ?? ''), reason });
        else if (action.kind === 'answer') html = tr('notice-support-answered', { code: t.code, department: deptName });
        else if (action.kind === 'reopen') html = tr('notice-support-reopened', { code: t.code, department: deptName, reason });
        else if (action.kind === 'confirm') html = tr('notice-support-confirmed', { code: t.code });
        else if (action.kind === 'assign') html = tr('notice-support-auto-routed', { code: t.code, department: deptName });
        if (html) for (const chat of await chatsWithRole(tx, 'support')) await out.send(addressOf(chat), { html }, { ticketId: t.id, purpose: 'support-notice' });
        break;
      }
      case 'notify_support_lead': {
        if (action.kind !== 'request_extension') break;
        const html = tr('notice-support-extension', { code: t.code, department: deptName, days: action.workingDays, reason, leads: await supportLeadMentions(tx, tr) });
        const choices = [[{ text: tr('btn-approve-extension'), data: `t:ext_yes:${t.id}` }, { text: tr('btn-deny-extension'), data: `t:ext_no:${t.id}` }]];
        for (const chat of await chatsWithRole(tx, 'support')) await out.send(addressOf(chat), { html, choices }, { ticketId: t.id, purpose: 'extension-request' });
        break;
      }
      case 'update_cards':
        await refreshCards(tx, out, t.id);
        if (action.kind === 'merge') await refreshCards(tx, out, action.parent.id);
        break;
      default:
        // Deadlines are set with the fields; reminder effects are handled by the reminder scheduler.
        break;
    }
  }
}

async function acknowledge(scope: Scope, t: LoadedTicket, d: Allowed, origin: Origin): Promise<void> {
  const tr = scope.t;
  const code = t.code;
  const department = escapeHtml(t.department?.name ?? t.departmentCode ?? '');
  const deadline = deadlineText(scope, t.dueAt);
  const texts: Record<string, string> = {
    claimed: tr('done-claimed', { code, name: nameText(scope.person.displayName) }),
    unclaimed: tr('done-unclaimed', { code }),
    assigned: tr('done-assigned', { code, department, deadline }),
    transferred: tr('done-transferred', { code, department, deadline }),
    priority_changed: tr('done-priority', { code, priority: tr(`priority-${t.priority}`) }),
    category_changed: tr('done-category', { code, category: escapeHtml(d.event.text ?? '') }),
    central_flagged: tr('done-central-on', { code }),
    central_unflagged: tr('done-central-off', { code }),
    rejected: tr('done-rejected', { code }),
    merged: tr('done-merged', { code, parent: t.parentId ? ((await scope.tx.ticket.findUnique({ where: { id: t.parentId } }))?.code ?? '') : '' }),
    escalated_central: tr('done-escalated', { code }),
    note: tr('done-note', { code }),
    answered: tr('done-answered', { code }),
    answer_supplemented: tr('done-answered', { code }),
    returned: tr('done-returned', { code }),
    extension_requested: tr('done-extension-requested', { code, days: t.extensionDays ?? 0 }),
    extension_approved: tr('done-extension-approved', { code, deadline }),
    extension_denied: tr('done-extension-denied', { code }),
    snoozed: tr('done-snoozed', { code }),
    confirmed: tr('done-confirmed', { code }),
    satisfaction_recorded: t.satisfaction ? tr('closure-thanks', { code, answer: tr(satisfactionLabelKey(t.satisfaction)) }) : tr('event-satisfaction_recorded'),
    reopened: tr('done-reopened', { code, department }),
  };
  const text = texts[d.event.kind] ?? tr(eventLabelKey(d.event.kind));
  if (d.event.kind === 'confirmed') return acknowledgeConfirmation(scope, t, text, origin);
  // A press and a web action are answered where they happened (the notice, the page).
  if (origin.via === 'button' || origin.via === 'web') {
    await say(scope, text, origin);
    // In a group, everyone should see who did what, not only the person who pressed.
    if (['claimed', 'assigned', 'transferred', 'rejected', 'merged', 'answered', 'confirmed', 'satisfaction_recorded', 'extension_approved', 'extension_denied'].includes(d.event.kind)) {
      await reply(scope, text, { quote: false, ticketId: t.id, purpose: 'ack' });
    }
  } else {
    await reply(scope, text, { ticketId: t.id, purpose: 'ack' });
  }
}

/**
 * A confirmation is answered with the one satisfaction question (its three answers as choices),
 * or, when the rating came with it (`/xong HY-0001 2`), with the thanks for both. In a group the
 * message is posted for everyone, as for other acknowledged presses.
 */
async function acknowledgeConfirmation(scope: Scope, t: LoadedTicket, done: string, origin: Origin): Promise<void> {
  const tr = scope.t;
  const thanks = t.satisfaction ? tr('closure-thanks', { code: t.code, answer: tr(satisfactionLabelKey(t.satisfaction)) }) : null;
  // The web desk shows what was done on its page; it offers the rating there (a `rate` action).
  if (origin.via === 'web') return say(scope, thanks ? `${done}\n${thanks}` : done, origin);
  if (origin.via === 'button') await say(scope, done, origin);
  const quote = origin.via !== 'button';
  if (thanks) {
    await reply(scope, `${done}\n${thanks}`, { quote, ticketId: t.id, purpose: 'ack' });
    return;
  }
  const question = [done, '', tr('closure-question', { code: t.code }), tr('closure-question-typed', { code: t.code })].join('\n');
  await reply(scope, question, { quote, ticketId: t.id, purpose: 'closure-question', choices: satisfactionButtons(tr, t.id) });
}

