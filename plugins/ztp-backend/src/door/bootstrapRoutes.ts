import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ZtpEventType } from '@ztp-portal/backstage-plugin-ztp-common';
import type { NewEvent } from '../database/types';
import type { BootstrapFileIndex } from './BootstrapFileIndex';
import type { DeviceIndex, DoorIdentity } from './DeviceIndex';
import type { DoorResponse } from './DeviceRequestHandler';

const BOOT_ROUTE = /^\/ztp\/boot\/([^/?]+)\/?(?:\?.*)?$/;
const REPORT_ROUTE =
  /^\/ztp\/report\/([0-9a-f]{32})\/([a-z-]+)(?:\/([A-Za-z0-9_-]*))?\/?(?:\?.*)?$/i;

/** What each reported stage means, in the timeline's words. */
const STAGES: Record<string, string> = {
  started: 'script started',
  applied: 'configuration applied',
  staged: 'configuration staged; POAP applies it after the reboot',
  image: 'software image',
  'image-failed':
    'software image not taken; the device keeps its old image and goes on',
};

/** The timeline event of a stage that is not plain progress. */
const EVENT_OF_STAGE: Record<string, ZtpEventType> = {
  failed: 'bootstrap.failed',
  'image-failed': 'bootstrap.image-failed',
};

/** Longest device output a report may carry into the timeline. */
const MAX_DETAIL = 1500;

export type BootstrapRoutesOptions = {
  files: BootstrapFileIndex;
  index: DeviceIndex<DoorIdentity>;
  store: { addEvent(event: NewEvent): Promise<void> };
  logger: LoggerService;
  /** Records that the device fetched its configuration (Conf Min Loaded). */
  recordDelivery(
    device: DoorIdentity,
    sourceIp: string,
    via: string,
  ): Promise<boolean>;
  /** A device's report is in its timeline. */
  onReported(entityRef: string): void;
};

function decodeDetail(encoded: string | undefined): string {
  if (!encoded) return '';
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  // Control characters would garble the timeline; keep line breaks.
  const printable = [...text]
    .filter(c => c === '\n' || c === '\t' || (c >= ' ' && c !== '\u007f'))
    .join('');
  return printable
    .replace(/[^\S\n]+/g, ' ')
    .trim()
    .slice(0, MAX_DETAIL);
}

/**
 * The door's routes for platforms' own ZTP agents: the files they download
 * by name (/ztp/boot/<name>, and the same names over TFTP), and the device
 * callback scripts report their progress to (/ztp/report/<token>/<stage>),
 * which goes into the device's timeline. Reports are plain GETs: the door
 * reads no request bodies, and every agent can send a GET.
 */
export class BootstrapRoutes {
  constructor(private readonly options: BootstrapRoutesOptions) {}

  /** Whether the URL is one of these routes. */
  matches(url: string): boolean {
    return url.startsWith('/ztp/boot/') || url.startsWith('/ztp/report/');
  }

  async respond(request: {
    url: string;
    sourceIp: string;
    head: boolean;
  }): Promise<DoorResponse> {
    const boot = BOOT_ROUTE.exec(request.url);
    if (boot) {
      let name: string;
      try {
        name = decodeURIComponent(boot[1]);
      } catch {
        return { status: 400, body: 'bad file name\n' };
      }
      return this.serve(name, request.sourceIp, request.head, 'HTTP');
    }
    const report = REPORT_ROUTE.exec(request.url);
    if (report) {
      return this.report(report[1], report[2], report[3], request.sourceIp);
    }
    return { status: 404, body: 'not found\n' };
  }

  /** A TFTP read request: the same files by name, any directory ignored. */
  async tftp(
    filename: string,
    sourceIp: string,
  ): Promise<DoorResponse | undefined> {
    const name = filename.replace(/^.*\//, '');
    if (!this.options.files.find(name, this.askingDevice(sourceIp))) {
      return undefined;
    }
    return this.serve(name, sourceIp, false, 'TFTP');
  }

  /** Whether a TFTP name is answered per device, by the asking address. */
  answersBySourceAddress(filename: string): boolean {
    return this.options.files.answersBySourceAddress(
      filename.replace(/^.*\//, ''),
    );
  }

  /** The device declared at the address a request comes from, if any. */
  private askingDevice(sourceIp: string): string | undefined {
    return this.options.index.findByIp(sourceIp)?.entityRef;
  }

  private async serve(
    name: string,
    sourceIp: string,
    head: boolean,
    via: string,
  ): Promise<DoorResponse> {
    const found = this.options.files.find(name, this.askingDevice(sourceIp));
    if (!found) return { status: 404, body: `no file named ${name}\n` };
    const { file, entityRef } = found;
    const device = entityRef ? this.options.index.get(entityRef) : undefined;
    const response: DoorResponse = {
      status: 200,
      body: file.body,
      contentType: file.contentType,
    };
    if (!file.deliversConfig || !device || head) return response;
    const recorded = await this.options.recordDelivery(
      device,
      sourceIp,
      `${file.name} over ${via}`,
    );
    if (!recorded) {
      return {
        status: 503,
        body: 'try again\n',
        headers: { 'retry-after': '5' },
      };
    }
    return { ...response, device };
  }

  private async report(
    token: string,
    stage: string,
    encodedDetail: string | undefined,
    sourceIp: string,
  ): Promise<DoorResponse> {
    const entityRef = this.options.files.deviceOfToken(token);
    if (!entityRef) return { status: 404, body: 'unknown report token\n' };
    const lower = stage.toLowerCase();
    if (lower !== 'failed' && !STAGES[lower]) {
      return {
        status: 400,
        body: `unknown stage "${stage}": started, applied, staged, image, image-failed or failed\n`,
      };
    }
    const detail = decodeDetail(encodedDetail);
    const failed = lower === 'failed';
    try {
      await this.options.store.addEvent({
        entityRef,
        type: EVENT_OF_STAGE[lower] ?? 'bootstrap.progress',
        actor: `device:${sourceIp}`,
        message: failed
          ? `failed: ${detail || 'no detail'}`
          : `${STAGES[lower]}${detail ? `: ${detail}` : ''}`,
        details: { stage: lower },
      });
    } catch (error) {
      this.options.logger.error(
        `Could not record the report of ${entityRef}: ${error}`,
      );
      return {
        status: 503,
        body: 'try again\n',
        headers: { 'retry-after': '5' },
      };
    }
    this.options.onReported(entityRef);
    return { status: 200, body: 'recorded\n' };
  }
}
