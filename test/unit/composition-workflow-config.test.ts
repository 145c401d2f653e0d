import path from 'node:path';
import { parseWorkflowConfig, WorkflowConfigError } from '../../scripts/composition/workflow-config';

const baseDir = path.resolve('/repo');

describe('parseWorkflowConfig (rover.config.yaml)', () => {
  it('when the file is empty, then every setting has its default, with paths relative to the file', () => {
    // Act
    const config = parseWorkflowConfig('', { baseDir });

    // Assert
    expect(config).toEqual({
      supergraphConfig: path.join(baseDir, 'supergraph.yaml'),
      output: path.join(baseDir, 'supergraph.graphql'),
      failOnHints: false,
      introspectionTimeoutMs: 10_000,
    });
  });

  it('when settings are given, then they are used', () => {
    // Act
    const config = parseWorkflowConfig(
      'supergraph_config: ./graphs/sg.yaml\noutput: out/sg.graphql\nfail_on_hints: true\nintrospection_timeout_ms: 500\n',
      { baseDir },
    );

    // Assert
    expect(config).toEqual({
      supergraphConfig: path.join(baseDir, 'graphs/sg.yaml'),
      output: path.join(baseDir, 'out/sg.graphql'),
      failOnHints: true,
      introspectionTimeoutMs: 500,
    });
  });

  it('when a key is unknown or a value has the wrong type, then every problem is reported', () => {
    // Arrange
    const text = 'outptu: ./x.graphql\nfail_on_hints: "yes"\nintrospection_timeout_ms: -1\n';

    // Act
    let caught: unknown;
    try {
      parseWorkflowConfig(text, { baseDir, sourceName: 'rover.config.yaml' });
    } catch (error) {
      caught = error;
    }

    // Assert
    expect(caught).toBeInstanceOf(WorkflowConfigError);
    expect((caught as WorkflowConfigError).issues).toEqual([
      expect.stringMatching(/^rover\.config\.yaml: outptu: unknown key/),
      'rover.config.yaml: fail_on_hints: must be true or false',
      'rover.config.yaml: introspection_timeout_ms: must be a positive whole number of milliseconds',
    ]);
  });
});
