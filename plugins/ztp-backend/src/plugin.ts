import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  ztpPlatformsExtensionPoint,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { setupDhcp } from './dhcp';
import { setupFinalConfig } from './finalConfig';
import { BootstrapImages, setupImages } from './images';
import { ImageGate } from './images/imageGate';
import { createPlatformsRouter } from './platforms/router';
import { setupImageUpgrades } from './images/upgrade';
import { TftpDoorStatus } from './door/TftpDoorStatus';
import { setupDoor } from './door/setupDoor';
import { setupQueueSync } from './queue/setupQueueSync';
import { setupReplacement } from './replacement';
import { createRouter } from './router';
import { setupZtpCore } from './setupZtpCore';
import { openDeviceCli } from './ssh';
import { scheduleZtpTasks } from './tasks/scheduleZtpTasks';

/**
 * The ZTP backend plugin: serves booting devices their minimal
 * configuration, keeps the ZTP queue in step with the catalog, checks
 * serials over SSH and gives the portal its API.
 *
 * @public
 */
export const ztpPlugin = createBackendPlugin({
  pluginId: 'ztp',
  register(env) {
    const addedPlatforms: ZtpPlatformDriver[] = [];
    env.registerExtensionPoint(ztpPlatformsExtensionPoint, {
      addPlatform(driver) {
        addedPlatforms.push(driver);
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { logger, lifecycle, httpRouter } = deps;
        const core = await setupZtpCore(deps, addedPlatforms);
        const { stores, vault, platforms, publisher, doorView } = core;
        const queue = await setupQueueSync(deps, core);
        httpRouter.use(
          await createRouter({
            ...deps,
            ...core,
            isDeclared: identifier => doorView.isDeclared(identifier),
            stuckAfterMs: core.replacementSettings.stuckAfterMs,
          }),
        );
        // Approved images: verified files, served by the door under
        // /ztp/images/, and the gate of Conf Final.
        const images = await setupImages(deps);
        httpRouter.use(images.router);
        // Upgrades to the approved image (operator or automatic).
        const imageUpgrades = await setupImageUpgrades({
          ...deps,
          stores,
          vault,
          platforms,
          catalog: images.catalog,
          approved: images.settings.approved,
          openCli: openDeviceCli,
          ssh: core.settings.serialCheck,
          doorUrl: core.settings.provisioning.deviceUrl,
          onChanged: ref => publisher.changed(ref),
        });
        httpRouter.use(imageUpgrades.router);
        // Where the automatic upgrade covers a device, its own agent takes
        // the approved image while it boots; re-rendered when images change.
        const bootstrapImages = new BootstrapImages({
          catalog: images.catalog,
          settings: imageUpgrades.settings,
          doorUrl: core.settings.provisioning.deviceUrl,
        });
        core.renderer.takeImagesFrom(bootstrapImages);
        images.onServableChanged(() => doorView.refreshSoon());
        // Conf Final: generation, preview and push of production configurations.
        const finalConfig = await setupFinalConfig({
          ...deps,
          stores,
          vault,
          platforms,
          openCli: openDeviceCli,
          onChanged: ref => publisher.changed(ref),
          imageGate: new ImageGate({
            ...deps,
            catalog: images.catalog,
            stores,
          }),
        });
        httpRouter.use(finalConfig.router);
        // Replace device (RMA), Re-provision, replacement lists, stuck devices.
        const replacement = await setupReplacement({
          ...deps,
          ...core,
          settings: core.replacementSettings,
          hasher: queue.hasher,
          push: (ref, actor) => finalConfig.service.push(ref, actor),
          onChanged: ref => {
            publisher.changed(ref);
            doorView.changed(ref);
          },
        });
        httpRouter.use(replacement.router);
        // DHCP from the catalog: the Kea configuration, applied when a
        // control endpoint is configured.
        // The TFTP door's state: kept by the door, shown by the DHCP card
        // (options 66/150 name the door).
        const tftpStatus = new TftpDoorStatus();
        const dhcp = await setupDhcp({
          ...deps,
          tftpProblem: () => tftpStatus.problem(),
          db: await deps.database.getClient(),
          stores,
          platforms,
          imageFor: device => bootstrapImages.imageFor(device),
        });
        httpRouter.use(dhcp.router);
        images.onServableChanged(() => dhcp.service.imagesChanged());
        httpRouter.use(await createPlatformsRouter({ ...deps, platforms }));
        const doors = await setupDoor({
          ...deps,
          ...core,
          images,
          tftpStatus,
          // The door sees the bytes an upgrade's download has sent.
          onImageProgress: downloads =>
            imageUpgrades.upgrades.downloadProgress(downloads),
        });

        let stopping = false;
        const isStopped = () => stopping;
        let doorOpened: Promise<void> = Promise.resolve();
        lifecycle.addStartupHook(async () => {
          // Hashing large images takes seconds: the rest starts meanwhile,
          // and an image is served once its file is verified.
          images
            .start()
            .catch(e => logger.error(`Could not verify the images: ${e}`));
          const openDoor = () => doors.open(isStopped);
          ({ doorOpened } = await queue.start({ openDoor, isStopped }));
          doors.startUpkeep();
          await doors.startTftp();
          await imageUpgrades.start();
        });
        lifecycle.addShutdownHook(async () => {
          stopping = true;
          await doorOpened;
          doors.stopUpkeep();
          core.serialChecks.stop();
          await imageUpgrades.stop();
          await finalConfig.jobs.stop();
          await replacement.jobs.settled();
          replacement.jobs.stop();
          await doors.stop();
          await publisher.flushNow();
          await queue.hasher.close();
        });

        await scheduleZtpTasks({
          ...deps,
          ...core,
          sync: queue.sync,
          replacementFollowUp: replacement.followUp,
          replacementJobs: replacement.jobs,
          finalConfig,
          dhcp,
        });
      },
    });
  },
});
