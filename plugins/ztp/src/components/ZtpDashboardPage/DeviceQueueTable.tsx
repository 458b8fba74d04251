import { Fragment, memo } from 'react';
import { Link } from '@backstage/core-components';
import Checkbox from '@material-ui/core/Checkbox';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ZtpDevice,
  ZtpDeviceSortField,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { usePlatformDisplayName } from '../../hooks/usePlatformDisplayName';
import { useDeviceCatalogLink } from '../../hooks/useDeviceCatalogLink';
import {
  deviceLabel,
  formatDateTime,
  formatRelativeTime,
} from '../../lib/format';
import { ConfFinalBadge, ConfMinBadge, SerialBadge } from '../StatusBadges';
import { DeviceFlags, ReplaceDeviceButton } from '../DeviceReplacement';
import { ImageBadge } from '../ImageStatus';
import { OnDemandTooltip } from '../OnDemandTooltip';

export const PAGE_SIZES = [25, 50, 100, 250];

const useStyles = makeStyles(theme => ({
  progress: { height: 2 },
  progressPlaceholder: { height: 2 },
  table: {
    // Backstage's theme lets table cells break words anywhere, so a squeezed
    // column shrinks to one letter and breaks "Site" into "Sit e". Here lines
    // break between words only; a single overlong word wraps as a last resort
    // without making its column narrower. Slightly tighter padding than the
    // theme's keeps the ten columns within 1280 px.
    '& th, & td': {
      wordBreak: 'normal',
      overflowWrap: 'break-word',
      paddingLeft: theme.spacing(1.5),
      paddingRight: theme.spacing(1),
    },
  },
  head: { whiteSpace: 'nowrap' },
  // Two-word headers over narrow content may take two lines.
  headWrapping: { whiteSpace: 'normal' },
  mono: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  lastEvent: { minWidth: 160, maxWidth: 320 },
  // At most two lines of the message; the full text is in its title.
  lastEventMessage: {
    display: '-webkit-box',
    WebkitLineClamp: 2,
    WebkitBoxOrient: 'vertical',
    overflow: 'hidden',
  },
  removed: { opacity: 0.6 },
  // The row checkbox has no ripple (a ripple is one more component per row,
  // mounted by a second render of each): keyboard focus shows as this.
  checkboxFocus: { backgroundColor: theme.palette.action.focus },
  empty: { padding: theme.spacing(4), textAlign: 'center' },
}));

type Column = {
  id: string;
  label: string;
  sortField?: ZtpDeviceSortField;
  /** The header may wrap between its words. */
  wraps?: boolean;
};

const COLUMNS: Column[] = [
  { id: 'device', label: 'Device', sortField: 'name' },
  { id: 'site', label: 'Site', sortField: 'site' },
  { id: 'platform', label: 'Platform', sortField: 'platform' },
  {
    id: 'address',
    label: 'Management address',
    sortField: 'managementIp',
    wraps: true,
  },
  { id: 'confMin', label: 'Conf Min' },
  { id: 'serial', label: 'Serial' },
  { id: 'image', label: 'Image' },
  { id: 'confFinal', label: 'Conf Final' },
  { id: 'lastEvent', label: 'Last event', sortField: 'updatedAt' },
];

/** Only devices whose serial is Checked may receive their final configuration. */
export function isPushable(device: ZtpDevice): boolean {
  return !whyNotPushable(device);
}

/** Why a device cannot be selected for Conf Final (Push), if it cannot. */
export function whyNotPushable(device: ZtpDevice): string | undefined {
  if (!device.inCatalog) return 'The device left the catalog';
  if (device.confFinal.state === 'pushed') {
    return 'Already Provisioned: its bootstrap account was removed';
  }
  if (device.confFinal.state === 'pushing') return 'A push is running';
  if (device.serial.state !== 'checked') {
    return 'Only devices whose serial is Checked can be pushed';
  }
  return undefined;
}

/**
 * A dotted name (leaf-01.par1.example.net) that may wrap after its dots, so
 * that a long one neither widens its column nor breaks inside a part.
 */
function DottedName(props: { name: string }) {
  const parts = props.name.split('.');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  );
}

type RowProps = {
  device: ZtpDevice;
  catalogLink?: string;
  selectable: boolean;
  selected: boolean;
  onToggle: (device: ZtpDevice) => void;
  onFix?: (device: ZtpDevice) => void;
  onReplace?: (device: ZtpDevice) => void;
};

function DeviceRowView(props: RowProps) {
  const { device, catalogLink, selectable, selected, onToggle, onFix } = props;
  const { onReplace } = props;
  const classes = useStyles();
  const platformDisplayName = usePlatformDisplayName();
  const label = deviceLabel(device);
  const notPushable = whyNotPushable(device);
  const pushable = !notPushable;
  return (
    <TableRow
      hover
      selected={selected}
      data-testid={`device-row-${device.name}`}
      className={device.inCatalog ? undefined : classes.removed}
    >
      {selectable && (
        <TableCell padding="checkbox">
          <OnDemandTooltip
            title={notPushable ?? 'Select for Conf Final (Push)'}
          >
            <span>
              <Checkbox
                disableRipple
                focusVisibleClassName={classes.checkboxFocus}
                checked={selected}
                disabled={!pushable && !selected}
                onChange={() => onToggle(device)}
                inputProps={{ 'aria-label': `Select ${label}` }}
              />
            </span>
          </OnDemandTooltip>
        </TableCell>
      )}
      <TableCell>
        {catalogLink && device.inCatalog ? (
          <Link to={catalogLink}>
            <DottedName name={label} />
          </Link>
        ) : (
          <DottedName name={label} />
        )}
        {(!device.inCatalog || device.hostname !== label) && (
          <Typography variant="caption" color="textSecondary" display="block">
            {device.inCatalog ? (
              <DottedName name={device.hostname} />
            ) : (
              'removed from the catalog'
            )}
          </Typography>
        )}
        <DeviceFlags device={device} />
        {onReplace && device.inCatalog && (
          <ReplaceDeviceButton
            label={label}
            onClick={() => onReplace(device)}
          />
        )}
      </TableCell>
      <TableCell>{device.site ?? '—'}</TableCell>
      <TableCell>{platformDisplayName(device.platform)}</TableCell>
      <TableCell className={classes.mono}>{device.managementAddress}</TableCell>
      <TableCell>
        <ConfMinBadge confMin={device.confMin} />
      </TableCell>
      <TableCell>
        <SerialBadge
          serial={device.serial}
          onFix={onFix ? () => onFix(device) : undefined}
        />
      </TableCell>
      <TableCell>
        <ImageBadge device={device} />
      </TableCell>
      <TableCell>
        <ConfFinalBadge confFinal={device.confFinal} />
      </TableCell>
      <TableCell>
        {device.lastEvent ? (
          <div className={classes.lastEvent}>
            <Typography
              variant="body2"
              className={classes.lastEventMessage}
              title={device.lastEvent.message}
            >
              {device.lastEvent.message}
            </Typography>
            <Typography
              variant="caption"
              color="textSecondary"
              title={formatDateTime(device.lastEvent.at)}
            >
              {formatRelativeTime(device.lastEvent.at)}
            </Typography>
          </div>
        ) : (
          '—'
        )}
      </TableCell>
    </TableRow>
  );
}

// Memoised so that a signal that changes one device re-renders one row.
const DeviceRow = memo(DeviceRowView);

export type DeviceQueueTableProps = {
  devices: ZtpDevice[];
  totalCount: number;
  loading: boolean;
  page: number;
  pageSize: number;
  orderBy: ZtpDeviceSortField;
  order: 'asc' | 'desc';
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
  onSortChange: (field: ZtpDeviceSortField) => void;
  /** Show selection checkboxes (the user may push). */
  selectable: boolean;
  selected: { has(entityRef: string): boolean };
  onToggle: (device: ZtpDevice) => void;
  onTogglePage: (devices: ZtpDevice[], select: boolean) => void;
  /** Opens the fix dialog; leave out when the user may not fix serials. */
  onFix?: (device: ZtpDevice) => void;
  /** Replace device, for those allowed to. */
  onReplace?: (device: ZtpDevice) => void;
  /** What to say when there is no row. */
  emptyMessage: string;
};

/** The queue's table: one page of devices, sorted and paged by the backend. */
export function DeviceQueueTable(props: DeviceQueueTableProps) {
  const {
    devices,
    totalCount,
    loading,
    page,
    pageSize,
    orderBy,
    order,
    selectable,
    selected,
  } = props;
  const classes = useStyles();
  const catalogLink = useDeviceCatalogLink();
  const pushable = devices.filter(isPushable);
  const selectedOnPage = pushable.filter(d => selected.has(d.entityRef));

  return (
    <>
      {loading ? (
        <LinearProgress
          className={classes.progress}
          aria-label="Loading devices"
        />
      ) : (
        <div className={classes.progressPlaceholder} />
      )}
      <TableContainer>
        <Table size="small" aria-label="ZTP queue" className={classes.table}>
          <TableHead>
            <TableRow>
              {selectable && (
                <TableCell padding="checkbox">
                  <Checkbox
                    indeterminate={
                      selectedOnPage.length > 0 &&
                      selectedOnPage.length < pushable.length
                    }
                    checked={
                      pushable.length > 0 &&
                      selectedOnPage.length === pushable.length
                    }
                    disabled={pushable.length === 0}
                    onChange={e =>
                      props.onTogglePage(pushable, e.target.checked)
                    }
                    inputProps={{
                      'aria-label': 'Select all Checked devices on this page',
                    }}
                  />
                </TableCell>
              )}
              {COLUMNS.map(column => (
                <TableCell
                  key={column.id}
                  className={column.wraps ? classes.headWrapping : classes.head}
                  sortDirection={
                    column.sortField && column.sortField === orderBy
                      ? order
                      : false
                  }
                >
                  {column.sortField ? (
                    <TableSortLabel
                      active={orderBy === column.sortField}
                      direction={orderBy === column.sortField ? order : 'asc'}
                      onClick={() => props.onSortChange(column.sortField!)}
                    >
                      {column.label}
                    </TableSortLabel>
                  ) : (
                    column.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {devices.map(device => (
              <DeviceRow
                key={device.entityRef}
                device={device}
                catalogLink={catalogLink(device.entityRef)}
                selectable={selectable}
                selected={selected.has(device.entityRef)}
                onToggle={props.onToggle}
                onFix={props.onFix}
                onReplace={props.onReplace}
              />
            ))}
            {devices.length === 0 && !loading && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length + (selectable ? 1 : 0)}>
                  <Typography className={classes.empty} color="textSecondary">
                    {props.emptyMessage}
                  </Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={totalCount}
        page={page}
        rowsPerPage={pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_, next) => props.onPageChange(next)}
        onRowsPerPageChange={e =>
          props.onPageSizeChange(parseInt(e.target.value, 10))
        }
      />
    </>
  );
}
