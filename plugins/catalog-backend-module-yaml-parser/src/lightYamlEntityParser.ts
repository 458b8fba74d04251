import { CORE_SCHEMA, loadAll } from 'js-yaml';
import type { Entity } from '@backstage/catalog-model';
import {
  parseEntityYaml,
  processingResult,
  type CatalogProcessorParser,
} from '@backstage/plugin-catalog-node';

/*
 * An alias (*name) anywhere: Backstage's parser caps how many a document
 * may use (a few lines of aliases can stand for gigabytes once written out
 * as JSON); js-yaml has no such cap, so such a file takes Backstage's way.
 * Also matches a `*` in plain text, which only costs the slower way.
 */
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,\]}]/m;

/*
 * A directive (%YAML 1.1, %TAG): Backstage's parser reads a document
 * marked YAML 1.1 with 1.1's rules (yes is true), js-yaml with the core
 * schema it is given.
 */
const DIRECTIVE = /^%/m;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The documents of a YAML file when js-yaml reads them all, with YAML 1.2's
 * core schema (as Backstage's parser: no timestamps, no merge keys), as
 * objects or empty; undefined when the file needs Backstage's parser for
 * the same result: a syntax error, a document that is not an object (their
 * errors are Backstage's own, per document), aliases or directives.
 */
export function plainDocuments(
  text: string,
): Record<string, unknown>[] | undefined {
  if (ALIAS.test(text) || DIRECTIVE.test(text)) return undefined;
  let documents: unknown[];
  try {
    documents = loadAll(text, null, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const objects: Record<string, unknown>[] = [];
  for (const document of documents) {
    if (document === null || document === undefined) continue;
    if (!isPlainObject(document)) return undefined;
    objects.push(document);
  }
  return objects;
}

/**
 * The catalog's parser of YAML locations (catalog-info.yaml, a file of
 * devices). Backstage's own builds a syntax tree of the whole file before
 * any entity: a file of 10,000 devices (5.4 MB) took 1.7 s and 95 MB of heap
 * at each processing of its location, every two minutes; js-yaml builds the
 * objects directly, 0.2 s and 15 MB. Whatever js-yaml would read otherwise
 * than Backstage's parser goes to Backstage's parser, so the entities and
 * errors are the same.
 */
export const lightYamlEntityParser: CatalogProcessorParser =
  async function* lightYamlEntityParser({ data, location }) {
    const documents = plainDocuments(data.toString('utf8'));
    if (!documents) {
      yield* parseEntityYaml(data, location);
      return;
    }
    for (const entity of documents) {
      // What Backstage's parser hands on too: an object, checked later.
      yield processingResult.entity(location, entity as unknown as Entity);
    }
  };
