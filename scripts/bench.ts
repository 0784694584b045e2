/**
 * npm run bench — speed and memory of the hot paths, measured in one run on this machine.
 * Prints a table; the LAST line is one JSON object with every figure (docs/contract.md).
 */
import { escapeHtml } from '../src/core/presentation/markup.js';
import { splitText } from '../src/core/presentation/split.js';

const splitHtml = (html: string, limit: number) => splitText(html, limit, 'html');
import { benchCalendar } from '../tools/bench/calendar.js';
import { benchClassifier } from '../tools/bench/classifier.js';
import { benchReports } from '../tools/bench/reports.js';

function benchSplit(): { splitsPerSecond: number } {
  const text = escapeHtml('Nội dung <dài> & có emoji 😀, chữ עברית. '.repeat(250));
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1000) {
    splitHtml(`<b>HY-0001</b>\n${text}`, 4096);
    n++;
  }
  return { splitsPerSecond: Math.round((n * 1000) / (performance.now() - started)) };
}

const figures: Record<string, number> = {};
const rows: [string, string, string][] = [];
const add = (name: string, value: number, unit: string) => {
  figures[name] = Math.round(value * 100) / 100;
  rows.push([name, value.toLocaleString('en-US', { maximumFractionDigits: 2 }), unit]);
};

const cls = benchClassifier();
add('classificationsPerSecond', cls.classificationsPerSecond, '/s (target ≥ 5000)');
add('classifierLoadMs', cls.loadMs, 'ms');
const cal = benchCalendar();
add('addWorkingPerSecond', cal.addWorkingPerSecond, '/s');
if ('workingMsBetweenPerSecond' in cal) add('workingMsBetweenPerSecond', (cal as { workingMsBetweenPerSecond: number }).workingMsBetweenPerSecond, '/s');
const rep = await benchReports();
add('digestMsFor1000Tickets', rep.digestMsFor1000Tickets, 'ms');
add('xlsxMsFor1000Tickets', rep.xlsxMsFor1000Tickets, 'ms');
add('chartMs', rep.chartMs, 'ms');
add('split10kCharsPerSecond', benchSplit().splitsPerSecond, '/s');
add('heapUsedMb', process.memoryUsage().heapUsed / 1024 / 1024, 'MB');
add('rssMb', process.memoryUsage().rss / 1024 / 1024, 'MB');

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${'figure'.padEnd(width)}  value`);
for (const [name, value, unit] of rows) console.log(`${name.padEnd(width)}  ${value} ${unit}`);
console.log(JSON.stringify(figures));
