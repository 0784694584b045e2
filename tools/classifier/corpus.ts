import { z } from 'zod';

/** One labelled report of the corpus (`data/classifier/*.jsonl`). */
export interface LabelledExample {
  text: string;
  category: string;
}

const labelledLineSchema = z.object({ text: z.string(), category: z.string().min(1) });

/** Parses JSON Lines of `{"text", "category"}`; blank lines are skipped and bad lines reported by number. */
export function parseLabelledLines(content: string): { examples: LabelledExample[]; errors: string[] } {
  const examples: LabelledExample[] = [];
  const errors: string[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push(`dòng ${i + 1}: không phải JSON hợp lệ`);
      return;
    }
    const parsed = labelledLineSchema.safeParse(value);
    if (parsed.success) examples.push(parsed.data);
    else errors.push(`dòng ${i + 1}: cần {"text": "...", "category": "..."}`);
  });
  return { examples, errors };
}
