import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { FinalConfigModel } from './model';
import { addTemplateFilters } from './templateFilters';

/** A role name that can be a template file name: no paths, no dots. */
const ROLE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

/** The template that renders the bootstrap account's removal. */
export const ACCOUNT_REMOVAL_TEMPLATE = '_remove-account.njk';

export type RenderedFinalConfig = {
  /** The production configuration, without the account removal. */
  config: string;
  /** Applied last, once the configuration is in place and verified. */
  accountRemoval: string;
  /** Which template rendered it: <platform id>/<file>, e.g. .../leaf.njk. */
  template: string;
};

/**
 * Drops the blank lines that template logic leaves behind: device
 * configurations separate sections with "!" (or nothing), never with
 * empty lines.
 */
function tidy(text: string): string {
  const lines = text
    .split('\n')
    .map(line => line.trimEnd())
    .filter(line => line !== '');
  return `${lines.join('\n')}\n`;
}

/**
 * Serves "<platform>/<file>" from the platform's own template directory, so
 * that an override can extend the file it replaces.
 */
class PlatformPrefixLoader extends nunjucks.Loader {
  private readonly files: nunjucks.FileSystemLoader;

  constructor(private readonly platform: string, directory: string) {
    super();
    this.files = new nunjucks.FileSystemLoader(directory, { noCache: false });
  }

  getSource(name: string) {
    const prefix = `${this.platform}/`;
    if (!name.startsWith(prefix)) return null as any;
    return this.files.getSource(name.slice(prefix.length));
  }
}

/**
 * Renders final configurations from Nunjucks templates, one directory per
 * platform (its PlatformFinalConfig.templateDirectory): <role>.njk for a
 * device of that role, else default.njk. A directory configured in
 * ztp.templates.<platform>.final is searched first, so a site can replace
 * any file (a role, default.njk or _lib.njk) and still extend the
 * platform's own, which stay reachable as "<platform>/<file>".
 */
export class FinalConfigRenderer {
  private readonly environments = new Map<string, nunjucks.Environment>();

  constructor(
    private readonly options: {
      platforms: Pick<PlatformRegistry, 'get'>;
      /** Platform id to a directory of override templates. */
      overrideDirectories?: Record<string, string>;
    },
  ) {}

  /** The override directory, then the platform's own. */
  private searchPaths(platform: string): string[] {
    const override = this.options.overrideDirectories?.[platform];
    const own =
      this.options.platforms.get(platform)?.finalConfig?.templateDirectory;
    return [
      ...(override ? [path.resolve(override)] : []),
      ...(own ? [own] : []),
    ];
  }

  private environment(platform: string): nunjucks.Environment {
    let env = this.environments.get(platform);
    if (!env) {
      const own =
        this.options.platforms.get(platform)?.finalConfig?.templateDirectory;
      env = new nunjucks.Environment(
        [
          new nunjucks.FileSystemLoader(this.searchPaths(platform), {
            noCache: false,
          }),
          ...(own ? [new PlatformPrefixLoader(platform, own)] : []),
        ],
        {
          autoescape: false,
          throwOnUndefined: true,
          trimBlocks: true,
          lstripBlocks: true,
        },
      );
      addTemplateFilters(env);
      this.environments.set(platform, env);
    }
    return env;
  }

  /** The template file a device of this platform and role is rendered with. */
  templateFor(platform: string, role?: string): string {
    const paths = this.searchPaths(platform);
    const candidates =
      role && ROLE_PATTERN.test(role)
        ? [`${role}.njk`, 'default.njk']
        : ['default.njk'];
    for (const file of candidates) {
      if (paths.some(dir => fs.existsSync(path.join(dir, file)))) {
        return file;
      }
    }
    throw new Error(
      `No final-configuration template for platform ${platform}: expected default.njk in ${
        paths.join(' or ') || 'the directory its module names'
      }`,
    );
  }

  render(model: FinalConfigModel): RenderedFinalConfig {
    const platform = model.device.platform;
    const env = this.environment(platform);
    const template = this.templateFor(platform, model.device.role);
    const context = { ...model };
    try {
      return {
        config: tidy(env.render(template, context)),
        accountRemoval: tidy(env.render(ACCOUNT_REMOVAL_TEMPLATE, context)),
        template: `${platform}/${template}`,
      };
    } catch (error) {
      throw new Error(
        `Rendering ${platform}/${template} for ${
          model.device.entityRef
        } failed: ${(error as Error).message}`,
      );
    }
  }
}
