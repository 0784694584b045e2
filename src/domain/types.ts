/** Domain vocabulary shared by the pure modules; mirrors the Prisma enums without importing them. */

export const TICKET_STATUSES = [
  'new',
  'claimed',
  'assigned',
  'answered',
  'resolved',
  'returned',
  'reopened',
  'escalated_central',
  'rejected',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const PRIORITIES = ['khan', 'thuong', 'phuc_tap'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What a chat is linked to. */
export const CHAT_ROLES = ['none', 'commune', 'department', 'support', 'leaders'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export const PLATFORMS = ['telegram', 'zalo'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** States in which a department owes an answer (reminders run). */
export const AWAITING_DEPARTMENT: readonly TicketStatus[] = ['assigned', 'reopened'];
/** States in which the ticket is finished. */
export const CLOSED_STATUSES: readonly TicketStatus[] = ['resolved', 'rejected'];
