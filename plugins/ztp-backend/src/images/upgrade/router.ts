import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ztpDeviceReadPermission,
  ztpImageUpgradePermission,
} from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { rejectUnusableInput } from '../../inputGuard';
import type { ImageUpgradeStore } from './ImageUpgradeStore';
import type { ImageUpgrades } from './ImageUpgrades';

const bulkBody = z
  .object({
    entityRefs: z.array(z.string().min(1).max(255)).min(1).max(5000),
  })
  .strict();

/**
 * Upgrades to the approved image: start one (POST
 * /devices/:namespace/:name/image/upgrade) or many (POST /images/upgrade,
 * { entityRefs }), with ztp.image.upgrade, audited; GET /images/upgrades
 * lists each device's last upgrade (its state, phase, why it failed) and
 * how many devices need one (the dashboard's counter).
 */
export async function createUpgradeRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  upgrades: Pick<ImageUpgrades, 'request'>;
  upgradeStore: Pick<ImageUpgradeStore, 'list'>;
  /** Devices that run another version than their approved image. */
  countUpgradeNeeded: () => Promise<number>;
}): Promise<express.Router> {
  const { httpAuth, permissions, auditor, upgrades, upgradeStore } = options;
  const router = Router();
  router.use(express.json({ limit: '512kb' }));
  router.use(rejectUnusableInput);

  async function authorize(
    req: express.Request,
    permission = ztpImageUpgradePermission,
  ): Promise<BackstageCredentials<{ type: 'user'; userEntityRef: string }>> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        permission === ztpImageUpgradePermission
          ? 'You are not allowed to upgrade devices (ztp.image.upgrade)'
          : 'You are not allowed to read the ZTP queue',
      );
    }
    return credentials;
  }

  router.get('/images/upgrades', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    res.setHeader('cache-control', 'no-store');
    res.json({
      upgrades: await upgradeStore.list(),
      upgradeNeeded: await options.countUpgradeNeeded(),
    });
  });

  router.post('/devices/:namespace/:name/image/upgrade', async (req, res) => {
    const { namespace, name } = req.params;
    const entityRef = `resource:${namespace}/${name}`.toLocaleLowerCase(
      'en-US',
    );
    const auditorEvent = await auditor.createEvent({
      eventId: 'image-upgrade',
      severityLevel: 'high',
      request: req,
      meta: { entityRef },
    });
    try {
      const credentials = await authorize(req);
      const { refused } = await upgrades.request(
        [entityRef],
        credentials.principal.userEntityRef,
      );
      if (refused.length) {
        const [r] = refused;
        throw r.status === 404
          ? new NotFoundError(r.reason)
          : new ConflictError(r.reason);
      }
      await auditorEvent.success({ meta: { entityRef } });
      res.status(202).json({ started: [entityRef] });
    } catch (error) {
      await auditorEvent.fail({ error: error as Error, meta: { entityRef } });
      throw error;
    }
  });

  router.post('/images/upgrade', async (req, res) => {
    const auditorEvent = await auditor.createEvent({
      eventId: 'image-upgrade',
      severityLevel: 'high',
      request: req,
      meta: { bulk: true },
    });
    try {
      const credentials = await authorize(req);
      const parsed = bulkBody.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(
          `entityRefs: a list of 1 to 5000 device entity refs is required (${parsed.error.issues[0]?.message})`,
        );
      }
      const refs = parsed.data.entityRefs.map(r =>
        r.toLocaleLowerCase('en-US'),
      );
      const result = await upgrades.request(
        refs,
        credentials.principal.userEntityRef,
      );
      await auditorEvent.success({
        meta: { entityRefs: refs, started: result.started },
      });
      res.status(202).json(result);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
