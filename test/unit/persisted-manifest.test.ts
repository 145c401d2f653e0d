import { readFileSync } from 'node:fs';
import { buildManifest, MANIFEST_PATH } from '../../scripts/persisted-manifest';
import { loadManifest, operationId } from '../../gateway/src/cache/manifest';

describe('persisted-query manifest', () => {
  it('when gateway/operations changes, then the committed manifest must be regenerated (npm run manifest)', () => {
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(buildManifest());
  });

  it('when the committed manifest is loaded, then it is valid and every id is the sha256 of its body', () => {
    const operations = loadManifest(MANIFEST_PATH);
    expect(operations.map((o) => o.name)).toContain('Profile');
    for (const op of operations) expect(op.id).toBe(operationId(op.body));
  });
});
