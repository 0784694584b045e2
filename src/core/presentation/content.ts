/**
 * Content is built once, as blocks, and rendered per channel: markup for channels that show it,
 * plain text for the others. Blocks hold markup strings (see markup.ts); text people typed is
 * already inside them through `userText`.
 */

export type Block =
  /** A bold first line: what the message is about. */
  | { kind: 'title'; text: string }
  /** Free text, one or more lines. */
  | { kind: 'text'; text: string }
  /** `label: value` lines. */
  | { kind: 'fields'; items: readonly { label: string; value: string }[] }
  /** Items, one per line, with a bullet, a number or nothing in front. */
  | { kind: 'list'; items: readonly string[]; style?: 'bullet' | 'number' | 'plain' };

/**
 * A semantic choice offered with a message: what pressing it does (`data`, the same string a
 * button carries: `t:<action>:<ticket>[:<arg>]`) and its label. A channel with buttons shows
 * buttons; one without shows a numbered list that the person answers by typing the number.
 */
export interface Choice {
  label: string;
  data: string;
}

/** A message waiting for the person's next message (a reason, an answer). */
export interface PromptSpec {
  /** What the reply will be taken as (`reject`, `answer`, `reopen`, …). */
  kind: string;
  ticketId: number;
}

export const text = (markup: string): Block[] => [{ kind: 'text', text: markup }];
