import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Config } from '@backstage/config';
import {
  ztpCredentialsRevealPermission,
  ztpDeviceReadPermission,
  ztpSerialUpdatePermission,
  ztpHostKeyAcceptPermission,
  ZtpDeviceDetails,
  ZtpDeviceList,
  ZtpLocalAccount,
  ZtpSerialCheckResult,
  ZtpDeclarationProblemList,
  ZtpUnknownDeviceList,
  ZTP_INPUT_LIMITS,
} from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { rejectUnusableInput } from './inputGuard';
import type { ZtpStores } from './database/ZtpStores';
import {
  entityRefFromParams,
  inputProblem,
  userAuthorizer,
} from './routeSupport';
import { readImageSettings } from './images/settings';
import type { CredentialVault } from './credentials/CredentialVault';
import { toZtpDevice, toZtpEvent } from './deviceView';
import type { SerialCheckService } from './serialChecks/SerialCheckService';
import { HostKeyAcceptance } from './hostKeyAcceptance';
import { SerialCorrection } from './serialCorrection';
import type { ZtpSignalPublisher } from './signals/ZtpSignalPublisher';

const listQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    confMin: z.enum(['not-loaded', 'loaded']).optional(),
    serial: z.enum(['not-checked', 'mismatch', 'checked']).optional(),
    confFinal: z.enum(['not-pushed', 'pushing', 'pushed', 'failed']).optional(),
    site: z.string().max(255).optional(),
    platform: z.string().max(64).optional(),
    image: z.enum(['compliant', 'upgrade-needed', 'unknown']).optional(),
    q: z.string().max(200).optional(),
    orderBy: z
      .enum(['name', 'site', 'platform', 'managementIp', 'updatedAt'])
      .default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    includeRemoved: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
  })
  .strict();

const newSerialSchema = z
  .object({ newSerial: z.string(), wrongSerial: z.string().max(64).optional() })
  .strict();

const acceptHostKeySchema = z
  .object({
    fingerprint: z
      .string()
      .regex(
        /^SHA256:[A-Za-z0-9+/]{43}$/,
        'must be an OpenSSH fingerprint like SHA256: followed by 43 base64 characters',
      ),
  })
  .strict();

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  stores: Pick<
    ZtpStores,
    | 'devices'
    | 'events'
    | 'serialChecks'
    | 'serialCorrections'
    | 'unknownDevices'
    | 'declarationProblems'
  >;
  vault: CredentialVault;
  catalog: CatalogService;
  serialChecks: SerialCheckService;
  publisher: ZtpSignalPublisher;
  auth: { getOwnServiceCredentials(): Promise<BackstageCredentials> };
  /** Whether an unknown-device identifier now matches a declared device. */
  isDeclared?: (identifier: string) => boolean;
  /** ztp.stuck.afterMinutes in ms: devices carry the stuck flag. */
  stuckAfterMs?: number;
  /** For the approved images of ztp.images (the Image column and filter). */
  config?: Config;
};

const declarationReportsSchema = z.object({
  reports: z
    .array(
      z.object({
        entityRef: z.string().min(1).max(ZTP_INPUT_LIMITS.entityRef),
        location: z.string().max(2048).optional(),
        problems: z.array(z.string().max(2000)).max(50),
      }),
    )
    .max(200),
});

/** The portal's JSON API: every route for a signed-in user, permission-checked. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, stores, vault, serialChecks } =
    options;
  const serialCorrection = new SerialCorrection({
    ...options,
    onChanged: ref => options.publisher.changed(ref),
  });
  const hostKeys = new HostKeyAcceptance({
    stores,
    serialChecks,
    onChanged: ref => options.publisher.changed(ref),
  });
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(rejectUnusableInput);

  const authorize = userAuthorizer(httpAuth, permissions);

  async function deviceOr404(entityRef: string) {
    const device = await stores.devices.getDevice(entityRef);
    if (!device) {
      throw new NotFoundError(`No device ${entityRef} in the ZTP queue`);
    }
    return device;
  }

  async function view(entityRef: string) {
    const device = await deviceOr404(entityRef);
    const last = await stores.events.lastEvents([entityRef]);
    return toZtpDevice(
      device,
      last.get(entityRef),
      undefined,
      options.stuckAfterMs,
    );
  }

  // The approved images are config, read once as the image catalog does:
  // the Image filter compares the stored versions with them in SQL.
  const approvedImages = options.config
    ? readImageSettings(options.config).approved
    : [];

  router.get('/devices', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new InputError(inputProblem(parsed.error));
    const query = parsed.data;
    const [{ devices, totalCount }, summary, facets] = await Promise.all([
      stores.devices.listDevices(query, approvedImages),
      stores.devices.summary(),
      stores.devices.facets(),
    ]);
    const last = await stores.events.lastEvents(devices.map(d => d.entityRef));
    const body: ZtpDeviceList = {
      items: devices.map(d =>
        toZtpDevice(d, last.get(d.entityRef), undefined, options.stuckAfterMs),
      ),
      totalCount,
      summary,
      facets,
    };
    res.json(body);
  });

  router.get('/devices/:namespace/:name', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    const entityRef = entityRefFromParams(req);
    const device = await view(entityRef);
    const events = await stores.events.listEvents(entityRef, 200);
    const body: ZtpDeviceDetails = { device, events: events.map(toZtpEvent) };
    res.json(body);
  });

  router.post(
    '/devices/:namespace/:name/credentials/reveal',
    async (req, res) => {
      const entityRef = entityRefFromParams(req);
      const auditorEvent = await auditor.createEvent({
        eventId: 'credentials-reveal',
        severityLevel: 'medium',
        request: req,
        meta: { entityRef },
      });
      try {
        const credentials = await authorize(
          req,
          ztpCredentialsRevealPermission,
        );
        const device = await deviceOr404(entityRef);
        const account: ZtpLocalAccount = {
          username: device.localUsername,
          password: vault.decrypt(device.localPasswordEnc, device.entityRef),
        };
        await stores.events.addEvent({
          entityRef,
          type: 'credentials.revealed',
          actor: credentials.principal.userEntityRef,
          message: `Local account ${device.localUsername} revealed to ${credentials.principal.userEntityRef}`,
        });
        options.publisher.changed(entityRef);
        await auditorEvent.success();
        res.setHeader('cache-control', 'no-store');
        res.json(account);
      } catch (error) {
        await auditorEvent.fail({ error: error as Error });
        throw error;
      }
    },
  );

  router.post('/devices/:namespace/:name/serial-check', async (req, res) => {
    const credentials = await authorize(req, ztpSerialUpdatePermission);
    const entityRef = entityRefFromParams(req);
    await deviceOr404(entityRef);
    const result = await serialChecks.check(
      entityRef,
      credentials.principal.userEntityRef,
    );
    if (!result) {
      throw new ConflictError(
        'A serial check of this device is already running; its result will appear shortly',
      );
    }
    const body: ZtpSerialCheckResult = {
      outcome: result.outcome,
      reason: result.reason,
      ...(result.loggedIn === false ? { loggedIn: false } : {}),
      device: await view(entityRef),
    };
    res.json(body);
  });

  router.post('/devices/:namespace/:name/serial', async (req, res) => {
    const credentials = await authorize(req, ztpSerialUpdatePermission);
    const entityRef = entityRefFromParams(req);
    const parsed = newSerialSchema.safeParse(req.body);
    if (!parsed.success) throw new InputError(inputProblem(parsed.error));
    const request = {
      entityRef,
      newSerial: parsed.data.newSerial,
      wrongSerial: parsed.data.wrongSerial,
      actor: credentials.principal.userEntityRef,
    };
    const prepared = await serialCorrection.prepare(request);
    const auditorEvent = await auditor.createEvent({
      eventId: 'serial-correct',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef,
        previousSerial: prepared.device.expectedSerial,
        newSerial: prepared.newSerial,
      },
    });
    try {
      const body = await serialCorrection.correct(request, prepared);
      await auditorEvent.success();
      res.json(body);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/devices/:namespace/:name/host-key/accept', async (req, res) => {
    const entityRef = entityRefFromParams(req);
    const auditorEvent = await auditor.createEvent({
      eventId: 'host-key-accept',
      severityLevel: 'high',
      request: req,
      meta: { entityRef },
    });
    try {
      const credentials = await authorize(req, ztpHostKeyAcceptPermission);
      const parsed = acceptHostKeySchema.safeParse(req.body);
      if (!parsed.success) throw new InputError(inputProblem(parsed.error));
      const body = await hostKeys.accept({
        entityRef,
        fingerprint: parsed.data.fingerprint,
        actor: credentials.principal.userEntityRef,
      });
      await auditorEvent.success({
        meta: {
          acceptedHostKey: parsed.data.fingerprint,
          pinnedHostKey: body.device.serial.hostKeyFingerprint,
        },
      });
      res.json(body);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/unknown-devices', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    const rows = await stores.unknownDevices.listUnknownDevices(200);
    // Devices that asked before they were declared are not unknown anymore.
    const isDeclared = options.isDeclared ?? (() => false);
    const body: ZtpUnknownDeviceList = {
      items: rows
        .filter(r => !isDeclared(r.identifier))
        .map(r => ({
          ...r,
          firstSeen: r.firstSeen.toISOString(),
          lastSeen: r.lastSeen.toISOString(),
        })),
    };
    res.json(body);
  });

  router.get('/declaration-problems', async (req, res) => {
    // People need the read permission. The catalog module (a service)
    // reads them back after a restart, to have the declarations it refused
    // processed again.
    const caller = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (caller.principal.type !== 'service') {
      await authorize(req, ztpDeviceReadPermission);
    }
    const rows = await stores.declarationProblems.list();
    const body: ZtpDeclarationProblemList = {
      items: rows.map(r => ({
        entityRef: r.entityRef,
        location: r.location,
        problems: r.problems,
        firstSeen: r.firstSeenAt.toISOString(),
        lastSeen: r.updatedAt.toISOString(),
      })),
    };
    res.json(body);
  });

  // From the catalog processor: what it found wrong in declarations, and
  // which are fine again. Only backend services may report.
  router.post('/declaration-problems', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const parsed = declarationReportsSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(inputProblem(parsed.error));
    }
    await stores.declarationProblems.report(
      parsed.data.reports.map(r => ({
        ...r,
        entityRef: r.entityRef.toLocaleLowerCase('en-US'),
      })),
      new Date(),
    );
    res.status(204).end();
  });

  // For the catalog processor that puts corrected serials on entities.
  router.get('/serial-corrections', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const rows = await stores.serialCorrections.listSerialCorrections();
    res.json({
      items: rows.map(r => ({
        ...r,
        correctedAt: r.correctedAt.toISOString(),
      })),
    });
  });

  return router;
}
