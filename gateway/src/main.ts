import { isClusterPrimary, runPrimary } from './cluster';
import { ConfigError, loadConfig } from './config';
import { summarizeConfig } from './config-summary';
import { createLogger } from './logger';
import { startTracing } from './observability/tracing';
import { startGateway } from './server';

/** Process entry: the only place that reads process.env and the only place that exits. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.log);
  if (isClusterPrimary(config.workers)) {
    log.info({ config: summarizeConfig(config) }, 'starting gateway cluster');
    process.exit(await runPrimary({ workers: config.workers, log, shutdownGraceMs: config.http.shutdownGraceMs }));
  }
  log.info({ config: summarizeConfig(config) }, 'starting gateway');
  const tracing = config.tracing ? startTracing(config.tracing) : undefined;
  const gateway = await startGateway(config, { log }).catch((err: unknown) => {
    log.fatal({ err }, 'gateway failed to start');
    process.exit(1);
  });
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second Ctrl-C means "now"
    log.info({ signal }, 'shutting down');
    gateway
      .stop()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
