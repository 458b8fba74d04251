import fs from 'node:fs/promises';
import path from 'node:path';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ANNOTATION_VARIABLES } from '@ztp-portal/backstage-plugin-ztp-common';
import yaml from 'yaml';
import {
  FinalConfigVariables,
  InvalidVariablesError,
  parseFinalConfigVariables,
} from './variables';

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Whether a path relative to a directory leaves it. */
function isOutside(relative: string): boolean {
  return (
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  );
}

/**
 * Reads the final-configuration variables a device entity references with
 * ztp.network/variables. The path is resolved against the location the
 * entity came from (backstage.io/managed-by-location): from disk for a
 * `file:` location, never outside that file's directory, and through the
 * UrlReader (with the integrations' credentials and allow-lists) for a
 * `url:` location or an absolute URL.
 */
export class VariablesReader {
  constructor(private readonly urlReader: Pick<UrlReaderService, 'readUrl'>) {}

  async read(
    entity: Entity,
  ): Promise<{ variables: FinalConfigVariables; source: string }> {
    const ref = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const reference = annotations[ANNOTATION_VARIABLES]?.trim();
    if (!reference) {
      throw new InputError(
        `${ref} has no ${ANNOTATION_VARIABLES} annotation: the final configuration is rendered from a variables file (interfaces, routing, ACLs) that the annotation names, e.g. ./vars/${entity.metadata.name}.yaml`,
      );
    }
    const { source, text } = await this.fetch(ref, reference, annotations);
    let data: unknown;
    try {
      data = yaml.parse(text, { prettyErrors: true });
    } catch (error) {
      throw new InputError(
        `The variables file ${source} of ${ref} is not valid YAML: ${
          (error as Error).message
        }`,
      );
    }
    try {
      return { variables: parseFinalConfigVariables(data, source), source };
    } catch (error) {
      if (error instanceof InvalidVariablesError) {
        throw new InputError(`${error.message} (variables of ${ref})`);
      }
      throw error;
    }
  }

  private async fetch(
    ref: string,
    reference: string,
    annotations: Record<string, string>,
  ): Promise<{ source: string; text: string }> {
    if (ABSOLUTE_URL.test(reference) && !reference.startsWith('file:')) {
      return this.readUrl(ref, reference);
    }
    const locationRef = annotations[ANNOTATION_LOCATION];
    if (!locationRef) {
      throw new InputError(
        `${ref} has no ${ANNOTATION_LOCATION} annotation, so its ${ANNOTATION_VARIABLES} "${reference}" cannot be resolved`,
      );
    }
    const location = parseLocationRef(locationRef);
    if (location.type === 'url') {
      let url: string;
      try {
        url = new URL(reference, location.target).toString();
      } catch {
        throw new InputError(
          `${ANNOTATION_VARIABLES} of ${ref}: "${reference}" is not a path or URL`,
        );
      }
      return this.readUrl(ref, url);
    }
    if (location.type === 'file') {
      return this.readFile(ref, reference, location.target);
    }
    throw new InputError(
      `${ref} comes from a ${location.type}: location; variables files are read from file: and url: locations only`,
    );
  }

  private async readFile(
    ref: string,
    reference: string,
    locationFile: string,
  ): Promise<{ source: string; text: string }> {
    const base = path.dirname(path.resolve(locationFile));
    const relative = reference.startsWith('file:')
      ? reference.slice('file:'.length)
      : reference;
    const file = path.resolve(base, relative);
    const rel = path.relative(base, file);
    if (isOutside(rel)) {
      throw new InputError(
        `${ANNOTATION_VARIABLES} of ${ref}: "${reference}" resolves to ${file}, outside ${base} (the directory of the entity's location); refusing to read it`,
      );
    }
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch (error) {
      throw new InputError(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `The variables file ${reference} of ${ref} does not exist (looked for ${file})`
          : `The variables file ${file} of ${ref} cannot be read: ${
              (error as Error).message
            }`,
      );
    }
    // A symbolic link must not lead out of the location's directory either.
    const realBase = await fs.realpath(base);
    const inside = path.relative(realBase, real);
    if (isOutside(inside)) {
      throw new InputError(
        `${ANNOTATION_VARIABLES} of ${ref}: "${reference}" leads to ${real}, outside ${realBase}; refusing to read it`,
      );
    }
    try {
      return { source: file, text: await fs.readFile(real, 'utf8') };
    } catch (error) {
      throw new InputError(
        `The variables file ${file} of ${ref} cannot be read: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async readUrl(
    ref: string,
    url: string,
  ): Promise<{ source: string; text: string }> {
    try {
      const response = await this.urlReader.readUrl(url);
      return { source: url, text: (await response.buffer()).toString('utf8') };
    } catch (error) {
      const e = error as Error;
      throw new InputError(
        e.name === 'NotFoundError'
          ? `The variables file ${url} of ${ref} does not exist`
          : `The variables file ${url} of ${ref} cannot be read: ${e.message}`,
      );
    }
  }
}
