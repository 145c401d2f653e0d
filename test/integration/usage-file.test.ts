import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readUsageFile } from '../../gateway/src/usage/usage-sink';
import { startStack } from '../helpers/stack';

const CARD = 'query ProfileCard($id: ID!) { user(id: $id) { id name } }';

describe('field usage recorded into USAGE_FILE (no Redis)', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-usage-'));
    file = path.join(dir, 'usage.json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A flush interval far beyond the test: only the shutdown's last write can put the usage in the file.
  const env = () => ({ USAGE_FILE: file, USAGE_FLUSH_MS: '3600000' });

  it('when a gateway stops, then the usage it recorded since its last flush is in the file', async () => {
    // Arrange
    const stack = await startStack({ subgraphs: ['users'], env: env() });
    await stack.query(CARD, { id: '1' });
    await stack.query(CARD, { id: '2' });

    // Act
    await stack.stop();

    // Assert
    const usage = await readUsageFile(file);
    expect(usage['User.name']).toEqual({ count: 2, operations: ['ProfileCard'] });
    expect(usage['Query.user']).toEqual({ count: 2, operations: ['ProfileCard'] });
  });

  it('when a later gateway records into the same file, then its usage is added to what is there', async () => {
    // Arrange
    const stack = await startStack({ subgraphs: ['users'], env: env() });
    await stack.query('query Names { user(id: "3") { name } }');

    // Act
    await stack.stop();

    // Assert
    const usage = await readUsageFile(file);
    expect(usage['User.name']).toEqual({ count: 3, operations: ['Names', 'ProfileCard'] });
    expect(usage['User.id']).toEqual({ count: 2, operations: ['ProfileCard'] });
  });
});
