/**
 * `npm run classify`: reads JSON Lines `{"text": "..."}` on stdin and writes one JSON line per input
 * line: `{"category", "department", "confidence", "runnerUp"}` (plus `"id"` when the input had one).
 * A malformed line yields `{"category": "khac", …, "error": "<lý do>"}`; blank lines are skipped.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defaultClassifier, FALLBACK_CATEGORY } from '../src/domain/classifier/index.js';

const inputSchema = z.object({
  text: z.string(),
  id: z.union([z.string(), z.number()]).optional(),
});

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function errorLine(message: string): string {
  return JSON.stringify({ category: FALLBACK_CATEGORY, department: null, confidence: 0, error: message });
}

function answer(line: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return errorLine('Dòng không phải JSON hợp lệ');
  }
  const parsed = inputSchema.safeParse(value);
  if (!parsed.success) return errorLine('Thiếu trường "text" kiểu chuỗi');
  const { text, id } = parsed.data;
  const result = defaultClassifier().classify(text);
  return JSON.stringify({
    category: result.category,
    department: result.department,
    confidence: round(result.confidence),
    runnerUp: result.runnerUp && { category: result.runnerUp.category, confidence: round(result.runnerUp.confidence) },
    ...(id === undefined ? {} : { id }),
  });
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  let out: string;
  try {
    out = answer(line);
  } catch (error) {
    // One bad report must not stop a batch: report it on its own line and go on.
    out = errorLine(`Lỗi phân loại: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!process.stdout.write(`${out}\n`)) await once(process.stdout, 'drain');
}
