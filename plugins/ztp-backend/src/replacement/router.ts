import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ztpDeviceReadPermission,
  ztpDeviceReplacePermission,
  type ZtpReplacementCsvCheck,
  type ZtpStuckDeviceList,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ZtpStores } from '../database/ZtpStores';
import { rejectUnusableInput } from '../inputGuard';
import {
  entityRefFromParams,
  inputProblem,
  userAuthorizer,
} from '../routeSupport';
import { toZtpDevice } from '../deviceView';
import { DeviceReplacement, MAX_REASON_LENGTH } from './DeviceReplacement';
import { checkReplacementCsv } from './replacementCsv';
import type { ReplacementJobs } from './ReplacementJobs';
import type { ReplacementStore } from './ReplacementStore';

const replaceSchema = z
  .object({
    newSerial: z.string().max(64).optional(),
    newMacAddress: z.string().max(64).optional(),
  })
  .strict();

const reprovisionSchema = z
  .object({ reason: z.string().max(MAX_REASON_LENGTH) })
  .strict();

const csvSchema = z.object({ csv: z.string().max(200_000) }).strict();

export type ReplacementRouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  stores: Pick<ZtpStores, 'devices' | 'events'>;
  replacements: ReplacementStore;
  replacement: DeviceReplacement;
  jobs: ReplacementJobs;
  stuckAfterMs: number;
};

/**
 * Replace device, Re-provision, replacement lists (CSV) and the stuck
 * devices, on the plugin router. Changes need ztp.device.replace and are
 * audited, refused tries included.
 */
export async function createReplacementRouter(
  options: ReplacementRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, stores, replacement, jobs } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  router.use(rejectUnusableInput);

  const authorize = userAuthorizer(httpAuth, permissions);

  /** Runs `action` inside an audit event that records refusals too. */
  async function audited<T>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    action: (actor: string) => Promise<{ body: T; meta?: JsonObject }>,
  ): Promise<T> {
    const auditorEvent = await auditor.createEvent({
      eventId,
      severityLevel: 'high',
      request: req,
      meta,
    });
    try {
      const credentials = await authorize(req, ztpDeviceReplacePermission);
      const result = await action(credentials.principal.userEntityRef);
      await auditorEvent.success({ meta: result.meta });
      return result.body;
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/devices/:namespace/:name/replace', async (req, res) => {
    const entityRef = entityRefFromParams(req);
    const body = await audited(
      req,
      'device-replace',
      { entityRef },
      async actor => {
        const parsed = replaceSchema.safeParse(req.body ?? {});
        if (!parsed.success) throw new InputError(inputProblem(parsed.error));
        const request = { entityRef, actor, ...parsed.data };
        const prepared = await replacement.prepare(request);
        const device = await replacement.replace(request, prepared);
        return {
          body: device,
          meta: {
            previousSerial: prepared.device.expectedSerial,
            newSerial: prepared.newSerial ?? 'learned',
            newMacAddress: prepared.newMacAddress ?? null,
          },
        };
      },
    );
    res.json(body);
  });

  router.post('/devices/:namespace/:name/reprovision', async (req, res) => {
    const entityRef = entityRefFromParams(req);
    const body = await audited(
      req,
      'device-reprovision',
      { entityRef },
      async actor => {
        const parsed = reprovisionSchema.safeParse(req.body ?? {});
        if (!parsed.success) throw new InputError(inputProblem(parsed.error));
        const device = await replacement.reprovision({
          entityRef,
          reason: parsed.data.reason,
          actor,
        });
        return { body: device, meta: { reason: parsed.data.reason } };
      },
    );
    res.json(body);
  });

  async function checkCsv(
    req: express.Request,
  ): Promise<ZtpReplacementCsvCheck> {
    const parsed = csvSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new InputError(inputProblem(parsed.error));
    return checkReplacementCsv(
      parsed.data.csv,
      await stores.devices.listActiveDevices(),
    );
  }

  // Validation only: what a list would do, or every line's problems.
  router.post('/replacements/check', async (req, res) => {
    await authorize(req, ztpDeviceReplacePermission);
    res.json(await checkCsv(req));
  });

  router.post('/replacements/jobs', async (req, res) => {
    const job = await audited(req, 'device-replace-list', {}, async actor => {
      const check = await checkCsv(req);
      if (!check.ok) {
        throw new InputError(
          `The replacement list was refused, nothing was changed: ${check.problems
            .map(p => `line ${p.line}: ${p.message}`)
            .join('; ')}`,
        );
      }
      const started = await jobs.start(check.rows, actor);
      return {
        body: started,
        meta: {
          jobId: started.id,
          entityRefs: check.rows.map(r => r.entityRef),
        },
      };
    });
    res.status(202).json(job);
  });

  router.get('/replacements/jobs/:jobId', async (req, res) => {
    await authorize(req, ztpDeviceReplacePermission);
    const job = await jobs.get(req.params.jobId);
    if (!job)
      throw new NotFoundError(`No replacement list ${req.params.jobId}`);
    res.json(job);
  });

  router.get('/stuck-devices', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    const refs = await options.replacements.listMovingStates();
    const devices = await stores.devices.getDevices(refs);
    const last = await stores.events.lastEvents(refs);
    const now = new Date();
    const items = devices
      .map(d =>
        toZtpDevice(d, last.get(d.entityRef), now, options.stuckAfterMs),
      )
      .filter(d => d.stuck)
      .sort((a, b) => b.stuck!.minutes - a.stuck!.minutes);
    const body: ZtpStuckDeviceList = {
      afterMinutes: options.stuckAfterMs / 60_000,
      items,
    };
    res.json(body);
  });

  return router;
}
