/*
 * The benchmark's catalog: the generated fleet held in memory and answered
 * the way the catalog backend answers it, so that the ZTP plugin's own cost
 * is what the benchmark measures.
 *
 * Backstage's test catalog (InMemoryCatalogClient) builds the search rows of
 * every entity for every request: a page of 500 devices out of 10,000 cost
 * the whole fleet, a pass of the queue sync the fleet twenty times over,
 * every 10 seconds, and that garbage and CPU landed on the backend measured
 * here. The catalog backend reads a page through its database's indexes,
 * and stamps every stored entity with an etag (which the queue sync uses to
 * skip unchanged entities): so does this one. Requests it does not know
 * (other filters, other orderings) go to the test catalog.
 *
 *   catalogServiceFactory(entities) -> a service factory for createBackend
 */
'use strict';

const { createHash } = require('node:crypto');
const { createServiceFactory } = require('@backstage/backend-plugin-api');
const { catalogServiceRef } = require('@backstage/plugin-catalog-node');
const {
  InMemoryCatalogClient,
} = require('@backstage/catalog-client/testUtils');
const { stringifyEntityRef } = require('@backstage/catalog-model');

const CURSOR_PREFIX = 'bench:';

/** The value at a dotted path ('metadata.name'), or undefined. */
function valueAt(entity, field) {
  let value = entity;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

/** The entity with only these fields (dotted paths), as the catalog's `fields`. */
function pick(entity, fields) {
  if (!fields?.length) return entity;
  const out = {};
  for (const field of fields) {
    const value = valueAt(entity, field);
    if (value === undefined) continue;
    const parts = field.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) target = target[part] ??= {};
    target[parts[parts.length - 1]] = value;
  }
  return out;
}

/** Whether a filter is one plain object of exact string matches. */
function simpleFilter(filter) {
  return (
    filter &&
    !Array.isArray(filter) &&
    Object.values(filter).every(v => typeof v === 'string')
  );
}

function matches(entity, filter) {
  return Object.entries(filter).every(
    ([field, value]) =>
      String(valueAt(entity, field) ?? '').toLocaleLowerCase('en-US') ===
      value.toLocaleLowerCase('en-US'),
  );
}

class BenchCatalog extends InMemoryCatalogClient {
  constructor(entities) {
    const stamped = entities.map(e => ({
      ...e,
      metadata: {
        ...e.metadata,
        uid:
          e.metadata.uid ??
          createHash('sha1').update(stringifyEntityRef(e)).digest('hex'),
        etag:
          e.metadata.etag ??
          createHash('sha1').update(JSON.stringify(e)).digest('hex'),
      },
    }));
    super({ entities: stamped });
    this.byRef = new Map(
      stamped.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
    );
    this.all = stamped;
    /** Sorted result lists per filter, computed once (the data never changes). */
    this.lists = new Map();
  }

  list(filter) {
    const key = JSON.stringify(filter);
    let list = this.lists.get(key);
    if (!list) {
      list = this.all
        .filter(e => matches(e, filter))
        .sort((a, b) =>
          a.metadata.name < b.metadata.name
            ? -1
            : Number(a.metadata.name > b.metadata.name),
        );
      this.lists.set(key, list);
    }
    return list;
  }

  async queryEntities(request, options) {
    let filter;
    let offset = 0;
    if (request && typeof request.cursor === 'string') {
      if (!request.cursor.startsWith(CURSOR_PREFIX)) {
        return super.queryEntities(request, options);
      }
      ({ filter, offset } = JSON.parse(
        Buffer.from(request.cursor.slice(CURSOR_PREFIX.length), 'base64url'),
      ));
    } else {
      const order = request?.orderFields;
      const byName =
        !order ||
        (!Array.isArray(order) &&
          order.field === 'metadata.name' &&
          order.order === 'asc');
      if (
        !simpleFilter(request?.filter) ||
        !byName ||
        request.fullTextFilter ||
        request.query
      ) {
        return super.queryEntities(request, options);
      }
      filter = request.filter;
    }
    const list = this.list(filter);
    const limit = request.limit ?? list.length;
    const items = list
      .slice(offset, offset + limit)
      .map(e => pick(e, request.fields));
    const next = offset + limit;
    return {
      items,
      totalItems: list.length,
      pageInfo:
        next < list.length
          ? {
              nextCursor: `${CURSOR_PREFIX}${Buffer.from(
                JSON.stringify({ filter, offset: next }),
              ).toString('base64url')}`,
            }
          : {},
    };
  }

  async getEntitiesByRefs(request, options) {
    if (request.filter !== undefined && !simpleFilter(request.filter)) {
      return super.getEntitiesByRefs(request, options);
    }
    return {
      items: request.entityRefs.map(ref => {
        const entity = this.byRef.get(ref.toLocaleLowerCase('en-US'));
        if (!entity || (request.filter && !matches(entity, request.filter))) {
          return undefined;
        }
        return pick(entity, request.fields);
      }),
    };
  }
}

exports.catalogServiceFactory = entities =>
  createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => new BenchCatalog(entities),
  });
