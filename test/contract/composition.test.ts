/** The five schema.graphql files compose into one supergraph, in-process (the Rover check is compose:check). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry';

describe('subgraph composition', () => {
  it('when the five schema.graphql files are composed, then there are no composition errors', () => {
    // Arrange
    const services = SUBGRAPH_NAMES.map((name) => ({
      name,
      url: `http://127.0.0.1/${name}/graphql`,
      typeDefs: parse(readFileSync(join(__dirname, '../../subgraphs', name, 'schema.graphql'), 'utf8')),
    }));

    // Act
    const result = composeServices(services);

    // Assert
    expect(result.errors?.map((error) => error.message)).toBeUndefined();
    expect(result.supergraphSdl).toContain('type User');
  });
});
