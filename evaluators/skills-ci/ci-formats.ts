import type { SkillsCiReport } from './run-skills-ci.js';

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // XML 1.0 has no control characters besides tab, newline and carriage return.
      .replace(/[^\t\n\r\u0020-\u{10FFFF}]/gu, '')
  );
}

/**
 * JUnit XML: one suite for lint (a case per skill file with issues, failing on errors) and one
 * for scenarios (a case per scenario, failing when it fails now or got worse).
 */
export function toJunit(report: SkillsCiReport): string {
  const lintByFile = new Map<string, typeof report.lint.issues>();
  for (const issue of report.lint.issues) lintByFile.set(issue.path, [...(lintByFile.get(issue.path) ?? []), issue]);
  const lintCases = [...lintByFile].map(([path, issues]) => {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const text = issues.map((issue) => `${issue.path}:${issue.line}: ${issue.rule}: ${issue.message}`).join('\n');
    return errors.length > 0
      ? `    <testcase classname="skills.lint" name="${xml(path)}"><failure message="` +
          `${xml(`${errors.length} lint errors`)}">${xml(text)}</failure></testcase>`
      : `    <testcase classname="skills.lint" name="${xml(path)}"><system-out>${xml(text)}</system-out></testcase>`;
  });
  const lintFailures = lintCases.filter((line) => line.includes('<failure')).length;
  const scenarioCases = report.cases.map((item) => {
    const isFailed = item.change === 'worse' || (item.isRegression && !item.head.isPassed) || !item.head.isPassed;
    const name = `${item.scenario}${item.change === 'same' ? '' : ` (${item.change})`}`;
    const classname = item.isRegression ? 'skills.regressions' : 'skills.scenarios';
    const message = item.change === 'worse' ? `got worse: ${item.head.reason}` : item.head.reason;
    return isFailed
      ? `    <testcase classname="${classname}" name="${xml(name)}" file="${xml(item.file)}"><failure message="` +
          `${xml(message)}"/></testcase>`
      : `    <testcase classname="${classname}" name="${xml(name)}" file="${xml(item.file)}"/>`;
  });
  const scenarioFailures = scenarioCases.filter((line) => line.includes('<failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sre-bot skills ci" tests="${lintCases.length + scenarioCases.length}" failures="` +
      `${lintFailures + scenarioFailures}">`,
    `  <testsuite name="lint" tests="${lintCases.length}" failures="${lintFailures}">`,
    ...lintCases,
    '  </testsuite>',
    `  <testsuite name="scenarios" tests="${scenarioCases.length}" failures="${scenarioFailures}">`,
    ...scenarioCases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** SARIF 2.1.0: lint issues at their file and line, and each scenario that got worse or fails as a regression. */
export function toSarif(report: SkillsCiReport): string {
  const rules = new Map<string, string>();
  const results: unknown[] = [];
  for (const issue of report.lint.issues) {
    rules.set(issue.rule, issue.rule === 'security' ? 'Skill security scan' : `Skill lint: ${issue.rule}`);
    results.push({
      ruleId: issue.rule,
      level: issue.severity === 'error' ? 'error' : 'warning',
      message: { text: issue.message },
      locations: [
        { physicalLocation: { artifactLocation: { uri: issue.path }, region: { startLine: Math.max(1, issue.line) } } },
      ],
    });
  }
  for (const item of report.cases) {
    const isWorse = item.change === 'worse';
    if (!isWorse && !(item.isRegression && !item.head.isPassed)) continue;
    const ruleId = isWorse ? 'scenario-worse' : 'regression-scenario-fails';
    rules.set(
      ruleId,
      isWorse ? 'A scenario that passed before the change fails with it' : 'A regression scenario fails',
    );
    results.push({
      ruleId,
      level: 'error',
      message: { text: `${item.scenario}: ${item.head.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: item.file }, region: { startLine: 1 } } }],
    });
  }
  return `${JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'sre-bot skills ci',
              informationUri: 'https://agentskills.io',
              rules: [...rules].map(([id, text]) => ({ id, shortDescription: { text } })),
            },
          },
          results,
        },
      ],
    },
    null,
    2,
  )}\n`;
}
