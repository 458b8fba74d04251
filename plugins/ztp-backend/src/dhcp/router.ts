import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ztpDeviceReadPermission,
  ZtpDhcpApplyStatus,
} from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import { userAuthorizer } from '../routeSupport';
import type { DhcpService } from './DhcpService';

/** Entries of each list in a summary unless asked otherwise. */
const DEFAULT_SUMMARY_LIMIT = 20;
const MAX_SUMMARY_LIMIT = 1000;

/**
 * The DHCP part of the portal API: the generated Kea configuration (whole
 * or reservations alone, with its problems), a summary of it and of the
 * leases (counts and first entries, what the dashboard polls), the apply
 * status and the leases, for a signed-in user who may read the queue.
 */
export async function createDhcpRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: Pick<DhcpService, 'configView' | 'leases' | 'summary'>;
  /** The apply status; download mode when no Kea control endpoint is configured. */
  status: () => Promise<ZtpDhcpApplyStatus>;
}): Promise<express.Router> {
  const { httpAuth, permissions, service, status } = options;
  const router = Router();

  const authorizeUser = userAuthorizer(httpAuth, permissions);
  const authorize = (req: express.Request) =>
    authorizeUser(req, ztpDeviceReadPermission);

  router.get('/dhcp/kea-config', async (req, res) => {
    await authorize(req);
    const part = req.query.part ?? 'whole';
    if (part !== 'whole' && part !== 'reservations') {
      throw new InputError(
        `part must be "whole" or "reservations", not ${JSON.stringify(part)}`,
      );
    }
    res.setHeader('cache-control', 'no-store');
    res.json(await service.configView(part));
  });

  router.get('/dhcp/summary', async (req, res) => {
    await authorize(req);
    const raw = req.query.limit ?? String(DEFAULT_SUMMARY_LIMIT);
    const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? +raw : -1;
    if (limit < 0 || limit > MAX_SUMMARY_LIMIT) {
      throw new InputError(
        `limit must be a whole number from 0 to ${MAX_SUMMARY_LIMIT}, not ${JSON.stringify(
          raw,
        )}`,
      );
    }
    res.setHeader('cache-control', 'no-store');
    res.json(await service.summary(limit));
  });

  router.get('/dhcp/status', async (req, res) => {
    await authorize(req);
    res.setHeader('cache-control', 'no-store');
    res.json(await status());
  });

  router.get('/dhcp/leases', async (req, res) => {
    await authorize(req);
    res.setHeader('cache-control', 'no-store');
    res.json(await service.leases());
  });

  return router;
}
