/**
 * Broadcasts: the list, a composer with live compliance feedback (the classifier's signals
 * highlighted in the text as it is typed), the preflight route breakdown (chart + CSV per group),
 * scheduling, sending with live progress, and the report.
 */
import { BarChart } from '@mantine/charts';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Highlight,
  List,
  NumberInput,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/broadcasts.ts';
import { ApiError } from '../api/http.ts';
import { checkMessage } from '../api/policy.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/States.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useSession } from '../session.tsx';

const STATUS_COLOR: Record<api.BroadcastStatus, string> = {
  draft: 'gray',
  sending: 'blue',
  paused: 'yellow',
  done: 'green',
  cancelled: 'red',
};

export function StatusBadge({ status }: { status: api.BroadcastStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="broadcast-status">
      {t(`broadcasts.status.${status}`)}
    </Badge>
  );
}

/** What the rules make of the draft as it is typed: verdict, signals highlighted, intent warnings. */
function ComplianceFeedback({ text, url, intent }: { text: string; url: string; intent: api.Intent }) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue({ text, url }, 400);
  const check = useQuery({
    queryKey: ['policy-check', debounced.text, debounced.url],
    queryFn: () =>
      checkMessage({
        sender: 'bot',
        text: debounced.text,
        ...(debounced.url ? { buttons: [{ type: 'web_url', url: debounced.url }] } : {}),
      }),
    enabled: debounced.text.trim() !== '',
    placeholderData: (prev) => prev,
  });
  if (text.trim() === '')
    return (
      <Text c="dimmed" size="sm">
        {t('broadcasts.compose.typeToCheck')}
      </Text>
    );
  if (check.error) return <ErrorState error={check.error} />;
  if (!check.data) return <Loading />;
  const promo = check.data.promotional;
  const signals = promo?.signals ?? [];
  const promotional = promo?.value ?? false;
  return (
    <Stack gap="xs" data-testid="compliance-feedback">
      <Group gap="xs">
        <Badge color={promotional ? 'orange' : 'teal'} data-testid="verdict">
          {promotional ? t('broadcasts.compose.promotional') : t('broadcasts.compose.nonPromotional')}
        </Badge>
        {check.isFetching ? (
          <Text size="xs" c="dimmed">
            {t('broadcasts.compose.checking')}
          </Text>
        ) : null}
      </Group>
      <Paper withBorder p="sm" bg="gray.0">
        <Highlight
          highlight={signals.map((s) => s.text)}
          color="orange"
          data-testid="highlighted-text"
          style={{ whiteSpace: 'pre-wrap' }}
        >
          {`${text}${url ? `\n${url}` : ''}`}
        </Highlight>
      </Paper>
      {signals.length > 0 ? (
        <List size="sm" spacing={2}>
          {signals.map((s) => (
            <List.Item key={`${s.kind}:${s.text}`}>
              <b>{t(`signals.${s.kind}`, { defaultValue: s.kind })}</b>: «{s.text}»
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {t('broadcasts.compose.noSignals')}
        </Text>
      )}
      {promotional && intent !== 'promotional' ? (
        <Alert color="red" data-testid="intent-warning">
          {t('broadcasts.compose.intentMismatch')}
        </Alert>
      ) : null}
      {promotional ? <Alert color="yellow">{t('broadcasts.compose.promotionalRoutes')}</Alert> : null}
    </Stack>
  );
}

function Composer({ onCreated }: { onCreated: (b: api.Broadcast) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [intent, setIntent] = useState<api.Intent>('promotional');
  const [text, setText] = useState('');
  const [buttonTitle, setButtonTitle] = useState('');
  const [url, setUrl] = useState('');
  const [windowFilter, setWindowFilter] = useState<string>('any');
  const [labels, setLabels] = useState<string[]>([]);
  const [locales, setLocales] = useState<string[]>([]);
  const [lastSeen, setLastSeen] = useState<number | string>('');
  const [when, setWhen] = useState<'now' | 'at' | 'local'>('now');
  const [at, setAt] = useState('');
  const [beforeClose, setBeforeClose] = useState(false);
  const [skipClosed, setSkipClosed] = useState(false);
  const create = useMutation({
    mutationFn: () => {
      const audience: api.Audience = {
        ...(windowFilter !== 'any' ? { windowOpen: windowFilter === 'open' } : {}),
        ...(labels.length ? { labels: { any: labels } } : {}),
        ...(locales.length ? { localePrefixes: locales } : {}),
        ...(typeof lastSeen === 'number' && lastSeen > 0 ? { lastSeenWithinDays: lastSeen } : {}),
      };
      const message: api.NewMessage =
        url && buttonTitle
          ? { type: 'button_template', text, buttons: [{ type: 'web_url', title: buttonTitle, url }] }
          : { type: 'text', text };
      const schedule: api.ScheduleInput | undefined =
        when === 'now' || !at
          ? undefined
          : {
              // datetime-local gives the wall clock; an absolute moment carries the browser's zone.
              at: when === 'local' ? at : new Date(at).toISOString(),
              localTime: when === 'local',
              beforeWindowCloses: beforeClose,
              closedWindow: skipClosed ? 'skip' : 'route',
            };
      return api.createBroadcast({
        name,
        intent,
        audience,
        content: { message },
        ...(schedule ? { schedule } : {}),
      });
    },
    meta: { quiet: true },
    onSuccess: (b) => {
      void client.invalidateQueries({ queryKey: ['broadcasts'] });
      onCreated(b);
    },
  });
  const problems =
    create.error instanceof ApiError
      ? (create.error.details.problems as { field: string; message: string }[] | undefined)
      : undefined;
  return (
    <Card withBorder padding="lg" data-testid="composer">
      <Title order={4} mb="sm">
        {t('broadcasts.compose.title')}
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <TextInput
              label={t('broadcasts.compose.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              data-testid="broadcast-name"
            />
            <Select
              label={t('broadcasts.compose.intent')}
              description={t('broadcasts.compose.intentHint')}
              value={intent}
              onChange={(v) => v && setIntent(v as api.Intent)}
              allowDeselect={false}
              data={(['promotional', 'non_promotional', 'transactional'] as const).map((v) => ({
                value: v,
                label: t(`broadcasts.intent.${v}`),
              }))}
              data-testid="broadcast-intent"
            />
            <Textarea
              label={t('broadcasts.compose.text')}
              description={t('broadcasts.compose.textHint', { example: '{{first_name|amigo}}' })}
              autosize
              minRows={4}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              data-testid="broadcast-text"
            />
            <Group grow>
              <TextInput
                label={t('broadcasts.compose.buttonTitle')}
                value={buttonTitle}
                onChange={(e) => setButtonTitle(e.currentTarget.value)}
              />
              <TextInput
                label={t('broadcasts.compose.buttonUrl')}
                placeholder="https://"
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
              />
            </Group>
            <Title order={5} mt="xs">
              {t('broadcasts.audience.title')}
            </Title>
            <Select
              label={t('broadcasts.audience.window')}
              value={windowFilter}
              onChange={(v) => setWindowFilter(v ?? 'any')}
              allowDeselect={false}
              data={[
                { value: 'any', label: t('broadcasts.audience.windowAny') },
                { value: 'open', label: t('broadcasts.audience.windowOpen') },
                { value: 'closed', label: t('broadcasts.audience.windowClosed') },
              ]}
            />
            <TagsInput label={t('broadcasts.audience.labels')} value={labels} onChange={setLabels} />
            <Group grow>
              <TagsInput
                label={t('broadcasts.audience.locales')}
                placeholder="es, en"
                value={locales}
                onChange={setLocales}
              />
              <NumberInput
                label={t('broadcasts.audience.lastSeen')}
                min={1}
                value={lastSeen}
                onChange={setLastSeen}
              />
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Title order={5} mb="xs">
            {t('broadcasts.compose.feedback')}
          </Title>
          <ComplianceFeedback text={text} url={url} intent={intent} />
        </Grid.Col>
      </Grid>
      <Title order={5} mt="md" mb="xs">
        {t('broadcasts.schedule.title')}
      </Title>
      <Group align="flex-end" wrap="wrap" data-testid="schedule">
        <SegmentedControl
          value={when}
          onChange={(v) => setWhen(v as 'now' | 'at' | 'local')}
          data={[
            { value: 'now', label: t('broadcasts.schedule.whenNow') },
            { value: 'at', label: t('broadcasts.schedule.whenAt') },
            { value: 'local', label: t('broadcasts.schedule.whenLocal') },
          ]}
        />
        {when !== 'now' ? (
          <TextInput
            type="datetime-local"
            label={when === 'local' ? t('broadcasts.schedule.localTime') : t('broadcasts.schedule.at')}
            value={at}
            onChange={(e) => setAt(e.currentTarget.value)}
            data-testid="schedule-at"
          />
        ) : null}
      </Group>
      {when !== 'now' ? (
        <Stack gap={4} mt="xs">
          <Checkbox
            label={t('broadcasts.schedule.beforeClose')}
            checked={beforeClose}
            onChange={(e) => setBeforeClose(e.currentTarget.checked)}
          />
          <Checkbox
            label={t('broadcasts.schedule.skipClosed')}
            checked={skipClosed}
            onChange={(e) => setSkipClosed(e.currentTarget.checked)}
          />
        </Stack>
      ) : null}
      {create.error ? (
        <Alert color="red" mt="md" title={t('errors.title')} data-testid="compose-error">
          {problems && problems.length > 0 ? (
            <List size="sm">
              {problems.map((p) => (
                <List.Item key={p.field + p.message}>{p.message}</List.Item>
              ))}
            </List>
          ) : (
            create.error.message
          )}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="md">
        <Button
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={!name || !text}
          data-testid="broadcast-create"
        >
          {t('broadcasts.compose.saveAndCheck')}
        </Button>
      </Group>
    </Card>
  );
}

function PreflightView({ id }: { id: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['preflight', id], queryFn: () => api.preflight(id) });
  const csv = useMutation({ mutationFn: (group: string) => api.downloadGroupCsv(id, group) });
  return (
    <QueryView query={q}>
      {(pf) =>
        pf.total === 0 ? (
          <EmptyState
            title={t('broadcasts.preflight.emptyTitle')}
            hint={t('broadcasts.preflight.emptyHint')}
          />
        ) : (
          <Stack data-testid="preflight">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <StatCard label={t('broadcasts.preflight.total')} value={pf.total} testId="preflight-total" />
              <StatCard
                label={t('broadcasts.preflight.allowed')}
                value={pf.allowed}
                testId="preflight-allowed"
              />
              <StatCard
                label={t('broadcasts.preflight.refused')}
                value={pf.refused}
                testId="preflight-refused"
              />
            </SimpleGrid>
            <BarChart
              h={Math.max(160, pf.groups.length * 48)}
              orientation="vertical"
              type="stacked"
              data={pf.groups.map((g) => ({
                group: g.allowed
                  ? g.label
                  : `${g.label}: ${t(`reasons.${g.reason}`, { defaultValue: g.reason ?? '' })}`,
                allowed: g.allowed ? g.count : 0,
                refused: g.allowed ? 0 : g.count,
              }))}
              dataKey="group"
              yAxisProps={{ width: 220 }}
              xAxisProps={{ allowDecimals: false }}
              series={[
                { name: 'allowed', label: t('broadcasts.preflight.allowed'), color: 'teal.6' },
                { name: 'refused', label: t('broadcasts.preflight.refused'), color: 'red.6' },
              ]}
              withLegend
            />
            <Table striped withTableBorder data-testid="preflight-groups">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('broadcasts.preflight.group')}</Table.Th>
                  <Table.Th>{t('broadcasts.preflight.people')}</Table.Th>
                  <Table.Th>{t('broadcasts.preflight.why')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pf.groups.map((g) => (
                  <Table.Tr key={g.key} data-group={g.key}>
                    <Table.Td>
                      <Text size="sm" fw={600} c={g.allowed ? 'teal.8' : 'red.8'}>
                        {g.allowed ? g.label : t(`reasons.${g.reason}`, { defaultValue: g.label })}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatNumber(g.count)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {g.message ??
                          (g.windowClosesEarliest
                            ? t('broadcasts.preflight.closesFrom', {
                                at: formatDateTime(g.windowClosesEarliest),
                              })
                            : '')}
                      </Text>
                      {g.alternatives.map((a) => (
                        <Text key={a.code} size="xs" c="dimmed">
                          → {a.message} ({formatNumber(a.count)})
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() => csv.mutate(g.key)}
                        data-testid={`csv-${g.key}`}
                      >
                        CSV
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {t('broadcasts.preflight.meta', {
                  rules: pf.rules,
                  at: formatDateTime(pf.at),
                  ms: pf.durationMs,
                })}
              </Text>
              <Button size="xs" variant="default" onClick={() => csv.mutate('all')}>
                {t('broadcasts.preflight.csvAll')}
              </Button>
            </Group>
          </Stack>
        )
      }
    </QueryView>
  );
}

/** After a control action: the broadcast, the list and the report are read again. */
function refreshBroadcast(client: QueryClient, id: string): void {
  void client.invalidateQueries({ queryKey: ['broadcast', id] });
  void client.invalidateQueries({ queryKey: ['broadcasts'] });
  void client.invalidateQueries({ queryKey: ['report', id] });
}

function ReportView({ b }: { b: api.Broadcast }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const live = b.status === 'sending';
  const q = useQuery({
    queryKey: ['report', b.id],
    queryFn: () => api.report(b.id),
    refetchInterval: live ? 2000 : false,
  });
  const resend = useMutation({
    mutationFn: () => api.resendUnconfirmed(b.id),
    onSuccess: () => {
      refreshBroadcast(client, b.id);
    },
  });
  return (
    <QueryView query={q}>
      {(r) => {
        const total = Math.max(r.enqueued, r.finished, 1);
        const refused = Object.entries(r.refusedByReason);
        return (
          <Stack data-testid="report">
            <Group justify="space-between">
              <Text size="sm">
                {t('broadcasts.report.progress', {
                  finished: formatNumber(r.finished),
                  enqueued: formatNumber(r.enqueued),
                })}
              </Text>
              {!r.fanOutDone && live ? (
                <Badge variant="dot">{t('broadcasts.report.fanningOut')}</Badge>
              ) : null}
            </Group>
            <Progress.Root size="lg">
              <Progress.Section value={(100 * (r.counts.sent ?? 0)) / total} color="teal" />
              <Progress.Section value={(100 * (r.counts.refused ?? 0)) / total} color="red" />
              <Progress.Section value={(100 * ((r.counts.failed ?? 0) + r.unknown)) / total} color="orange" />
            </Progress.Root>
            <SimpleGrid cols={{ base: 2, sm: 5 }}>
              <StatCard
                label={t('broadcasts.report.sent')}
                value={r.sent}
                {...(r.confirmedByEcho > 0
                  ? {
                      hint: t('broadcasts.report.confirmedByEcho', {
                        count: formatNumber(r.confirmedByEcho),
                      }),
                    }
                  : {})}
              />
              <StatCard label={t('broadcasts.report.delivered')} value={r.delivered} />
              <StatCard label={t('broadcasts.report.read')} value={r.read} />
              <StatCard label={t('broadcasts.report.refused')} value={r.counts.refused ?? 0} />
              <StatCard
                label={t('broadcasts.report.unknown')}
                value={r.unknown}
                hint={t('broadcasts.report.unknownHint')}
              />
            </SimpleGrid>
            {/* Kept after a resend, whose rows leave the unknown count: its answer stays readable. */}
            {can('admin') &&
            (r.unknown > 0 || resend.data !== undefined) &&
            (b.status === 'sending' || b.status === 'done') ? (
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  color="orange"
                  loading={resend.isPending}
                  onClick={() => resend.mutate()}
                  data-testid="broadcast-resend-unconfirmed"
                >
                  {t('broadcasts.report.resendUnconfirmed')}
                </Button>
                <Text size="xs" c="dimmed" data-testid="broadcast-resend-result">
                  {resend.data
                    ? t('broadcasts.report.resendDone', { count: formatNumber(resend.data.affected) })
                    : t('broadcasts.report.resendHint')}
                </Text>
              </Group>
            ) : null}
            {refused.length > 0 ? (
              <Table withTableBorder>
                <Table.Tbody>
                  {refused.map(([code, n]) => (
                    <Table.Tr key={code}>
                      <Table.Td>{t(`reasons.${code}`, { defaultValue: code })}</Table.Td>
                      <Table.Td>{formatNumber(n)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : null}
          </Stack>
        );
      }}
    </QueryView>
  );
}

/** How the stored schedule reads: "now", a moment, or a wall-clock time in each person's zone. */
function ScheduleSummary({ schedule }: { schedule: api.Schedule | null | undefined }) {
  const { t } = useTranslation();
  if (!schedule || schedule.at === null) return <Text size="sm">{t('broadcasts.schedule.now')}</Text>;
  const when = schedule.localTime
    ? t('broadcasts.schedule.localAt', {
        // A wall clock without offset: shown as written, never read in the browser's own zone.
        at: schedule.at.slice(0, 16).replace('T', ' '),
      })
    : formatDateTime(schedule.at);
  return (
    <Stack gap={2} data-testid="schedule-summary">
      <Text size="sm">{when}</Text>
      {schedule.beforeWindowCloses ? (
        <Text size="xs" c="dimmed">
          {t('broadcasts.schedule.beforeCloseOn', { minutes: schedule.windowMarginMinutes })}
        </Text>
      ) : null}
      {schedule.closedWindow === 'skip' ? (
        <Text size="xs" c="dimmed">
          {t('broadcasts.schedule.skipClosed')}
        </Text>
      ) : null}
    </Stack>
  );
}

function Detail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['broadcast', id],
    queryFn: () => api.getBroadcast(id),
    refetchInterval: (query) => (query.state.data?.status === 'sending' ? 2000 : false),
  });
  const act = useMutation({
    mutationFn: (action: api.Action) => api.control(id, action),
    onSuccess: () => {
      refreshBroadcast(client, id);
    },
  });
  return (
    <QueryView query={q}>
      {(b) => (
        <Card withBorder padding="lg" data-testid="broadcast-detail">
          <Group justify="space-between" mb="sm">
            <Group>
              <Title order={4}>{b.name}</Title>
              <StatusBadge status={b.status} />
              <Badge variant="outline">{t(`broadcasts.intent.${b.intent}`)}</Badge>
            </Group>
            <Group gap="xs">
              {can('admin') && b.status === 'draft' ? (
                <Button
                  size="xs"
                  color="teal"
                  onClick={() => act.mutate('send')}
                  loading={act.isPending}
                  data-testid="broadcast-send"
                >
                  {t('broadcasts.actions.send')}
                </Button>
              ) : null}
              {can('admin') && b.status === 'sending' ? (
                <Button size="xs" color="yellow" onClick={() => act.mutate('pause')}>
                  {t('broadcasts.actions.pause')}
                </Button>
              ) : null}
              {can('admin') && b.status === 'paused' ? (
                <Button size="xs" onClick={() => act.mutate('resume')}>
                  {t('broadcasts.actions.resume')}
                </Button>
              ) : null}
              {can('admin') && ['draft', 'sending', 'paused'].includes(b.status) ? (
                <Button size="xs" color="red" variant="light" onClick={() => act.mutate('cancel')}>
                  {t('broadcasts.actions.cancel')}
                </Button>
              ) : null}
              <Button size="xs" variant="subtle" onClick={onClose}>
                {t('common.close')}
              </Button>
            </Group>
          </Group>
          <Text size="sm" c="dimmed" mb="md" style={{ whiteSpace: 'pre-wrap' }}>
            <Highlight highlight={b.verdict.signals.map((s) => s.text)} color="orange">
              {b.content.message.text ?? ''}
            </Highlight>
          </Text>
          {b.status === 'draft' ? (
            <Stack>
              <Title order={5}>{t('broadcasts.preflight.title')}</Title>
              <PreflightView id={b.id} />
              <Title order={5}>{t('broadcasts.schedule.title')}</Title>
              <ScheduleSummary schedule={b.schedule} />
            </Stack>
          ) : (
            <Stack>
              <Title order={5}>{t('broadcasts.report.title')}</Title>
              <ReportView b={b} />
            </Stack>
          )}
        </Card>
      )}
    </QueryView>
  );
}

export default function BroadcastsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [selected, setSelected] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const list = useQuery({
    queryKey: ['broadcasts'],
    queryFn: api.listBroadcasts,
    refetchInterval: (q) => (q.state.data?.some((b) => b.status === 'sending') ? 3000 : false),
  });
  return (
    <Stack>
      <PageHeader
        title={t('broadcasts.title')}
        description={t('broadcasts.description')}
        actions={
          can('admin') ? (
            <Button
              onClick={() => {
                setComposing(true);
                setSelected(null);
              }}
              data-testid="broadcast-new"
            >
              {t('broadcasts.new')}
            </Button>
          ) : null
        }
      />
      {composing ? (
        <Composer
          onCreated={(b) => {
            setComposing(false);
            setSelected(b.id);
          }}
        />
      ) : null}
      {selected ? <Detail id={selected} onClose={() => setSelected(null)} /> : null}
      <QueryView query={list}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('broadcasts.emptyTitle')} hint={t('broadcasts.emptyHint')} />
          ) : (
            <Table highlightOnHover withTableBorder data-testid="broadcast-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('broadcasts.compose.name')}</Table.Th>
                  <Table.Th>{t('broadcasts.compose.intent')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th>{t('broadcasts.enqueued')}</Table.Th>
                  <Table.Th>{t('common.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...items]
                  .sort((a, b) => b.createdAt - a.createdAt)
                  .map((b) => (
                    <Table.Tr
                      key={b.id}
                      onClick={() => {
                        setSelected(b.id);
                        setComposing(false);
                      }}
                      style={{ cursor: 'pointer' }}
                    >
                      <Table.Td>{b.name}</Table.Td>
                      <Table.Td>{t(`broadcasts.intent.${b.intent}`)}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={b.status} />
                      </Table.Td>
                      <Table.Td>{formatNumber(b.enqueued)}</Table.Td>
                      <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </Stack>
  );
}
