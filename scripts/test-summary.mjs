// Prints "N passed, N failed, N skipped" from Vitest's JSON report. A file that failed to load counts
// as a failure even though it has no test results of its own.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`no test report at ${file}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const brokenFiles = report.testResults.filter(
  (f) => f.status === 'failed' && f.assertionResults.length === 0,
).length;
const passed = report.numPassedTests;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
