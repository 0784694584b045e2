/**
 * The ticket state machine: the one place that decides who may do what to a ticket in which state.
 *
 * `decide` is pure and deterministic. Handlers call it with what they read from the database, then
 * persist the result with a conditional update that matches `expect` (e.g. claim = update where the
 * status is still `new`/`returned` and nobody holds it), so two concurrent taps cannot both win: the
 * loser re-reads the ticket and calls `decide` again, which now refuses with the right reason.
 *
 * Transitions (any other state × action is refused):
 *
 *   claim              new, returned                                   → claimed
 *   unclaim            claimed                                         → new
 *   assign             new, claimed, returned, escalated_central       → assigned  (route)
 *                      assigned, reopened                              → assigned  (transfer)
 *   reject / merge     new, claimed, returned, assigned, reopened,
 *                      escalated_central                               → rejected
 *   escalate_central   every open state except escalated_central       → escalated_central
 *   answer             assigned, reopened                              → answered
 *                      answered                                        → answered  (supplementary answer)
 *   return_to_support  assigned, reopened                              → returned
 *   confirm            answered                                        → resolved  (optionally with the rating)
 *   rate               resolved, confirmed by a commune, not yet rated → unchanged
 *   reopen             answered                                        → reopened
 *                      resolved by the auto-close, window still open   → reopened
 *   auto_close         answered (the system, on the working calendar)  → resolved
 *   set_priority,
 *   set_category       every open state                                → unchanged
 *   flag_central       every state except escalated_central            → unchanged
 *   note               every state                                     → unchanged
 *   request_extension, decide_extension, snooze
 *                      assigned, reopened                              → unchanged
 *
 * `resolved` and `rejected` are final: only internal notes and the central-report flag still apply,
 * because the report for the central level may need a ticket that was closed locally. Two
 * exceptions close the loop with the commune: a confirmed ticket takes its one satisfaction rating,
 * and a ticket the auto-close resolved may be reopened while its window lasts.
 *
 * Decisions worth knowing:
 * - Assign needs a department that exists and is active; the caller looks the code up and passes
 *   what it found (`department`), so /chuyen, the buttons and auto-routing all meet the same rule.
 *   Setting a category works the same way with `category`.
 * - Who may see a ticket at all (`maySee`) is decided here too: a chat outside the ticket's units
 *   learns nothing about it, not even that its code exists.
 * - Assign from `new` or `returned` claims the ticket for the actor on the way (one-tap routing).
 *   The system actor (auto-routing) may assign only from `new` and never becomes the claimant.
 * - A claimed ticket is steered by its claimant: another plain support member who tries to route,
 *   reject, merge, escalate or unclaim it is told who holds it (`already_claimed`); the support
 *   lead and admins may override. Priority, the central flag and notes are open to the whole team.
 * - A department's "not ours" clears both the department and the claimant, so the ticket goes back
 *   to the support team's queue and anyone there may claim it again.
 * - Merging puts the child in `rejected` (the status means "out of scope / duplicate") with its own
 *   event kind `merged` and `parentId` set. The parent must be open and not itself a child, so the
 *   relation is one level deep. The caller moves the child's own children and commune codes to the
 *   parent in the same transaction, and relays the parent's answer to every commune.
 * - Any commune of a ticket (the reporter or one of a merged child) may confirm or reopen it; the
 *   first confirmation resolves it and the other communes are told.
 * - `escalated_central` always carries `flaggedCentral = true`; support may later hand it to a
 *   department (assign) to relay the outcome, or reject it.
 * - Satisfaction (Hài lòng / Tạm được / Chưa hài lòng) is the word of a commune that confirmed: it
 *   comes with the confirmation (`/xong HY-0001 2`) or right after it (the question), once per
 *   ticket. A ticket closed by the auto-close has no rating: nobody confirmed anything.
 * - The auto-close is the system's only action besides auto-routing. What "the window is open"
 *   means at this moment is the caller's reading of the clock (`reopenWindow` in auto-close.ts),
 *   passed in the view, so `decide` stays free of time.
 */
import { reopenWindow, type ReopenWindow } from './auto-close.js';
import type { Satisfaction } from './satisfaction.js';
import {
  AWAITING_DEPARTMENT,
  CLOSED_STATUSES,
  TICKET_STATUSES,
  type Priority,
  type TicketStatus,
} from './types.js';

/** `outsider`: someone in a chat linked to no unit (and not an admin); may do and see nothing. */
export const ACTOR_KINDS = ['support', 'support_lead', 'department', 'commune', 'leader', 'admin', 'system', 'outsider'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who acts, as the caller derives it from the chat the command came from. */
export interface Actor {
  kind: ActorKind;
  personId: string | null;
  communeCode?: string;
  departmentCode?: string;
}

/** What the workflow needs to know about a ticket. */
export interface TicketView {
  id: number;
  status: TicketStatus;
  /** The reporting commune plus the communes of merged children. */
  communeCodes: readonly string[];
  departmentCode: string | null;
  categoryCode: string | null;
  claimedById: string | null;
  parentId: number | null;
  priority: Priority;
  flaggedCentral: boolean;
  extensionPending: boolean;
  /** A commune confirmed the answer (confirmedAt is set). */
  confirmed: boolean;
  /** The confirming commune's rating, once given. */
  satisfaction: Satisfaction | null;
  /** Whether the auto-close resolved it and a commune may still reopen it now (auto-close.ts `reopenWindow`). */
  reopenWindow: ReopenWindow;
  /** The stored end of that window, for the refusal that names it. */
  reopenableUntil: Date | null;
}

/** The ticket a child is merged into, as the caller read it. */
export interface MergeTarget {
  id: number;
  status: TicketStatus;
  parentId: number | null;
}

/** The department an assign names, as the caller found it (null: no department has that code). */
export interface DepartmentTarget {
  code: string;
  active: boolean;
}

/** The category a set_category names, as the caller found it (null: no such category). */
export interface CategoryTarget {
  code: string;
  label: string;
  /** Reports of this category go on the list for the central level. */
  flagCentral: boolean;
}

export const ACTION_KINDS = [
  'claim',
  'unclaim',
  'assign',
  'set_priority',
  'set_category',
  'flag_central',
  'reject',
  'merge',
  'escalate_central',
  'note',
  'answer',
  'return_to_support',
  'request_extension',
  'snooze',
  'decide_extension',
  'confirm',
  'rate',
  'reopen',
  'auto_close',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export type TicketAction =
  | { kind: 'claim' }
  | { kind: 'unclaim' }
  | { kind: 'assign'; departmentCode: string; department: DepartmentTarget | null }
  | { kind: 'set_priority'; priority: Priority }
  | { kind: 'set_category'; categoryCode: string; category: CategoryTarget | null }
  | { kind: 'flag_central'; flagged: boolean }
  | { kind: 'reject'; reason: string }
  | { kind: 'merge'; parent: MergeTarget }
  | { kind: 'escalate_central'; note?: string | null }
  | { kind: 'note'; text: string }
  | { kind: 'answer'; text: string }
  | { kind: 'return_to_support'; reason: string }
  | { kind: 'request_extension'; workingDays: number; reason: string }
  | { kind: 'snooze' }
  | { kind: 'decide_extension'; approve: boolean }
  /** `satisfaction`: the rating typed with the confirmation (`/xong HY-0001 2`). */
  | { kind: 'confirm'; satisfaction?: Satisfaction | null }
  | { kind: 'rate'; satisfaction: Satisfaction }
  | { kind: 'reopen'; reason: string }
  | { kind: 'auto_close' };

/** Stable refusal codes; each maps to the message key `refusal-<code>`. */
export const REFUSAL_REASONS = [
  'not_permitted_role',
  'person_required',
  'not_your_department',
  'not_your_commune',
  'closed',
  'invalid_state',
  'already_claimed',
  'already_yours',
  'department_required',
  'unknown_department',
  'department_inactive',
  'unknown_category',
  'same_department',
  'no_change',
  'reason_required',
  'text_required',
  'invalid_working_days',
  'extension_pending',
  'no_pending_extension',
  'cannot_merge_into_self',
  'merge_target_closed',
  'merge_target_is_child',
  'already_confirmed',
  'already_rated',
  'not_confirmed',
  'auto_closed',
  'reopen_window_ended',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Audit-trail event kinds; each maps to the timeline label key `event-<kind>`. */
export const EVENT_KINDS = [
  'claimed',
  'unclaimed',
  'assigned',
  'transferred',
  'priority_changed',
  'category_changed',
  'central_flagged',
  'central_unflagged',
  'rejected',
  'merged',
  'escalated_central',
  'note',
  'answered',
  'answer_supplemented',
  'returned',
  'extension_requested',
  'extension_approved',
  'extension_denied',
  'snoozed',
  'confirmed',
  'satisfaction_recorded',
  'reopened',
  'auto_closed',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Symbolic follow-ups the caller turns into messages and reminder-schedule changes.
 * `notify_communes` means every commune in `communeCodes`; the caller may skip the chat the
 * command came from.
 */
export type Effect =
  | { kind: 'notify_department'; departmentCode: string }
  | { kind: 'notify_communes' }
  | { kind: 'notify_support' }
  | { kind: 'notify_support_lead' }
  | { kind: 'update_cards' }
  /** The department's answer clock starts now: new due date from the priority, reminders from it. */
  | { kind: 'recompute_deadline' }
  /** Move the due date by the working days of the pending extension request. */
  | { kind: 'extend_deadline' }
  /** Cancel whatever reminder is scheduled for this ticket. */
  | { kind: 'stop_reminders' }
  /** The ticket is unclaimed again: schedule the support team's unclaimed nudge. */
  | { kind: 'start_unclaimed_timer' }
  /** The department is working on it: push the next reminder back one round. */
  | { kind: 'postpone_reminder' };

export interface TicketEventDraft {
  kind: EventKind;
  /** Trimmed user text (answer, reason, note), or null. */
  text: string | null;
  data?: Record<string, unknown>;
}

export type TicketChanges = Partial<
  Pick<
    TicketView,
    | 'departmentCode'
    | 'categoryCode'
    | 'claimedById'
    | 'priority'
    | 'flaggedCentral'
    | 'parentId'
    | 'extensionPending'
    | 'confirmed'
    | 'satisfaction'
    | 'reopenWindow'
    | 'reopenableUntil'
  >
>;

/** The fields a conditional update must still find unchanged for the decision to hold. */
export type TicketExpectation = Partial<
  Pick<
    TicketView,
    'status' | 'departmentCode' | 'categoryCode' | 'claimedById' | 'priority' | 'flaggedCentral' | 'extensionPending' | 'parentId' | 'satisfaction'
  >
>;

export interface Allowed {
  ok: true;
  action: ActionKind;
  from: TicketStatus;
  to: TicketStatus;
  expect: TicketExpectation;
  event: TicketEventDraft;
  /** Events recorded after `event` by the same decision (a rating typed with the confirmation). */
  alsoRecord: TicketEventDraft[];
  /** Only the fields whose value actually changes. */
  changes: TicketChanges;
  effects: Effect[];
}

export interface Refused {
  ok: false;
  reason: RefusalReason;
  detail?: Record<string, unknown>;
}

export type Decision = Allowed | Refused;

/** The longest extension a department may ask for in one request. */
export const MAX_EXTENSION_WORKING_DAYS = 30;

/** Whether a ticket in this status is still being worked on (not resolved or rejected). */
export function isOpen(status: TicketStatus): boolean {
  return !CLOSED_STATUSES.includes(status);
}

/** Whether a department owes an answer in this status (reminders run). */
export function awaitingDepartment(status: TicketStatus): boolean {
  return AWAITING_DEPARTMENT.includes(status);
}

/** The locale key of a refusal message. */
export function refusalMessageKey(reason: RefusalReason): string {
  return `refusal-${reason}`;
}

/** The locale key of an event's timeline label. */
export function eventLabelKey(kind: EventKind): string {
  return `event-${kind}`;
}

const SUPPORT_SIDE: readonly ActorKind[] = ['support', 'support_lead', 'admin'];
const OPEN_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter(isOpen);
/** States from which the support team may still route, reject or merge a ticket. */
const ROUTABLE: readonly TicketStatus[] = ['new', 'claimed', 'returned', 'assigned', 'reopened', 'escalated_central'];

interface Rule {
  roles: readonly ActorKind[];
  from: readonly TicketStatus[];
}

const RULES: Record<ActionKind, Rule> = {
  claim: { roles: SUPPORT_SIDE, from: ['new', 'returned'] },
  unclaim: { roles: SUPPORT_SIDE, from: ['claimed'] },
  assign: { roles: [...SUPPORT_SIDE, 'system'], from: ROUTABLE },
  set_priority: { roles: SUPPORT_SIDE, from: OPEN_STATUSES },
  set_category: { roles: SUPPORT_SIDE, from: OPEN_STATUSES },
  // In escalated_central the flag is part of the state, so it cannot be toggled there.
  flag_central: { roles: SUPPORT_SIDE, from: TICKET_STATUSES.filter((s) => s !== 'escalated_central') },
  reject: { roles: SUPPORT_SIDE, from: ROUTABLE },
  merge: { roles: SUPPORT_SIDE, from: ROUTABLE },
  escalate_central: { roles: SUPPORT_SIDE, from: OPEN_STATUSES.filter((s) => s !== 'escalated_central') },
  note: { roles: SUPPORT_SIDE, from: TICKET_STATUSES },
  answer: { roles: ['department'], from: [...AWAITING_DEPARTMENT, 'answered'] },
  return_to_support: { roles: ['department'], from: AWAITING_DEPARTMENT },
  request_extension: { roles: ['department'], from: AWAITING_DEPARTMENT },
  snooze: { roles: ['department'], from: AWAITING_DEPARTMENT },
  decide_extension: { roles: ['support_lead', 'admin'], from: AWAITING_DEPARTMENT },
  confirm: { roles: ['commune'], from: ['answered'] },
  rate: { roles: ['commune'], from: ['resolved'] },
  // From resolved only while an auto-close's window is open (closureRefusal).
  reopen: { roles: ['commune'], from: ['answered', 'resolved'] },
  auto_close: { roles: ['system'], from: ['answered'] },
};

/** Actions that steer a claimed ticket and therefore belong to its claimant (or the lead/admin). */
const CLAIMANT_ONLY: ReadonlySet<ActionKind> = new Set(['unclaim', 'assign', 'reject', 'merge', 'escalate_central']);

function refuse(reason: RefusalReason, detail?: Record<string, unknown>): Refused {
  return detail ? { ok: false, reason, detail } : { ok: false, reason };
}

/**
 * Everything about an action that does not depend on its payload: role, ownership, state, claim.
 * `allowedActions` is exactly the set of kinds that pass here.
 */
function gate(ticket: TicketView, kind: ActionKind, actor: Actor): Refused | null {
  const rule = RULES[kind];
  if (!rule.roles.includes(actor.kind)) return refuse('not_permitted_role');
  if (kind === 'claim' && actor.personId === null) return refuse('person_required');

  // Ownership comes before state so nobody learns more than "not yours" about others' tickets.
  if (actor.kind === 'department') {
    if (actor.departmentCode === undefined || actor.departmentCode !== ticket.departmentCode) {
      return refuse('not_your_department');
    }
  }
  if (actor.kind === 'commune') {
    if (actor.communeCode === undefined || !ticket.communeCodes.includes(actor.communeCode)) {
      return refuse('not_your_commune');
    }
  }

  const closure = closureRefusal(ticket, kind);
  if (closure) return closure;
  if (!rule.from.includes(ticket.status) && !isOpen(ticket.status)) return refuse('closed');

  if (kind === 'claim') {
    // Checked before the state so a late "Nhận xử lý" tap learns who has the ticket.
    if (ticket.claimedById !== null && ticket.claimedById === actor.personId) return refuse('already_yours');
    if (ticket.claimedById !== null) return refuse('already_claimed', { claimedById: ticket.claimedById });
  }

  if (!rule.from.includes(ticket.status)) return refuse('invalid_state', { status: ticket.status });
  // Auto-routing happens once, at creation; anything later is a person's decision.
  if (actor.kind === 'system' && kind === 'assign' && ticket.status !== 'new') return refuse('invalid_state', { status: ticket.status });

  if (
    CLAIMANT_ONLY.has(kind) &&
    actor.kind === 'support' &&
    ticket.claimedById !== null &&
    ticket.claimedById !== actor.personId
  ) {
    return refuse('already_claimed', { claimedById: ticket.claimedById });
  }

  if (kind === 'request_extension' && ticket.extensionPending) return refuse('extension_pending');
  if (kind === 'decide_extension' && !ticket.extensionPending) return refuse('no_pending_extension');
  return null;
}

/**
 * The commune's side of closing the loop, where the plain state rules would say too little:
 * a second confirmation, a second rating, a rating before confirming, anything on a ticket the
 * auto-close resolved, and a reopening after its window.
 */
function closureRefusal(ticket: TicketView, kind: ActionKind): Refused | null {
  const autoClosed = ticket.status === 'resolved' && ticket.reopenWindow !== 'not_auto_closed';
  switch (kind) {
    case 'confirm':
      if (autoClosed) return refuse('auto_closed');
      if (ticket.status === 'resolved' && ticket.confirmed) return refuse('already_confirmed');
      return null;
    case 'rate':
      if (autoClosed) return refuse('auto_closed');
      if (ticket.satisfaction !== null) return refuse('already_rated');
      if (ticket.status === 'answered' || (ticket.status === 'resolved' && !ticket.confirmed)) return refuse('not_confirmed');
      return null;
    case 'reopen':
      if (ticket.status !== 'resolved' || ticket.reopenWindow === 'open') return null;
      if (ticket.reopenWindow === 'expired') {
        return refuse('reopen_window_ended', ticket.reopenableUntil ? { until: ticket.reopenableUntil } : undefined);
      }
      return refuse('closed');
    default:
      return null;
  }
}

/** The action kinds this actor may attempt on this ticket now, in a stable order (for buttons). */
export function allowedActions(ticket: TicketView, actor: Actor): ActionKind[] {
  return ACTION_KINDS.filter((kind) => gate(ticket, kind, actor) === null);
}

/**
 * Whether `actor` may start `kind` on this ticket, before the payload is known: what a button that
 * only asks for more (a prompt for a reason, a picker) must check so it refuses exactly as the
 * action itself would. Null when allowed.
 */
export function refusalBeforePayload(ticket: TicketView, kind: ActionKind, actor: Actor): Refused | null {
  return gate(ticket, kind, actor);
}

/**
 * Whether `actor` may see the ticket at all: the support team, leaders and admins see every
 * ticket; a department the tickets assigned to it; a commune its own reports and the tickets
 * they were merged into; anyone else nothing.
 */
export function maySee(ticket: TicketView, actor: Actor): boolean {
  switch (actor.kind) {
    case 'support':
    case 'support_lead':
    case 'admin':
    case 'leader':
    case 'system':
      return true;
    case 'department':
      return actor.departmentCode !== undefined && actor.departmentCode === ticket.departmentCode;
    case 'commune':
      return actor.communeCode !== undefined && ticket.communeCodes.includes(actor.communeCode);
    case 'outsider':
      return false;
  }
}

/**
 * Why a department cannot receive tickets, or null when it can. `requested` is the code as typed
 * or pressed; `found` is what the caller's directory holds for it.
 */
export function departmentRefusal(requested: string, found: DepartmentTarget | null): Refused | null {
  const code = requested.trim().toUpperCase();
  if (code === '') return refuse('department_required');
  if (found === null || found.code.toUpperCase() !== code) return refuse('unknown_department', { departmentCode: code });
  if (!found.active) return refuse('department_inactive', { departmentCode: found.code });
  return null;
}

/** Decides whether `actor` may apply `action` to `ticket`, and if so what changes and who hears of it. */
export function decide(ticket: TicketView, action: TicketAction, actor: Actor): Decision {
  const refused = gate(ticket, action.kind, actor);
  if (refused) return refused;
  const from = ticket.status;

  const allow = (
    to: TicketStatus,
    expect: TicketExpectation,
    event: TicketEventDraft,
    changes: TicketChanges,
    effects: Effect[],
    alsoRecord: TicketEventDraft[] = [],
  ): Allowed => ({
    ok: true,
    action: action.kind,
    from,
    to,
    expect,
    event,
    alsoRecord,
    changes: onlyRealChanges(ticket, changes),
    effects,
  });

  switch (action.kind) {
    case 'claim':
      return allow(
        'claimed',
        { status: from, claimedById: null },
        { kind: 'claimed', text: null },
        { claimedById: actor.personId },
        [{ kind: 'update_cards' }, { kind: 'stop_reminders' }],
      );

    case 'unclaim':
      return allow(
        'new',
        { status: from, claimedById: ticket.claimedById },
        { kind: 'unclaimed', text: null, data: { previousClaimantId: ticket.claimedById } },
        { claimedById: null },
        [{ kind: 'update_cards' }, { kind: 'start_unclaimed_timer' }],
      );

    case 'assign': {
      const unusable = departmentRefusal(action.departmentCode, action.department);
      if (unusable) return unusable;
      const departmentCode = action.department!.code;
      if (awaitingDepartment(from) && departmentCode === ticket.departmentCode) {
        return refuse('same_department', { departmentCode });
      }
      const previous = ticket.departmentCode;
      const transfer = previous !== null && previous !== departmentCode;
      // Routing an unclaimed ticket claims it for the person who routed it; the system never claims.
      const claimedById =
        ticket.claimedById === null && actor.kind !== 'system' ? actor.personId : ticket.claimedById;
      const effects: Effect[] = [];
      if (transfer && awaitingDepartment(from)) effects.push({ kind: 'notify_department', departmentCode: previous });
      effects.push({ kind: 'notify_department', departmentCode }, { kind: 'notify_communes' });
      if (actor.kind === 'system') effects.push({ kind: 'notify_support' });
      effects.push({ kind: 'update_cards' }, { kind: 'recompute_deadline' });
      return allow(
        'assigned',
        { status: from, departmentCode: previous, claimedById: ticket.claimedById },
        {
          kind: transfer ? 'transferred' : 'assigned',
          text: null,
          data: transfer ? { departmentCode, previousDepartmentCode: previous } : { departmentCode },
        },
        { departmentCode, claimedById, extensionPending: false },
        effects,
      );
    }

    case 'set_priority': {
      if (action.priority === ticket.priority) return refuse('no_change');
      const effects: Effect[] = [{ kind: 'update_cards' }];
      // The deadline is counted from the priority only while a department owes the answer.
      if (awaitingDepartment(from) && ticket.departmentCode !== null) {
        effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode }, { kind: 'recompute_deadline' });
      }
      return allow(
        from,
        { status: from, priority: ticket.priority },
        { kind: 'priority_changed', text: null, data: { priority: action.priority, previousPriority: ticket.priority } },
        { priority: action.priority },
        effects,
      );
    }

    case 'set_category': {
      const category = action.category;
      if (category === null || category.code !== action.categoryCode) {
        return refuse('unknown_category', { categoryCode: action.categoryCode });
      }
      if (category.code === ticket.categoryCode) return refuse('no_change');
      // A category meant for the central level flags the ticket; another category never unflags it.
      return allow(
        from,
        { status: from, categoryCode: ticket.categoryCode },
        { kind: 'category_changed', text: category.label, data: { from: ticket.categoryCode, to: category.code } },
        { categoryCode: category.code, ...(category.flagCentral ? { flaggedCentral: true } : {}) },
        [{ kind: 'update_cards' }],
      );
    }

    case 'flag_central':
      if (action.flagged === ticket.flaggedCentral) return refuse('no_change');
      return allow(
        from,
        { status: from, flaggedCentral: ticket.flaggedCentral },
        { kind: action.flagged ? 'central_flagged' : 'central_unflagged', text: null },
        { flaggedCentral: action.flagged },
        [{ kind: 'update_cards' }],
      );

    case 'reject': {
      const reason = action.reason.trim();
      if (reason === '') return refuse('reason_required');
      return allow(
        'rejected',
        { status: from, claimedById: ticket.claimedById },
        { kind: 'rejected', text: reason },
        { extensionPending: false },
        closingEffects(ticket),
      );
    }

    case 'merge': {
      const parent = action.parent;
      if (parent.id === ticket.id) return refuse('cannot_merge_into_self');
      if (!isOpen(parent.status)) return refuse('merge_target_closed', { parentTicketId: parent.id });
      // One level only, so relaying an answer never walks a chain (and no cycle can form).
      if (parent.parentId !== null) {
        return refuse('merge_target_is_child', { parentTicketId: parent.id, rootTicketId: parent.parentId });
      }
      return allow(
        'rejected',
        { status: from, claimedById: ticket.claimedById, parentId: ticket.parentId },
        { kind: 'merged', text: null, data: { parentTicketId: parent.id, communeCodes: [...ticket.communeCodes] } },
        { parentId: parent.id, extensionPending: false },
        closingEffects(ticket),
      );
    }

    case 'escalate_central': {
      const note = action.note?.trim() ?? '';
      const effects: Effect[] = [];
      if (awaitingDepartment(from) && ticket.departmentCode !== null) {
        effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
      }
      effects.push({ kind: 'notify_communes' }, { kind: 'update_cards' }, { kind: 'stop_reminders' });
      return allow(
        'escalated_central',
        { status: from, claimedById: ticket.claimedById },
        { kind: 'escalated_central', text: note === '' ? null : note },
        { flaggedCentral: true, extensionPending: false },
        effects,
      );
    }

    case 'note': {
      const text = action.text.trim();
      if (text === '') return refuse('text_required');
      // A note touches only the audit trail, so it holds whatever happens to the ticket meanwhile.
      return allow(from, {}, { kind: 'note', text }, {}, []);
    }

    case 'answer': {
      const text = action.text.trim();
      if (text === '') return refuse('text_required');
      const supplementary = from === 'answered';
      const effects: Effect[] = [{ kind: 'notify_communes' }, { kind: 'notify_support' }, { kind: 'update_cards' }];
      if (!supplementary) effects.push({ kind: 'stop_reminders' });
      return allow(
        'answered',
        { status: from, departmentCode: ticket.departmentCode },
        { kind: supplementary ? 'answer_supplemented' : 'answered', text },
        { extensionPending: false },
        effects,
      );
    }

    case 'return_to_support': {
      const reason = action.reason.trim();
      if (reason === '') return refuse('reason_required');
      return allow(
        'returned',
        { status: from, departmentCode: ticket.departmentCode },
        { kind: 'returned', text: reason, data: { departmentCode: ticket.departmentCode } },
        { departmentCode: null, claimedById: null, extensionPending: false },
        [{ kind: 'notify_support' }, { kind: 'update_cards' }, { kind: 'stop_reminders' }, { kind: 'start_unclaimed_timer' }],
      );
    }

    case 'request_extension': {
      const days = action.workingDays;
      if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_WORKING_DAYS) {
        return refuse('invalid_working_days', { max: MAX_EXTENSION_WORKING_DAYS });
      }
      const reason = action.reason.trim();
      if (reason === '') return refuse('reason_required');
      // Reminders keep running: only an approved extension moves the deadline.
      return allow(
        from,
        { status: from, departmentCode: ticket.departmentCode, extensionPending: false },
        { kind: 'extension_requested', text: reason, data: { workingDays: days } },
        { extensionPending: true },
        [{ kind: 'notify_support_lead' }, { kind: 'update_cards' }],
      );
    }

    case 'snooze':
      return allow(
        from,
        { status: from, departmentCode: ticket.departmentCode },
        { kind: 'snoozed', text: null },
        {},
        [{ kind: 'postpone_reminder' }],
      );

    case 'decide_extension': {
      const effects: Effect[] = [];
      if (ticket.departmentCode !== null) {
        effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
      }
      if (action.approve) effects.push({ kind: 'extend_deadline' });
      effects.push({ kind: 'update_cards' });
      return allow(
        from,
        { status: from, departmentCode: ticket.departmentCode, extensionPending: true },
        { kind: action.approve ? 'extension_approved' : 'extension_denied', text: null },
        { extensionPending: false },
        effects,
      );
    }

    case 'confirm': {
      const effects: Effect[] = [{ kind: 'notify_support' }];
      if (ticket.departmentCode !== null) {
        effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
      }
      effects.push({ kind: 'notify_communes' }, { kind: 'update_cards' }, { kind: 'stop_reminders' });
      const rating = action.satisfaction ?? null;
      return allow(
        'resolved',
        { status: from },
        { kind: 'confirmed', text: null },
        { confirmed: true, satisfaction: rating },
        effects,
        rating === null ? [] : [ratingEvent(rating)],
      );
    }

    case 'rate':
      // Conditional on "not rated yet", so two answers pressed at once record one.
      return allow(
        from,
        { status: from, satisfaction: null },
        ratingEvent(action.satisfaction),
        { satisfaction: action.satisfaction },
        [{ kind: 'update_cards' }],
      );

    case 'reopen': {
      const reason = action.reason.trim();
      if (reason === '') return refuse('reason_required');
      const effects: Effect[] = [];
      if (ticket.departmentCode !== null) {
        effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
      }
      effects.push({ kind: 'notify_support' }, { kind: 'update_cards' }, { kind: 'recompute_deadline' });
      const afterAutoClose = from === 'resolved';
      return allow(
        'reopened',
        { status: from, departmentCode: ticket.departmentCode },
        { kind: 'reopened', text: reason, ...(afterAutoClose ? { data: { afterAutoClose: true } } : {}) },
        afterAutoClose ? { reopenWindow: 'not_auto_closed', reopenableUntil: null } : {},
        effects,
      );
    }

    case 'auto_close': {
      // The window's end depends on the calendar; the caller stores it with the close.
      const effects: Effect[] = [{ kind: 'notify_communes' }];
      if (ticket.departmentCode !== null) effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
      effects.push({ kind: 'update_cards' }, { kind: 'stop_reminders' });
      return allow('resolved', { status: from }, { kind: 'auto_closed', text: null }, { reopenWindow: 'open' }, effects);
    }
  }
}

/** The audit-trail event of a commune's rating. */
function ratingEvent(satisfaction: Satisfaction): TicketEventDraft {
  return { kind: 'satisfaction_recorded', text: null, data: { satisfaction } };
}

/**
 * The workflow's view of a stored ticket at `now`: its communes (the reporter's and those of merged
 * children) and where it stands in closing the loop.
 */
export function workflowView(
  row: Omit<TicketView, 'communeCodes' | 'confirmed' | 'reopenWindow'> & {
    communeCode: string;
    children: readonly { communeCode: string }[];
    confirmedAt: Date | null;
    autoClosedAt: Date | null;
  },
  now: Date,
): TicketView {
  return {
    id: row.id,
    status: row.status,
    communeCodes: [...new Set([row.communeCode, ...row.children.map((c) => c.communeCode)])],
    departmentCode: row.departmentCode,
    categoryCode: row.categoryCode,
    claimedById: row.claimedById,
    parentId: row.parentId,
    priority: row.priority,
    flaggedCentral: row.flaggedCentral,
    extensionPending: row.extensionPending,
    confirmed: row.confirmedAt !== null,
    satisfaction: row.satisfaction,
    reopenWindow: reopenWindow(row, now),
    reopenableUntil: row.reopenableUntil,
  };
}

/** The ticket as it reads after an allowed decision is persisted. */
export function applyDecision(ticket: TicketView, decision: Allowed): TicketView {
  return { ...ticket, ...decision.changes, status: decision.to };
}

/** Effects of closing a ticket without an answer (reject or merge). */
function closingEffects(ticket: TicketView): Effect[] {
  const effects: Effect[] = [];
  if (awaitingDepartment(ticket.status) && ticket.departmentCode !== null) {
    effects.push({ kind: 'notify_department', departmentCode: ticket.departmentCode });
  }
  effects.push({ kind: 'notify_communes' }, { kind: 'update_cards' }, { kind: 'stop_reminders' });
  return effects;
}

/** Drops fields that already hold the new value, so `changes` lists only what really moves. */
function onlyRealChanges(ticket: TicketView, changes: TicketChanges): TicketChanges {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (ticket[key as keyof TicketChanges] !== value) out[key] = value;
  }
  return out as TicketChanges;
}
