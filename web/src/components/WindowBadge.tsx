/**
 * A person's messaging window at a glance: open with the time left, human-agent days left, or
 * closed. Ticks every second so the countdown is live.
 */
import { Badge, Tooltip } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactWindow } from '../api/contacts.ts';
import { formatDateTime, formatDuration, toMs } from '../format.ts';

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  const interval = useInterval(() => setNow(Date.now()), everyMs);
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, [interval.start, interval.stop]);
  return now;
}

export function WindowBadge({ window }: { window: ContactWindow | null | undefined }) {
  const { t } = useTranslation();
  const now = useNow();
  if (!window) return null;
  const closes = toMs(window.closesAt);
  const agentUntil = toMs(window.humanAgentUntil);
  if (window.state === 'open' && closes !== null && closes > now) {
    return (
      <Tooltip label={t('window.openTip', { at: formatDateTime(closes) })}>
        <Badge
          color={closes - now < 3_600_000 ? 'orange' : 'green'}
          variant="light"
          data-testid="window-badge"
        >
          {t('window.open', { left: formatDuration(closes - now) })}
        </Badge>
      </Tooltip>
    );
  }
  if (
    (window.state === 'human_agent' || window.state === 'open') &&
    agentUntil !== null &&
    agentUntil > now
  ) {
    return (
      <Tooltip label={t('window.humanAgentTip', { at: formatDateTime(agentUntil) })}>
        <Badge color="blue" variant="light" data-testid="window-badge">
          {t('window.humanAgent', { left: formatDuration(agentUntil - now) })}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Tooltip label={t('window.closedTip')}>
      <Badge color="gray" variant="light" data-testid="window-badge">
        {t('window.closed')}
      </Badge>
    </Tooltip>
  );
}
