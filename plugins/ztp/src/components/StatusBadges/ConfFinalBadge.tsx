import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';
import { formatDateTime } from '../../lib/format';
import { StatusChip } from './StatusChip';

/** Conf Final: Not Pushed, Pushing, Pushed or Failed (with the reason). */
export function ConfFinalBadge(props: { confFinal: ZtpDevice['confFinal'] }) {
  const { confFinal } = props;
  switch (confFinal.state) {
    case 'pushing':
      return (
        <StatusChip
          label="Pushing"
          tone="running"
          tooltip="The final configuration is being deployed"
        />
      );
    case 'pushed':
      return (
        <StatusChip
          label="Pushed"
          tone="ok"
          tooltip={`Final configuration deployed${
            confFinal.pushedAt ? ` ${formatDateTime(confFinal.pushedAt)}` : ''
          }`}
        />
      );
    case 'failed':
      return (
        <StatusChip
          label="Failed"
          tone="error"
          tooltip={confFinal.error ?? 'The last push failed'}
        />
      );
    default:
      return (
        <StatusChip
          label="Not Pushed"
          tone="neutral"
          tooltip="The final configuration has not been deployed"
        />
      );
  }
}
