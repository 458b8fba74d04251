import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import {
  WinstonLogger,
  type WinstonLoggerOptions,
} from '@backstage/backend-defaults/rootLogger';
import type { Config } from '@backstage/config';
import { format, transports } from 'winston';
import { loadConfigSchemaInChildProcess } from './configSchemaInChildProcess';

const LEVELS = ['error', 'warn', 'info', 'debug'];

type WinstonLoggerLevelOverride = Parameters<
  WinstonLogger['setLevelOverrides']
>[0][number];

/** backend.logger, as Backstage's root logger reads it. */
function loggerConfig(config: Config) {
  const overrides = config
    .getOptionalConfigArray('backend.logger.overrides')
    ?.map((override, i) => {
      const level = override.getString('level');
      if (!LEVELS.includes(level)) {
        throw new Error(
          `Invalid config at backend.logger.overrides[${i}].level, '${level}' is not a valid logging level, must be one of ${LEVELS.map(
            l => `'${l}'`,
          ).join(', ')}.`,
        );
      }
      const matchers = override
        .getConfig('matchers')
        .get<WinstonLoggerLevelOverride['matchers']>();
      return { matchers, level };
    });
  return {
    level: config.getOptionalString('backend.logger.level'),
    meta: config
      .getOptionalConfig('backend.logger.meta')
      ?.get<NonNullable<WinstonLoggerOptions['meta']>>(),
    overrides: overrides ?? [],
    redactAllowlist: new Set(
      config
        .getOptionalStringArray('backend.logger.redactAllowlist')
        ?.map(s => s.trim()),
    ),
  };
}

/**
 * Backstage's root logger (the same logger, levels, overrides and redaction
 * of every config value its schema marks secret), with the config schema
 * collected in a child process rather than in the backend: see
 * loadConfigSchemaInChildProcess.
 */
export const rootLoggerServiceFactory = createServiceFactory({
  service: coreServices.rootLogger,
  deps: { config: coreServices.rootConfig },
  async factory({ config }) {
    const settings = loggerConfig(config);
    const logger = WinstonLogger.create({
      meta: { service: 'backstage', ...settings.meta },
      level: process.env.LOG_LEVEL || settings.level || 'info',
      format:
        process.env.NODE_ENV === 'production'
          ? format.combine(format.timestamp(), format.json())
          : WinstonLogger.colorFormat(),
      transports: [new transports.Console()],
    });
    const schema = await loadConfigSchemaInChildProcess({
      onWarning: message => logger.warn(message),
    });
    const secretsOf = await createConfigSecretEnumerator({ logger, schema });
    const redact = () => {
      const { redactAllowlist } = loggerConfig(config);
      logger.addRedactions(
        [...secretsOf(config)].filter(s => !redactAllowlist.has(s.trim())),
      );
    };
    redact();
    config.subscribe?.(redact);
    logger.setLevelOverrides(settings.overrides);
    config.subscribe?.(() =>
      logger.setLevelOverrides(loggerConfig(config).overrides),
    );
    return logger;
  },
});
