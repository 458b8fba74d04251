import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ztpConfigPushPermission,
  ZtpBulkPushJob,
  ZtpFinalConfigPreview,
  ZtpPushResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ZtpStores } from '../database/ZtpStores';
import type { ImageGate } from '../images/imageGate';
import { rejectUnusableInput } from '../inputGuard';
import type { BulkPushJobs } from './BulkPushJobs';
import type { FinalConfigService } from './FinalConfigService';

/** Bulk pushes are kept this long after they end (the daily cleanup). */
export const JOB_RETENTION_DAYS = 7;

/** Most devices one bulk push may name. */
const MAX_BULK_DEVICES = 1000;

const bulkBodySchema = z
  .object({
    entityRefs: z
      .array(z.string().min(1).max(255))
      .min(1, 'name at least one device')
      .max(MAX_BULK_DEVICES, `name at most ${MAX_BULK_DEVICES} devices`),
  })
  .strict();

export type FinalConfigRouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  stores: Pick<ZtpStores, 'devices'>;
  service: Pick<FinalConfigService, 'preview' | 'push' | 'refusal'>;
  jobs: Pick<BulkPushJobs, 'start' | 'get'>;
  /** Refuses devices that do not run their approved image (ztp.images). */
  imageGate?: Pick<ImageGate, 'enforce' | 'refusal'>;
};

/**
 * The Conf Final part of the portal API, mounted on the plugin router:
 * preview and push one device, start and follow a bulk push. Every route
 * is for a signed-in user holding ztp.config.push.
 */
export async function createFinalConfigRouter(
  options: FinalConfigRouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, stores, service, jobs } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  router.use(rejectUnusableInput);

  async function authorize(
    req: express.Request,
  ): Promise<BackstageCredentials<{ type: 'user'; userEntityRef: string }>> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: ztpConfigPushPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'You are not allowed to preview or push final configurations',
      );
    }
    return credentials;
  }

  function refFromParams(req: express.Request): string {
    const { namespace, name } = req.params;
    return `resource:${namespace}/${name}`.toLocaleLowerCase('en-US');
  }

  router.get('/devices/:namespace/:name/final-config', async (req, res) => {
    await authorize(req);
    const body: ZtpFinalConfigPreview = await service.preview(
      refFromParams(req),
      { readRunning: req.query.running !== 'false' },
    );
    res.setHeader('cache-control', 'no-store');
    res.json(body);
  });

  router.post(
    '/devices/:namespace/:name/final-config/push',
    async (req, res) => {
      const entityRef = refFromParams(req);
      const auditorEvent = await auditor.createEvent({
        eventId: 'final-config-push',
        severityLevel: 'high',
        request: req,
        meta: { entityRef },
      });
      try {
        const credentials = await authorize(req);
        await options.imageGate?.enforce(req, entityRef, credentials);
        const body: ZtpPushResult = await service.push(
          entityRef,
          credentials.principal.userEntityRef,
        );
        if (body.ok) {
          await auditorEvent.success({ meta: { entityRef } });
        } else {
          await auditorEvent.fail({
            error: new Error(body.error ?? 'push failed'),
            meta: { entityRef, rolledBack: body.rolledBack },
          });
        }
        res.json(body);
      } catch (error) {
        await auditorEvent.fail({ error: error as Error });
        throw error;
      }
    },
  );

  router.post('/final-config/push', async (req, res) => {
    const auditorEvent = await auditor.createEvent({
      eventId: 'final-config-push',
      severityLevel: 'high',
      request: req,
      meta: { bulk: true },
    });
    try {
      const credentials = await authorize(req);
      const parsed = bulkBodySchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(
          parsed.error.issues
            .map(i =>
              i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
            )
            .join('; '),
        );
      }
      const problems: string[] = [];
      const refs: string[] = [];
      for (const raw of parsed.data.entityRefs) {
        try {
          const ref = stringifyEntityRef(
            parseEntityRef(raw, {
              defaultKind: 'resource',
              defaultNamespace: 'default',
            }),
          ).toLocaleLowerCase('en-US');
          if (!refs.includes(ref)) refs.push(ref);
        } catch {
          problems.push(`"${raw}" is not an entity reference`);
        }
      }
      const devices = await stores.devices.getDevices(refs);
      for (const ref of refs) {
        const refusal = service.refusal(
          devices.find(d => d.entityRef === ref),
          ref,
        );
        if (refusal) problems.push(refusal.message);
        const imageRefusal = options.imageGate?.refusal(
          devices.find(d => d.entityRef === ref),
        );
        if (imageRefusal) problems.push(imageRefusal);
      }
      if (problems.length) {
        throw new InputError(`Nothing was pushed: ${problems.join('; ')}`);
      }
      const job: ZtpBulkPushJob = await jobs.start(
        refs,
        credentials.principal.userEntityRef,
      );
      await auditorEvent.success({ meta: { jobId: job.id, entityRefs: refs } });
      res.status(202).json(job);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/final-config/push/:jobId', async (req, res) => {
    await authorize(req);
    const job = await jobs.get(req.params.jobId);
    if (!job) {
      throw new NotFoundError(
        `No bulk push ${req.params.jobId}: unknown, or ended more than ${JOB_RETENTION_DAYS} days ago`,
      );
    }
    res.setHeader('cache-control', 'no-store');
    res.json(job);
  });

  return router;
}
