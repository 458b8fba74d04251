import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ZTP_QUEUE_CHANNEL,
  type ZtpDevice,
  type ZtpDeviceSortField,
  type ZtpQueueSignal,
  type ZtpQueueSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  DEFAULT_POLL_INTERVAL_MS,
  useZtpLiveUpdates,
} from '../../hooks/useZtpLiveUpdates';
import { useZtpPermissions } from '../../hooks/useZtpPermissions';
import { describeError } from '../../lib/format';
import { BulkPushAction } from '../BulkPushAction';
import { BulkUpgradeAction, UpgradeNeededCounter } from '../ImageStatus';
import { FixSerialDialog } from '../FixSerialDialog';
import {
  UNKNOWN_DEVICES_POLL_INTERVAL_MS,
  UnknownDevicesCard,
} from '../UnknownDevicesCard';
import { DeclarationProblemsCard } from '../DeclarationProblemsCard';
import { DhcpCard } from '../DhcpCard';
import {
  ReplaceDeviceDialog,
  ReplacementListCard,
  StuckDevicesCard,
} from '../DeviceReplacement';
import { useCanReplace } from '../DeviceReplacement/useReplacement';
import { DeviceQueueTable, isPushable } from './DeviceQueueTable';
import { QueueCounters } from './QueueCounters';
import {
  filterFromSearchParams,
  filterToSearchParams,
  QueueFilters,
  type QueueFilter,
} from './QueueFilters';
import { useDeviceQueue } from './useDeviceQueue';

const DESCRIPTION =
  'Real-time view of all devices undergoing ZTP provisioning. Monitor progress, validate identities, and resolve serial number mismatches.';

/** @public */
export type ZtpDashboardProps = {
  /**
   * Polling period when the app has no signals (default 10 s). The unknown
   * devices card polls at this period too, signals or not, and at least every
   * 15 s.
   */
  pollIntervalMs?: number;
  /** Rows per page to start with (default 50). */
  initialPageSize?: number;
};

/** Replaces `current` by the newest of `devices` with the same ref, if any. */
function newest(current: ZtpDevice, devices: ZtpDevice[]): ZtpDevice {
  const next = devices.find(d => d.entityRef === current.entityRef);
  return next && Date.parse(next.updatedAt) >= Date.parse(current.updatedAt)
    ? next
    : current;
}

/**
 * The ZTP Status Dashboard: counters, filters and the live, server-paged
 * table of the queue, with the serial fix dialog and the bulk push. Rendered
 * under the app's page header in the new frontend system.
 * @public
 */
export function ZtpDashboard(props: ZtpDashboardProps) {
  const { pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = props;
  const permissions = useZtpPermissions();
  // The filters live in the URL (?serial=mismatch&q=...): a filtered view
  // can be shared, bookmarked and reloaded.
  const [searchParams, setSearchParams] = useAppSearchParams();
  const searchKey = searchParams.toString();
  const filter = useMemo(
    () => filterFromSearchParams(new URLSearchParams(searchKey)),
    [searchKey],
  );
  const setSearchParamsRef = useRef(setSearchParams);
  setSearchParamsRef.current = setSearchParams;
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(props.initialPageSize ?? 50);
  const [orderBy, setOrderBy] = useState<ZtpDeviceSortField>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [fixing, setFixing] = useState<ZtpDevice>();
  const [replacing, setReplacing] = useState<ZtpDevice>();
  const canReplace = useCanReplace();
  const [selected, setSelected] = useState<ReadonlyMap<string, ZtpDevice>>(
    new Map(),
  );

  const query = useMemo(
    () => ({
      ...filter,
      offset: page * pageSize,
      limit: pageSize,
      orderBy,
      order,
    }),
    [filter, page, pageSize, orderBy, order],
  );
  const queue = useDeviceQueue(query);
  const { list, applyDevices: applyToRows } = queue;

  /** A device changed: its row, the open dialog and the selection follow. */
  const applyDevices = useCallback(
    (
      devices: ZtpDevice[],
      removed: string[] = [],
      summary?: ZtpQueueSummary,
    ) => {
      applyToRows(devices, removed, summary);
      setFixing(current => current && newest(current, devices));
      setSelected(current => {
        let next: Map<string, ZtpDevice> | undefined;
        for (const ref of current.keys()) {
          const device = devices.find(d => d.entityRef === ref);
          if (removed.includes(ref) || (device && !isPushable(device))) {
            next ??= new Map(current);
            next.delete(ref);
          }
        }
        return next ?? current;
      });
    },
    [applyToRows],
  );

  const { isSignalsAvailable } = useZtpLiveUpdates<ZtpQueueSignal>({
    channel: ZTP_QUEUE_CHANNEL,
    onSignal: message => {
      if (message?.type === 'devices-changed') {
        applyDevices(
          message.devices ?? [],
          message.removed ?? [],
          message.summary,
        );
      }
    },
    onRefresh: queue.refresh,
    pollIntervalMs,
  });

  // A refreshed page may hold a newer state of the device in the dialog.
  useEffect(() => {
    if (list) setFixing(current => current && newest(current, list.items));
  }, [list]);

  // Devices that left the queue can leave the current page past the end.
  useEffect(() => {
    if (list && page > 0 && page * pageSize >= list.totalCount) {
      setPage(Math.max(0, Math.ceil(list.totalCount / pageSize) - 1));
    }
  }, [list, page, pageSize]);

  const changeFilter = useCallback((change: Partial<QueueFilter>) => {
    setSearchParamsRef.current(
      previous =>
        filterToSearchParams(
          { ...filterFromSearchParams(previous), ...change },
          previous,
        ),
      { replace: true },
    );
    setPage(0);
  }, []);

  const changeSort = (field: ZtpDeviceSortField) => {
    if (field === orderBy) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setOrderBy(field);
      setOrder(field === 'updatedAt' ? 'desc' : 'asc');
    }
    setPage(0);
  };

  const toggle = useCallback((device: ZtpDevice) => {
    setSelected(current => {
      const next = new Map(current);
      if (next.has(device.entityRef)) next.delete(device.entityRef);
      else if (isPushable(device)) next.set(device.entityRef, device);
      return next;
    });
  }, []);

  const togglePage = useCallback((devices: ZtpDevice[], select: boolean) => {
    setSelected(current => {
      const next = new Map(current);
      for (const d of devices) {
        if (select) next.set(d.entityRef, d);
        else next.delete(d.entityRef);
      }
      return next;
    });
  }, []);

  const openFix = useCallback((device: ZtpDevice) => setFixing(device), []);
  const selectedRefs = useMemo(() => [...selected.keys()], [selected]);

  // The cards below the queue keep their own state: a filter, a page or a
  // live update of the queue does not render them again (with a large
  // fleet their lists are long).
  const cards = useMemo(
    () => (
      <>
        <Box mt={3}>
          <StuckDevicesCard />
        </Box>
        <Box mt={3}>
          <ReplacementListCard />
        </Box>
        <Box mt={3}>
          <UnknownDevicesCard
            pollIntervalMs={Math.min(
              pollIntervalMs,
              UNKNOWN_DEVICES_POLL_INTERVAL_MS,
            )}
          />
        </Box>
        <Box mt={3}>
          <DeclarationProblemsCard />
        </Box>
        <Box mt={3}>
          <DhcpCard />
        </Box>
      </>
    ),
    [pollIntervalMs],
  );

  if (queue.error && !list) {
    return (
      <Content>
        <ResponseErrorPanel
          title="Could not load the ZTP queue"
          error={queue.error as Error}
        />
      </Content>
    );
  }

  return (
    <Content>
      <ContentHeader title="ZTP Status Dashboard">
        <Chip
          size="small"
          variant="outlined"
          label={
            isSignalsAvailable
              ? 'Live'
              : `Refreshing every ${+(pollIntervalMs / 1000).toFixed(1)} s`
          }
        />
      </ContentHeader>
      <Typography variant="body2" color="textSecondary" paragraph>
        {DESCRIPTION}
      </Typography>
      <QueueCounters
        summary={list?.summary}
        filter={filter}
        onFilter={changeFilter}
      />
      <Box my={2} maxWidth={240}>
        <UpgradeNeededCounter
          refreshKey={list}
          selected={filter.image === 'upgrade-needed'}
          onSelect={() => changeFilter({ image: 'upgrade-needed' })}
        />
      </Box>
      <Paper>
        <Box p={2}>
          <QueueFilters
            filter={filter}
            sites={list?.facets.sites ?? []}
            platforms={list?.facets.platforms ?? []}
            onChange={changeFilter}
          />
        </Box>
        {queue.error !== undefined && (
          <Box px={2} pb={2}>
            <Alert severity="warning">
              Could not refresh the queue: {describeError(queue.error)}
            </Alert>
          </Box>
        )}
        {selectedRefs.length > 0 && (
          <Box px={2} pb={1}>
            <BulkUpgradeAction entityRefs={selectedRefs} />
          </Box>
        )}
        {permissions.canPushConfig && (
          <BulkPushAction
            entityRefs={selectedRefs}
            onClearSelection={() => setSelected(new Map())}
            onFinished={() => {
              setSelected(new Map());
              queue.refresh();
            }}
          />
        )}
        <DeviceQueueTable
          devices={list?.items ?? []}
          totalCount={list?.totalCount ?? 0}
          loading={queue.loading}
          page={page}
          pageSize={pageSize}
          orderBy={orderBy}
          order={order}
          onPageChange={setPage}
          onPageSizeChange={size => {
            setPageSize(size);
            setPage(0);
          }}
          onSortChange={changeSort}
          selectable={permissions.canPushConfig}
          selected={selected}
          onToggle={toggle}
          onTogglePage={togglePage}
          onFix={permissions.canUpdateSerial ? openFix : undefined}
          onReplace={canReplace ? setReplacing : undefined}
          emptyMessage={
            Object.values(filter).some(Boolean)
              ? 'No device matches these filters.'
              : 'No device in the ZTP queue yet. Devices join it once declared in the catalog as Resources of type network-device.'
          }
        />
      </Paper>
      {cards}
      {replacing && (
        <ReplaceDeviceDialog
          key={replacing.entityRef}
          device={replacing}
          onClose={() => setReplacing(undefined)}
          onDeviceUpdated={device => applyDevices([device])}
        />
      )}
      {fixing && (
        <FixSerialDialog
          key={fixing.entityRef}
          open
          device={fixing}
          canRevealCredentials={permissions.canRevealCredentials}
          onClose={() => setFixing(undefined)}
          onDeviceUpdated={device => applyDevices([device])}
        />
      )}
    </Content>
  );
}

/**
 * The ZTP page with its own header, for apps on the legacy frontend system.
 * @public
 */
export function ZtpDashboardPage(props: ZtpDashboardProps) {
  return (
    <Page themeId="tool">
      <Header title="ZTP" subtitle={DESCRIPTION} />
      <ZtpDashboard {...props} />
    </Page>
  );
}
