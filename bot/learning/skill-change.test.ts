import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { packageRoot } from '../package-root.js';
import { lintSkillText } from '../skills/lint/lint-skill.js';
import { parseSignals } from '../skills/signals.js';
import { proposeSkillChange, type CorrectionFacts, type SkillLibraryView } from './skill-change.js';
import { readMetadata } from './skill-edit.js';

const library: SkillLibraryView = {
  directory: 'skills',
  read: (name) => {
    try {
      return readFileSync(join(packageRoot(), 'skills', name, 'SKILL.md'), 'utf8');
    } catch {
      return undefined;
    }
  },
  lintOptions: { knownTools: new Set(listMcpToolNames()) },
};

const facts = (over: Partial<CorrectionFacts> = {}): CorrectionFacts => ({
  id: 'c1',
  date: '2026-12-04',
  correctRootCause: 'the liveness probe checks port 8080 but the container listens on 9090',
  targetSkill: 'probe-failures',
  wrongSkill: 'oomkilled',
  wrongRootCause: 'the container ran out of memory',
  evidence: [
    {
      text: 'Liveness probe failed: dial tcp 10.0.0.7:8080: connect: connection refused',
      source: 'k8s',
      kind: 'event',
    },
    { text: 'payments-api restarted 7 times', source: 'k8s', kind: 'container_state' },
  ],
  ...over,
});

function lintErrors(skill: string, text: string) {
  return lintSkillText(
    { path: `skills/${skill}/SKILL.md`, folderName: skill, text },
    { knownTools: new Set(listMcpToolNames()) },
  ).filter((issue) => issue.severity === 'error');
}

describe('proposeSkillChange', () => {
  it(
    'adds a dated entry, the signal that singles the cause out and a counter-signal on the look-alike, all ' +
      'lint-clean',
    () => {
      const proposal = proposeSkillChange([facts()], library);
      expect(proposal.skill).toBe('probe-failures');
      const target = proposal.files.find((file) => file.skill === 'probe-failures');
      expect(target?.after).toMatch(
        /## Corrections\n\n- 2026-12-04: sre-bot said "the container ran out of memory"; it was:/,
      );
      const signals = readMetadata(target?.after ?? '')['signals'] ?? '';
      expect(signals).toContain('event~"Liveness probe failed: dial tcp 10.0.0.7:8080" ^2');
      expect(parseSignals(signals).errors).toEqual([]);
      const wrong = proposal.files.find((file) => file.skill === 'oomkilled');
      expect(readMetadata(wrong?.after ?? '')['signals']).toContain(
        '!event~"Liveness probe failed: dial tcp 10.0.0.7:8080"',
      );
      for (const file of proposal.files) expect(lintErrors(file.skill, file.after)).toEqual([]);
      // Everything else in the file is kept as written.
      expect(target?.after).toContain(target?.before?.split('## Corrections')[0]?.split('---').at(-1) ?? 'x');
    },
  );

  it('folds similar corrections into one entry and keeps different ones apart', () => {
    const proposal = proposeSkillChange(
      [
        facts(),
        facts({
          id: 'c2',
          date: '2026-12-05',
          correctRootCause: 'liveness probe checks port 8080, the container listens on 9090',
        }),
        facts({ id: 'c3', correctRootCause: 'the readiness probe path /healthz returns 500 after the upgrade' }),
      ],
      library,
    );
    const after = proposal.files[0]?.after ?? '';
    const entries = after.split('## Corrections')[1]?.match(/^- \d{4}-\d{2}-\d{2}:/gm) ?? [];
    expect(entries).toHaveLength(2);
    expect(after).toContain('(reported 2 times)');
    expect(proposal.correctionIds).toEqual(['c1', 'c2', 'c3']);
  });

  it('counts a repeat of a mistake the skill already records instead of stacking a second entry', () => {
    const once = proposeSkillChange([facts()], library).files[0]?.after ?? '';
    const again = proposeSkillChange([facts({ id: 'c9', date: '2026-12-09' })], {
      ...library,
      read: (name) => (name === 'probe-failures' ? once : library.read(name)),
    });
    const after = again.files[0]?.after ?? '';
    expect(after.split('## Corrections')[1]?.match(/^- \d{4}-\d{2}-\d{2}:/gm)).toHaveLength(1);
    expect(after).toContain('(reported 2 times)');
    expect(again.summary[0]).toContain('now counts 2 reports');
  });

  it('scaffolds a new skill from the evidence that passes lint when the named skill does not exist', () => {
    const proposal = proposeSkillChange(
      [
        facts({
          targetSkill: 'liveness-port-mismatch',
          wrongSkill: undefined,
          correctFix: 'set the probe port to 9090',
        }),
      ],
      library,
    );
    expect(proposal.isNewSkill).toBe(true);
    const file = proposal.files[0];
    expect(file?.path).toBe('skills/liveness-port-mismatch/SKILL.md');
    expect(file?.before).toBeUndefined();
    expect(lintErrors('liveness-port-mismatch', file?.after ?? '')).toEqual([]);
    expect(readMetadata(file?.after ?? '')['signals']).toBe(
      'event~"Liveness probe failed: dial tcp 10.0.0.7:8080" ^2\n',
    );
    expect(file?.after).toContain('In this case: set the probe port to 9090');
  });
});
