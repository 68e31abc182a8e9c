/** The audit log: every decision with its evidence and Meta's answer; filters, paging, CSV. */
import { Badge, Button, Code, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditFilter, downloadAuditCsv, listAudit } from '../api/audit.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, Loading } from '../components/States.tsx';
import { formatDateTime } from '../format.ts';

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export default function AuditPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({
    reason: '',
    allowed: '',
    contact: '',
    page: '',
    message: '',
    from: '',
    to: '',
  });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [open, setOpen] = useState<string | null>(null);
  const q = useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam }) => listAudit(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const csv = useMutation({ mutationFn: () => downloadAuditCsv(filter) });
  const set = (k: keyof typeof draft) => (e: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [k]: e.currentTarget.value });
  const apply = () =>
    setFilter({
      ...(draft.reason ? { reason: draft.reason.trim() } : {}),
      ...(draft.allowed ? { allowed: draft.allowed as 'true' | 'false' } : {}),
      ...(draft.contact ? { contact: draft.contact.trim() } : {}),
      ...(draft.page ? { page: draft.page.trim() } : {}),
      ...(draft.message ? { message: draft.message.trim() } : {}),
      ...(toIso(draft.from) ? { from: toIso(draft.from) } : {}),
      ...(toIso(draft.to) ? { to: toIso(draft.to) } : {}),
    });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        actions={
          <Button
            variant="default"
            onClick={() => csv.mutate()}
            loading={csv.isPending}
            data-testid="audit-csv"
          >
            {t('common.exportCsv')}
          </Button>
        }
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <Group align="flex-end" wrap="wrap" gap="sm">
          <Select
            label={t('audit.allowed')}
            w={150}
            value={draft.allowed}
            onChange={(v) => setDraft({ ...draft, allowed: v ?? '' })}
            data={[
              { value: '', label: t('common.all') },
              { value: 'true', label: t('audit.allowedYes') },
              { value: 'false', label: t('audit.allowedNo') },
            ]}
            data-testid="audit-allowed"
          />
          <TextInput
            label={t('audit.reason')}
            placeholder="outside_window"
            value={draft.reason}
            onChange={set('reason')}
            w={180}
          />
          <TextInput label={t('audit.contact')} value={draft.contact} onChange={set('contact')} w={160} />
          <TextInput label={t('audit.page')} value={draft.page} onChange={set('page')} w={160} />
          <TextInput label={t('audit.message')} value={draft.message} onChange={set('message')} w={160} />
          <TextInput
            type="datetime-local"
            label={t('common.from')}
            value={draft.from}
            onChange={set('from')}
          />
          <TextInput type="datetime-local" label={t('common.to')} value={draft.to} onChange={set('to')} />
          <Button type="submit" data-testid="audit-apply">
            {t('common.apply')}
          </Button>
        </Group>
      </form>
      {q.error ? <ErrorState error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : items.length === 0 && !q.error ? (
        <EmptyState title={t('audit.emptyTitle')} hint={t('audit.emptyHint')} />
      ) : (
        <Table withTableBorder highlightOnHover data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('common.when')}</Table.Th>
              <Table.Th>{t('audit.decision')}</Table.Th>
              <Table.Th>{t('audit.route')}</Table.Th>
              <Table.Th>{t('audit.reasons')}</Table.Th>
              <Table.Th>{t('audit.graph')}</Table.Th>
              <Table.Th>{t('audit.rules')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => (
              <Fragment key={e.id}>
                <Table.Tr onClick={() => setOpen(open === e.id ? null : e.id)} style={{ cursor: 'pointer' }}>
                  <Table.Td>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td>
                    <Badge color={e.allowed ? 'teal' : 'red'} variant="light">
                      {e.allowed ? t('audit.allowedYes') : t('audit.allowedNo')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{e.route ? t(`routes.${e.route}`, { defaultValue: e.route }) : '—'}</Table.Td>
                  <Table.Td>
                    {e.reasons.length === 0
                      ? '—'
                      : e.reasons.map((r) => (
                          <Text key={r.code} size="sm">
                            {t(`reasons.${r.code}`, { defaultValue: r.code })}
                          </Text>
                        ))}
                  </Table.Td>
                  <Table.Td>{e.graphStatus ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {e.ruleSet}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr style={{ display: open === e.id ? undefined : 'none' }}>
                  <Table.Td colSpan={6}>
                    <div>
                      <Text size="xs" c="dimmed">
                        {t('audit.ids', {
                          contact: e.contactId ?? '—',
                          page: e.pageId ?? '—',
                          message: e.messageRef ?? '—',
                        })}
                      </Text>
                      <Code block mah={320} style={{ overflow: 'auto' }}>
                        {JSON.stringify(
                          { evidence: e.evidence, decision: e.decision, graph: e.graphResponse },
                          null,
                          2,
                        )}
                      </Code>
                    </div>
                  </Table.Td>
                </Table.Tr>
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {q.hasNextPage ? (
        <Button variant="default" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
