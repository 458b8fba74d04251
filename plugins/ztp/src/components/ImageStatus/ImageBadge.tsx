import Typography from '@material-ui/core/Typography';
import {
  describeUpgrade,
  ZTP_IMAGE_STATES,
  type ZtpDevice,
  type ZtpImageState,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { StatusChip } from '../StatusBadges/StatusChip';
import { imageStepDuringZtp } from './imageStepDuringZtp';
import { useImageCompliance } from './useImageCompliance';
import { useImageUpgrade } from './useImageUpgrade';

/** The words of each image state, as the Image column and its filter say them. */
export const IMAGE_STATE_LABELS = {
  compliant: 'Compliant',
  'upgrade-needed': 'Upgrade needed',
  unknown: 'Unknown',
} as const;

/** The Image filter's choices, [state, label]. */
export const IMAGE_STATE_FILTER: [ZtpImageState, string][] =
  ZTP_IMAGE_STATES.map(state => [state, IMAGE_STATE_LABELS[state]]);

/**
 * Image: Compliant or Upgrade needed with the running and approved versions
 * (running → approved), or Unknown with why (no version read, no image
 * approved); Upgrading or Failed while an upgrade runs, or while the
 * device's own agent takes the image during ZTP and reports it.
 */
export function ImageBadge(props: { device: ZtpDevice }) {
  const image = useImageCompliance(props.device);
  const upgrade = useImageUpgrade(props.device.entityRef);
  // The approved images are on their way: a moment without a badge.
  if (!image) return null;
  // Its own agent takes the image while it boots, and says how far it is.
  const duringZtp = imageStepDuringZtp(props.device);
  if (duringZtp) {
    return (
      <span>
        <StatusChip
          label={duringZtp.failed ? 'Failed' : 'Upgrading'}
          tone={duringZtp.failed ? 'error' : 'running'}
          tooltip={
            duringZtp.failed
              ? `The image was not taken during ZTP: ${duringZtp.words}. The device keeps its old image and goes on with its configuration.`
              : `Taking the approved image during ZTP: ${duringZtp.words}`
          }
        />
        <Typography variant="caption" display="block">
          {duringZtp.failed ? 'during ZTP' : `ZTP: ${duringZtp.words}`}
        </Typography>
      </span>
    );
  }
  if (upgrade?.state === 'upgrading') {
    return (
      <span>
        <StatusChip
          label="Upgrading"
          tone="running"
          tooltip={`Upgrading to ${upgrade.targetVersion} (${upgrade.file})`}
        />
        <Typography variant="caption" display="block">
          {describeUpgrade(upgrade).replace(/^Upgrading: /, '')}
        </Typography>
      </span>
    );
  }
  if (upgrade?.state === 'failed' && image.state === 'upgrade-needed') {
    return (
      <span>
        <StatusChip
          label="Failed"
          tone="error"
          tooltip={`Upgrade to ${upgrade.targetVersion} failed: ${upgrade.error}`}
        />
        <Typography variant="caption" display="block">
          {image.running} → {image.approved}
        </Typography>
      </span>
    );
  }
  switch (image.state) {
    case 'compliant':
      return (
        <span>
          <StatusChip
            label={IMAGE_STATE_LABELS.compliant}
            tone="ok"
            tooltip={`Runs the approved image ${image.approved}`}
          />
          <Typography variant="caption" display="block">
            {image.running}
          </Typography>
        </span>
      );
    case 'upgrade-needed':
      return (
        <span>
          <StatusChip
            label={IMAGE_STATE_LABELS['upgrade-needed']}
            tone="error"
            tooltip={`Runs ${image.running}, not the approved image ${image.approved}: Conf Final (Push) is refused until it is upgraded`}
          />
          <Typography variant="caption" display="block">
            {image.running} → {image.approved}
          </Typography>
        </span>
      );
    default:
      return (
        <span>
          <StatusChip
            label={IMAGE_STATE_LABELS.unknown}
            tone="neutral"
            tooltip={`Unknown: ${image.reason}`}
          />
          {image.running && (
            <Typography variant="caption" display="block">
              {image.running}
            </Typography>
          )}
        </span>
      );
  }
}
