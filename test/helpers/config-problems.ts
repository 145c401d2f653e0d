import { ConfigError, loadConfig } from '../../gateway/src/config';

/** The problems loadConfig reports for `env`; fails the test when the config is accepted. */
export function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}
