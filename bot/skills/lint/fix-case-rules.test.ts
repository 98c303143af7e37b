import { describe, expect, it } from 'vitest';
import { skillFixture } from '../test-skill-fixture.js';
import { lintSkillText } from './lint-skill.js';

function issues(fix: string) {
  return lintSkillText({ path: 'skills/demo-skill/SKILL.md', folderName: 'demo-skill', text: skillFixture({ fix }) })
    .filter((issue) => issue.rule.startsWith('fix-case'))
    .map((issue) => `${issue.line} ${issue.rule}`);
}

describe('fix cases in ## Fix', () => {
  it('accepts cases with a bold title, a when: clause and known placeholders', () => {
    expect(
      issues(
        [
          '- **Tag that does not exist** `when: event~/not found/i; !event~/unauthorized/i`: set {{healthyTag}}.',
          '- **Missing pull secret** `when: event~/unauthorized/i`: add a pull secret for {{image}}.',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('needs a title and a when: clause on every item once there are several cures', () => {
    const found = issues(
      ['- **Tag** `when: event~/not found/i`: fix the tag.', '- add a pull secret', '- **Rate** limit'].join('\n'),
    );
    expect(found.map((issue) => issue.split(' ')[1])).toEqual(['fix-case-title', 'fix-case-when']);
    // Reported at the item's own line in the file.
    expect(new Set(found.map((issue) => Number(issue.split(' ')[0]))).size).toBe(2);
  });

  it('rejects clauses that do not parse, only counter-clauses, and placeholders that are no fact', () => {
    const found = issues(
      [
        '- **A** `when: event~/unclosed`: one.',
        '- **B** `when: !event~/x/`: two.',
        '- **C** `when: log~"x"`: use {{colour}}.',
      ].join('\n'),
    );
    expect(found.map((issue) => issue.split(' ')[1])).toEqual([
      'fix-case-signal',
      'fix-case-when',
      'fix-case-placeholder',
    ]);
  });

  it('leaves a Fix of plain advice alone', () => {
    expect(issues('Change the values file in git and let Argo CD sync it.')).toEqual([]);
  });
});
