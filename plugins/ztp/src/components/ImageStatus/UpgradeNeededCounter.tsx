import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Typography from '@material-ui/core/Typography';
import { ztpApiRef } from '../../api';

/**
 * How many devices need an upgrade (the server's Image filter, counted,
 * with GET /images/upgrades);
 * clicking it filters the table to them. Read again when `refreshKey`
 * changes (the queue was refreshed).
 */
export function UpgradeNeededCounter(props: {
  refreshKey?: unknown;
  selected?: boolean;
  onSelect?: () => void;
}) {
  const api = useApi(ztpApiRef);
  const [count, setCount] = useState<number>();
  useEffect(() => {
    const controller = new AbortController();
    api
      .listUpgrades({ signal: controller.signal })
      .then(r => setCount(r.upgradeNeeded))
      .catch(() => {});
    return () => controller.abort();
  }, [api, props.refreshKey]);
  return (
    <Card>
      <CardActionArea
        onClick={props.onSelect}
        aria-label={`Upgrade needed: ${count ?? 'loading'}`}
        aria-pressed={props.selected ?? false}
      >
        <CardContent>
          <Typography
            variant="h4"
            component="p"
            data-testid="counter-upgrade-needed"
          >
            {count ?? '–'}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            Upgrade needed
          </Typography>
        </CardContent>
      </CardActionArea>
    </Card>
  );
}
