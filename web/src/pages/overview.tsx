/** Overview: contacts, windows open now, messages by route, refusals by rule, opt-ins/outs over time. */
import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { overview } from '../api/overview.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { formatDay } from '../format.ts';

const DAY = 86_400_000;

function ChartCard({ title, children, empty }: { title: string; children: React.ReactNode; empty: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md">
      <Title order={5} mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text c="dimmed" size="sm" py="lg" ta="center">
          {t('overview.noData')}
        </Text>
      ) : (
        children
      )}
    </Card>
  );
}

export default function OverviewPage() {
  const { t } = useTranslation();
  const [days, setDays] = useState('30');
  const range = useMemo(() => {
    const to = Date.now();
    return { from: new Date(to - Number(days) * DAY).toISOString(), to: new Date(to).toISOString() };
  }, [days]);
  const q = useQuery({
    queryKey: ['overview', range],
    queryFn: () => overview(range.from, range.to),
    refetchInterval: 30_000,
  });
  return (
    <Stack>
      <PageHeader
        title={t('overview.title')}
        description={t('overview.description')}
        actions={
          <SegmentedControl
            value={days}
            onChange={setDays}
            data={[
              { value: '7', label: t('overview.days', { count: 7 }) },
              { value: '30', label: t('overview.days', { count: 30 }) },
              { value: '90', label: t('overview.days', { count: 90 }) },
            ]}
          />
        }
      />
      <QueryView query={q}>
        {(o) => {
          const byDay = o.byDay.map((d) => ({ ...d, day: formatDay(d.day) }));
          const nothing = o.totals.contacts === 0 && o.byDay.length === 0;
          return (
            <Stack>
              <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
                <StatCard label={t('overview.contacts')} value={o.totals.contacts} testId="stat-contacts" />
                <StatCard
                  label={t('overview.windowsOpen')}
                  value={o.totals.windowsOpen}
                  testId="stat-windows"
                />
                <StatCard label={t('overview.sent')} value={o.totals.sent} />
                <StatCard
                  label={t('overview.refused')}
                  value={o.totals.refused}
                  hint={t('overview.refusedHint')}
                />
                <StatCard label={t('overview.optIns')} value={o.totals.optIns} />
                <StatCard label={t('overview.optOuts')} value={o.totals.optOuts} />
              </SimpleGrid>
              {nothing ? (
                <EmptyState title={t('overview.emptyTitle')} hint={t('overview.emptyHint')} />
              ) : null}
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <ChartCard title={t('overview.messagesOverTime')} empty={byDay.length === 0}>
                  <LineChart
                    h={240}
                    data={byDay}
                    dataKey="day"
                    withLegend
                    curveType="monotone"
                    yAxisProps={{ allowDecimals: false }}
                    series={[
                      { name: 'inbound', label: t('overview.inbound'), color: 'blue.6' },
                      { name: 'sent', label: t('overview.sent'), color: 'teal.6' },
                      { name: 'refused', label: t('overview.refused'), color: 'red.6' },
                    ]}
                  />
                </ChartCard>
                <ChartCard title={t('overview.optInsOuts')} empty={byDay.length === 0}>
                  <BarChart
                    h={240}
                    data={byDay}
                    dataKey="day"
                    withLegend
                    yAxisProps={{ allowDecimals: false }}
                    series={[
                      { name: 'optIns', label: t('overview.optIns'), color: 'teal.5' },
                      { name: 'optOuts', label: t('overview.optOuts'), color: 'orange.5' },
                    ]}
                  />
                </ChartCard>
                <ChartCard title={t('overview.byRoute')} empty={o.byRoute.length === 0}>
                  <BarChart
                    h={240}
                    data={o.byRoute.map((r) => ({
                      route: t(`routes.${r.route}`, { defaultValue: r.route }),
                      count: r.count,
                    }))}
                    dataKey="route"
                    series={[{ name: 'count', label: t('overview.messages'), color: 'indigo.6' }]}
                  />
                </ChartCard>
                <ChartCard title={t('overview.refusedByRule')} empty={o.refusedByReason.length === 0}>
                  <BarChart
                    h={Math.max(200, o.refusedByReason.length * 40)}
                    orientation="vertical"
                    yAxisProps={{ width: 200 }}
                    xAxisProps={{ allowDecimals: false }}
                    data={o.refusedByReason.map((r) => ({
                      reason: t(`reasons.${r.code}`, { defaultValue: r.code }),
                      count: r.count,
                    }))}
                    dataKey="reason"
                    series={[{ name: 'count', label: t('overview.refused'), color: 'red.6' }]}
                  />
                  <Group mt="xs">
                    <Text size="xs" c="dimmed">
                      {t('overview.refusedExplain')}
                    </Text>
                  </Group>
                </ChartCard>
              </SimpleGrid>
            </Stack>
          );
        }}
      </QueryView>
    </Stack>
  );
}
