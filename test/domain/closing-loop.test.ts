import { describe, expect, it } from 'vitest';
import { decide, refusalBeforePayload, workflowView, type Actor, type Allowed, type Decision, type TicketView } from '../../src/domain/ticket-workflow.js';

// Issue 14: who may confirm, rate and reopen once an answer is given, and the auto-close.

const commune: Actor = { kind: 'commune', personId: 'C1', communeCode: '13192' };
const otherCommune: Actor = { kind: 'commune', personId: 'C2', communeCode: '13195' };
const system: Actor = { kind: 'system', personId: null };
const support: Actor = { kind: 'support_lead', personId: 'L1' };

function view(over: Partial<TicketView> = {}): TicketView {
  return {
    id: 7,
    status: 'answered',
    communeCodes: ['13192'],
    departmentCode: 'SNV',
    categoryCode: 'nhan_su',
    claimedById: 'S1',
    parentId: null,
    priority: 'thuong',
    flaggedCentral: false,
    extensionPending: false,
    confirmed: false,
    satisfaction: null,
    reopenWindow: 'not_auto_closed',
    reopenableUntil: null,
    ...over,
  };
}
const confirmed = view({ status: 'resolved', confirmed: true });
const until = new Date('2026-09-22T10:00:00+07:00');
const autoClosed = view({ status: 'resolved', reopenWindow: 'open', reopenableUntil: until });

function allowed(d: Decision): Allowed {
  if (!d.ok) throw new Error(`refused: ${d.reason}`);
  return d;
}

describe('confirming and the satisfaction question', () => {
  it('a confirmation alone resolves and leaves the rating for the question', () => {
    const d = allowed(decide(view(), { kind: 'confirm' }, commune));
    expect([d.from, d.to, d.event.kind, d.changes, d.alsoRecord]).toEqual(['answered', 'resolved', 'confirmed', { confirmed: true }, []]);
  });

  it.each(['hai_long', 'tam_duoc', 'chua_hai_long'] as const)('a confirmation typed with "%s" records the rating as its own event', (satisfaction) => {
    const d = allowed(decide(view(), { kind: 'confirm', satisfaction }, commune));
    expect(d.changes).toEqual({ confirmed: true, satisfaction });
    expect(d.event.kind).toBe('confirmed');
    expect(d.alsoRecord).toEqual([{ kind: 'satisfaction_recorded', text: null, data: { satisfaction } }]);
  });

  it('the question is answered once, after confirming, conditional on nobody having answered meanwhile', () => {
    const d = allowed(decide(confirmed, { kind: 'rate', satisfaction: 'tam_duoc' }, commune));
    expect([d.from, d.to, d.changes, d.expect]).toEqual(['resolved', 'resolved', { satisfaction: 'tam_duoc' }, { status: 'resolved', satisfaction: null }]);
    expect(d.event).toEqual({ kind: 'satisfaction_recorded', text: null, data: { satisfaction: 'tam_duoc' } });
    const rated = { ...confirmed, satisfaction: 'tam_duoc' as const };
    expect(decide(rated, { kind: 'rate', satisfaction: 'hai_long' }, commune)).toEqual({ ok: false, reason: 'already_rated' });
  });

  it('a second confirmation is refused, rated or not', () => {
    expect(decide(confirmed, { kind: 'confirm' }, commune)).toEqual({ ok: false, reason: 'already_confirmed' });
    expect(decide({ ...confirmed, satisfaction: 'hai_long' }, { kind: 'confirm', satisfaction: 'hai_long' }, commune)).toEqual({ ok: false, reason: 'already_confirmed' });
  });

  it('no rating before a confirmation, nor from anyone but the ticket’s commune', () => {
    expect(decide(view(), { kind: 'rate', satisfaction: 'hai_long' }, commune)).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(decide(confirmed, { kind: 'rate', satisfaction: 'hai_long' }, otherCommune)).toEqual({ ok: false, reason: 'not_your_commune' });
    expect(decide(confirmed, { kind: 'rate', satisfaction: 'hai_long' }, support)).toEqual({ ok: false, reason: 'not_permitted_role' });
    expect(decide(view({ status: 'assigned' }), { kind: 'rate', satisfaction: 'hai_long' }, commune)).toMatchObject({ ok: false, reason: 'invalid_state' });
    expect(decide(view({ status: 'rejected' }), { kind: 'rate', satisfaction: 'hai_long' }, commune)).toEqual({ ok: false, reason: 'closed' });
  });

  it('a commune of a merged child confirms and rates the parent like the reporter', () => {
    const parent = view({ communeCodes: ['13192', '13195'] });
    const d = allowed(decide(parent, { kind: 'confirm', satisfaction: 'hai_long' }, otherCommune));
    expect(d.to).toBe('resolved');
  });
});

describe('the auto-close', () => {
  it('only the system closes, only an answered ticket, with no rating; everyone is told', () => {
    const d = allowed(decide(view(), { kind: 'auto_close' }, system));
    expect([d.from, d.to, d.event.kind, d.changes]).toEqual(['answered', 'resolved', 'auto_closed', { reopenWindow: 'open' }]);
    expect(d.effects).toEqual([
      { kind: 'notify_communes' },
      { kind: 'notify_department', departmentCode: 'SNV' },
      { kind: 'update_cards' },
      { kind: 'stop_reminders' },
    ]);
    expect(decide(view(), { kind: 'auto_close' }, support)).toEqual({ ok: false, reason: 'not_permitted_role' });
    expect(decide(view({ status: 'reopened' }), { kind: 'auto_close' }, system)).toMatchObject({ ok: false, reason: 'invalid_state' });
    expect(decide(confirmed, { kind: 'auto_close' }, system)).toEqual({ ok: false, reason: 'closed' });
  });

  it('an auto-closed ticket takes no confirmation and no rating', () => {
    expect(decide(autoClosed, { kind: 'confirm' }, commune)).toEqual({ ok: false, reason: 'auto_closed' });
    expect(decide(autoClosed, { kind: 'rate', satisfaction: 'hai_long' }, commune)).toEqual({ ok: false, reason: 'auto_closed' });
  });

  it('a commune reopens it inside the window, back to the department on a fresh deadline', () => {
    const d = allowed(decide(autoClosed, { kind: 'reopen', reason: 'Xã vẫn chưa nhận được kinh phí' }, commune));
    expect([d.from, d.to, d.event]).toEqual(['resolved', 'reopened', { kind: 'reopened', text: 'Xã vẫn chưa nhận được kinh phí', data: { afterAutoClose: true } }]);
    expect(d.changes).toEqual({ reopenWindow: 'not_auto_closed', reopenableUntil: null });
    expect(d.effects).toContainEqual({ kind: 'notify_department', departmentCode: 'SNV' });
    expect(d.effects).toContainEqual({ kind: 'recompute_deadline' });
    // The prompt for the reason asks the same question first.
    expect(refusalBeforePayload(autoClosed, 'reopen', commune)).toBeNull();
  });

  it('after the window the refusal names its end; a ticket a commune confirmed stays closed', () => {
    const expired = { ...autoClosed, reopenWindow: 'expired' as const };
    expect(decide(expired, { kind: 'reopen', reason: 'Chưa xong' }, commune)).toEqual({ ok: false, reason: 'reopen_window_ended', detail: { until } });
    expect(refusalBeforePayload(expired, 'reopen', commune)).toMatchObject({ reason: 'reopen_window_ended' });
    expect(decide(confirmed, { kind: 'reopen', reason: 'Chưa xong' }, commune)).toEqual({ ok: false, reason: 'closed' });
    expect(decide(autoClosed, { kind: 'reopen', reason: 'x' }, otherCommune)).toEqual({ ok: false, reason: 'not_your_commune' });
  });
});

describe('workflowView reads the stored ticket at a moment', () => {
  const row = {
    id: 7,
    status: 'resolved' as const,
    communeCode: '13192',
    children: [{ communeCode: '13195' }, { communeCode: '13192' }],
    departmentCode: 'SNV',
    categoryCode: null,
    claimedById: null,
    parentId: null,
    priority: 'thuong' as const,
    flaggedCentral: false,
    extensionPending: false,
    confirmedAt: null,
    satisfaction: null,
    autoClosedAt: new Date('2026-09-08T10:00:00+07:00'),
    reopenableUntil: until,
  };

  it('an auto-closed ticket is reopenable up to the stored end, inclusive, and not after', () => {
    expect(workflowView(row, until).reopenWindow).toBe('open');
    expect(workflowView(row, new Date(until.getTime() + 1)).reopenWindow).toBe('expired');
    expect(workflowView(row, until).communeCodes).toEqual(['13192', '13195']);
  });

  it('a confirmation shows as confirmed, not as an auto-close', () => {
    const v = workflowView({ ...row, autoClosedAt: null, reopenableUntil: null, confirmedAt: new Date(), satisfaction: 'hai_long' }, until);
    expect([v.confirmed, v.satisfaction, v.reopenWindow]).toEqual([true, 'hai_long', 'not_auto_closed']);
  });
});
