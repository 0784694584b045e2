import type { Block } from './content.js';
import { htmlToPlain, type TextFormat } from './markup.js';

/** Renders blocks in a channel's format: a title sits on the line above its block, other blocks are separated by a blank line. */
export function renderBlocks(blocks: readonly Block[], format: TextFormat): string {
  let out = '';
  let afterTitle = false;
  for (const block of blocks) {
    const part = renderBlock(block);
    if (!part) continue;
    if (out) out += afterTitle ? '\n' : '\n\n';
    out += part;
    afterTitle = block.kind === 'title';
  }
  return format === 'html' ? out : htmlToPlain(out);
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'title':
      return `<b>${block.text}</b>`;
    case 'text':
      return block.text;
    case 'fields':
      return block.items.map((f) => `${f.label}: ${f.value}`).join('\n');
    case 'list':
      return block.items
        .map((item, i) => (block.style === 'number' ? `${i + 1}. ${item}` : block.style === 'plain' ? item : `• ${item}`))
        .join('\n');
  }
}
