import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/**
 * Where declared devices go when `ztp.scaffolder.localCatalogFile` is unset:
 * the portal's data directory (gitignored), never a tracked file of the
 * source tree.
 */
export const DEFAULT_LOCAL_CATALOG_FILE = '.data/declared-devices.yaml';

const HEADER = `# Network devices declared with the Scaffolder template "Declare a network
# device" (action ztp:device:declare). The portal reads this file as a
# catalog location; entries may be edited or removed by hand.
`;

/**
 * The monorepo root: the nearest folder from start upwards whose
 * package.json declares workspaces (the backend runs in packages/backend).
 */
export function findRepoRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    try {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      if (pkg.workspaces) return dir;
    } catch {
      // No package.json here: keep going up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

/**
 * Resolves the configured file: a relative path is taken from the repo root
 * and may not leave it; an absolute path is the operator's explicit choice.
 * Either way it must be a YAML file.
 */
export function resolveLocalCatalogFile(
  config: Config,
  repoRoot: string,
): { path: string; root: string; restrictToRoot: boolean } {
  const configured =
    config.getOptionalString('ztp.scaffolder.localCatalogFile') ??
    DEFAULT_LOCAL_CATALOG_FILE;
  const restrictToRoot = !path.isAbsolute(configured);
  const resolved = restrictToRoot
    ? resolveSafeChildPath(repoRoot, configured)
    : path.resolve(configured);
  if (!/\.ya?ml$/i.test(resolved)) {
    throw new Error(
      `ztp.scaffolder.localCatalogFile must name a .yaml or .yml file, got "${configured}"`,
    );
  }
  return { path: resolved, root: repoRoot, restrictToRoot };
}

/** One YAML document of an entity, in the style of the repository's files. */
export function entityDocument(entity: Entity): string {
  return `---\n${yaml.stringify(entity, { singleQuote: true })}`;
}

// Appends from concurrent tasks in this process go one after the other.
const fileLocks = new Map<string, Promise<unknown>>();

function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = fileLocks.get(file) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(fn);
  fileLocks.set(file, next);
  void next
    .catch(() => {})
    .finally(() => {
      if (fileLocks.get(file) === next) fileLocks.delete(file);
    });
  return next;
}

/**
 * A YAML document stream of entities that the catalog reads as a location,
 * to which declarations are appended.
 */
export class LocalCatalogFile {
  constructor(
    readonly options: { path: string; root: string; restrictToRoot: boolean },
  ) {}

  get path(): string {
    return this.options.path;
  }

  /** The path to show users: relative to the repo root when inside it. */
  get displayPath(): string {
    const relative = path.relative(this.options.root, this.options.path);
    return relative.startsWith('..') || path.isAbsolute(relative)
      ? this.options.path
      : relative;
  }

  /** The entities in the file now (none when it does not exist yet). */
  async read(): Promise<Entity[]> {
    const text = await this.readText();
    if (text === undefined) return [];
    const documents = yaml.parseAllDocuments(text);
    const entities: Entity[] = [];
    for (const doc of documents) {
      if (doc.errors.length) {
        throw new InputError(
          `${this.displayPath} is not valid YAML (${doc.errors[0].message}); fix it before declaring more devices`,
        );
      }
      const value = doc.toJS();
      if (value && typeof value === 'object') entities.push(value as Entity);
    }
    return entities;
  }

  /**
   * Appends an entity as a new document, after `check` has seen the
   * entities already in the file and not thrown. Check and append happen
   * under one lock, so two declarations cannot both pass the check.
   */
  async append(
    entity: Entity,
    check: (existing: Entity[]) => void | Promise<void>,
  ): Promise<string> {
    return withFileLock(this.options.path, async () => {
      await this.assertSafeTarget();
      await check(await this.read());
      const current = (await this.readText()) ?? '';
      const document = entityDocument(entity);
      let prefix = '';
      if (!current.trim()) prefix = current ? '' : HEADER;
      else if (!current.endsWith('\n')) prefix = '\n';
      await fs.promises.appendFile(this.options.path, prefix + document, {
        encoding: 'utf8',
        mode: 0o644,
      });
      return document;
    });
  }

  /**
   * Creates the file with its header when it does not exist yet, so the
   * catalog location that names it reads an empty list, not a missing file.
   */
  async ensureExists(): Promise<void> {
    await withFileLock(this.options.path, async () => {
      await this.assertSafeTarget();
      if ((await this.readText()) === undefined) {
        await fs.promises.writeFile(this.options.path, HEADER, {
          encoding: 'utf8',
          mode: 0o644,
          flag: 'wx',
        });
      }
    });
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await fs.promises.readFile(this.options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The file is a plain file (or absent) and stays where it was configured. */
  private async assertSafeTarget() {
    const { path: file, root, restrictToRoot } = this.options;
    const dir = path.dirname(file);
    await fs.promises.mkdir(dir, { recursive: true });
    if (restrictToRoot) {
      const realDir = await fs.promises.realpath(dir);
      const realRoot = await fs.promises.realpath(root);
      const rel = path.relative(realRoot, realDir);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new Error(
          `The local catalog file ${file} resolves outside the repository`,
        );
      }
    }
    try {
      const stat = await fs.promises.lstat(file);
      if (!stat.isFile()) {
        throw new Error(
          `The local catalog file ${file} is not a regular file (a link or a folder)`,
        );
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
