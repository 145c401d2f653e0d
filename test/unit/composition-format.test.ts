import {
  formatCompositionError,
  formatFailureSummary,
  formatSuccessSummary,
  shortDiff,
} from '../../scripts/composition/format';

describe('formatCompositionError', () => {
  it('when composition names no subgraph, then the line is just the code and message', () => {
    // Act
    const line = formatCompositionError({ code: 'SOME_CODE', subgraphs: [], message: 'Something broke', locations: [] });

    // Assert
    expect(line).toBe('error[SOME_CODE]: Something broke');
  });
});

describe('summaries', () => {
  it('when counting errors and warnings, then nouns are pluralised and zero warnings are omitted', () => {
    // Act + Assert
    expect(formatFailureSummary(1, 0)).toBe('composition failed: 1 error');
    expect(formatFailureSummary(3, 2)).toBe('composition failed: 3 errors, 2 warnings');
    expect(formatSuccessSummary(5, 1, 'supergraph.graphql')).toBe('composed 5 subgraphs with 1 warning → supergraph.graphql');
  });
});

describe('shortDiff', () => {
  it('when the texts are equal, then the diff is empty', () => {
    // Act + Assert
    expect(shortDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('when one line in the middle changed, then only that line is marked, with two lines of context', () => {
    // Arrange
    const onDisk = ['l1', 'l2', 'l3', 'old', 'l5', 'l6', 'l7', ''].join('\n');
    const composed = ['l1', 'l2', 'l3', 'new', 'l5', 'l6', 'l7', ''].join('\n');

    // Act
    const diff = shortDiff(onDisk, composed, { onDiskLabel: 'supergraph.graphql (on disk)', composedLabel: 'composed now' });

    // Assert
    expect(diff).toBe(
      ['--- supergraph.graphql (on disk)', '+++ composed now', '@@ -4,1 +4,1 @@', ' l2', ' l3', '-old', '+new', ' l5', ' l6'].join('\n'),
    );
  });

  it('when many lines were added, then the excerpt is clipped', () => {
    // Arrange
    const added = Array.from({ length: 20 }, (_, i) => `field${i}: Int`);

    // Act
    const diff = shortDiff('type A {\n}\n', `type A {\n${added.join('\n')}\n}\n`, { maxLines: 3 });

    // Assert
    expect(diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual([
      '+field0: Int',
      '+field1: Int',
      '+field2: Int',
      '+… 17 more line(s)',
    ]);
  });
});
