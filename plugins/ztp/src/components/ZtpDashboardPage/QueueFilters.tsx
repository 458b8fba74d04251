import { memo, useEffect, useRef, useState } from 'react';
import Grid from '@material-ui/core/Grid';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import {
  type ConfFinalState,
  type ConfMinState,
  type SerialState,
  type ZtpImageState,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { IMAGE_STATE_FILTER } from '../ImageStatus';
import { usePlatformDisplayName } from '../../hooks/usePlatformDisplayName';

/** The dashboard's filters, all optional. */
export type QueueFilter = {
  confMin?: ConfMinState;
  serial?: SerialState;
  confFinal?: ConfFinalState;
  image?: ZtpImageState;
  site?: string;
  platform?: string;
  q?: string;
};

const CONF_MIN: [ConfMinState, string][] = [
  ['not-loaded', 'Not Loaded'],
  ['loaded', 'Loaded'],
];
const SERIAL: [SerialState, string][] = [
  ['not-checked', 'Not Checked'],
  ['mismatch', 'Mismatch'],
  ['checked', 'Checked'],
];
const CONF_FINAL: [ConfFinalState, string][] = [
  ['not-pushed', 'Not Pushed'],
  ['pushing', 'Pushing'],
  ['pushed', 'Pushed'],
  ['failed', 'Failed'],
];

const FILTER_KEYS = [
  'confMin',
  'serial',
  'confFinal',
  'image',
  'site',
  'platform',
  'q',
] as const;

/**
 * The filters of a dashboard URL's query (?serial=mismatch&q=leaf...), so a
 * filtered view can be shared and reloaded. Unknown state values are left out.
 */
export function filterFromSearchParams(params: URLSearchParams): QueueFilter {
  const filter: QueueFilter = {};
  const pick = <T extends string>(key: string, allowed: [T, string][]) => {
    const v = params.get(key);
    return allowed.some(([a]) => a === v) ? (v as T) : undefined;
  };
  filter.confMin = pick('confMin', CONF_MIN);
  filter.serial = pick('serial', SERIAL);
  filter.confFinal = pick('confFinal', CONF_FINAL);
  filter.image = pick('image', IMAGE_STATE_FILTER);
  filter.site = params.get('site') || undefined;
  filter.platform = params.get('platform') || undefined;
  filter.q = params.get('q')?.trim() || undefined;
  for (const key of FILTER_KEYS) {
    if (filter[key] === undefined) delete filter[key];
  }
  return filter;
}

/** The query of a dashboard URL for these filters; other parameters kept. */
export function filterToSearchParams(
  filter: QueueFilter,
  base = new URLSearchParams(),
): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
    else params.delete(key);
  }
  return params;
}

/**
 * Typing pauses this long before the search is sent: short enough that a
 * search answers within 300 ms at 10,000 devices (the pause was half of
 * it at 150 ms), long enough that a typed word is one request, not one per
 * key; a newer search aborts the request of the previous one.
 */
export const SEARCH_DEBOUNCE_MS = 100;

/**
 * How long the search waits after the box changed from `before` to
 * `after`: a key typed or erased waits for the typing to pause; a whole
 * edit (a pasted MAC or serial, the box cleared) is a finished query and
 * goes at once.
 */
export function searchDelayMs(before: string, after: string): number {
  const oneKey =
    Math.abs(before.length - after.length) === 1 &&
    (after.startsWith(before) || before.startsWith(after));
  return oneKey ? SEARCH_DEBOUNCE_MS : 0;
}

function Select(props: {
  label: string;
  value?: string;
  options: [string, string][];
  onChange: (value: string | undefined) => void;
}) {
  const id = `ztp-filter-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <TextField
      select
      id={id}
      label={props.label}
      value={props.value ?? ''}
      onChange={e => props.onChange(e.target.value || undefined)}
      variant="outlined"
      size="small"
      fullWidth
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      <MenuItem value="">Any</MenuItem>
      {props.options.map(([value, label]) => (
        <MenuItem key={value} value={value}>
          {label}
        </MenuItem>
      ))}
    </TextField>
  );
}

type QueueFiltersProps = {
  filter: QueueFilter;
  sites: string[];
  platforms: string[];
  onChange: (change: Partial<QueueFilter>) => void;
};

/** Filters by Conf Min, Serial, Image and Conf Final status, site, platform and text. */
function QueueFiltersView(props: QueueFiltersProps) {
  const { filter, sites, platforms, onChange } = props;
  const platformDisplayName = usePlatformDisplayName();
  const [text, setText] = useState(filter.q ?? '');
  // The wait the last edit of the box calls for (see searchDelayMs).
  const delayMs = useRef(SEARCH_DEBOUNCE_MS);

  // The search box answers every key; the query follows once typing pauses.
  useEffect(() => {
    const typed = text.trim() || undefined;
    if (typed === filter.q) return undefined;
    const timer = setTimeout(() => onChange({ q: typed }), delayMs.current);
    return () => clearTimeout(timer);
  }, [text, filter.q, onChange]);

  // Keep the selected site or platform listed even when the facets lack it.
  const withSelected = (values: string[], selected?: string) =>
    selected && !values.includes(selected) ? [...values, selected] : values;

  return (
    <Grid container spacing={2} alignItems="center">
      <Grid item xs={12} lg={4}>
        <TextField
          id="ztp-filter-search"
          label="Search"
          placeholder="Name, serial, MAC or address"
          value={text}
          onChange={e => {
            delayMs.current = searchDelayMs(text, e.target.value);
            setText(e.target.value);
          }}
          variant="outlined"
          size="small"
          fullWidth
          InputLabelProps={{ shrink: true }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
      </Grid>
      <Grid item xs={6} sm={4} md>
        <Select
          label="Conf Min"
          value={filter.confMin}
          options={CONF_MIN}
          onChange={v => onChange({ confMin: v as ConfMinState | undefined })}
        />
      </Grid>
      <Grid item xs={6} sm={4} md>
        <Select
          label="Serial"
          value={filter.serial}
          options={SERIAL}
          onChange={v => onChange({ serial: v as SerialState | undefined })}
        />
      </Grid>
      <Grid item xs={6} sm={4} md>
        <Select
          label="Conf Final"
          value={filter.confFinal}
          options={CONF_FINAL}
          onChange={v =>
            onChange({ confFinal: v as ConfFinalState | undefined })
          }
        />
      </Grid>
      <Grid item xs={6} sm={4} md>
        <Select
          label="Image"
          value={filter.image}
          options={IMAGE_STATE_FILTER}
          onChange={v => onChange({ image: v as ZtpImageState | undefined })}
        />
      </Grid>
      <Grid item xs={6} sm={6} md>
        <Select
          label="Site"
          value={filter.site}
          options={withSelected(sites, filter.site).map(s => [s, s])}
          onChange={v => onChange({ site: v })}
        />
      </Grid>
      <Grid item xs={6} sm={6} md>
        <Select
          label="Platform"
          value={filter.platform}
          options={withSelected(platforms, filter.platform).map(p => [
            p,
            platformDisplayName(p),
          ])}
          onChange={v => onChange({ platform: v })}
        />
      </Grid>
    </Grid>
  );
}

const sameList = (a: string[], b: string[]) =>
  a === b || (a.length === b.length && a.every((v, i) => v === b[i]));

/**
 * Whether the filter fields would show the same: same filter and handler,
 * and the same sites and platforms listed (each page of rows brings new,
 * mostly equal, lists).
 */
export function sameFilterFields(
  a: QueueFiltersProps,
  b: QueueFiltersProps,
): boolean {
  return (
    a.filter === b.filter &&
    a.onChange === b.onChange &&
    sameList(a.sites, b.sites) &&
    sameList(a.platforms, b.platforms)
  );
}

/**
 * Rendered again only when what they show changes: the seven fields are
 * among the heaviest parts of the page, and a page of rows changes none.
 */
export const QueueFilters = memo(QueueFiltersView, sameFilterFields);
