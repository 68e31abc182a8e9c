/** Contacts: filters, the table, a drawer with the timeline, window countdown, labels and fields, CSV. */
import {
  Badge,
  Button,
  Drawer,
  Group,
  List,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/contacts.ts';
import { listPages } from '../api/pages.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/States.tsx';
import { WindowBadge } from '../components/WindowBadge.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useSession } from '../session.tsx';

export function contactName(c: Pick<api.ContactView, 'name' | 'firstName' | 'lastName' | 'psid'>): string {
  return c.name || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.psid;
}

function FieldsEditor({ contact }: { contact: api.ContactView }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const [rows, setRows] = useState<[string, string][]>([]);
  useEffect(() => setRows(Object.entries(contact.fields).map(([k, v]) => [k, String(v ?? '')])), [contact]);
  const save = useMutation({
    mutationFn: () =>
      api.updateContact(contact.id, { fields: Object.fromEntries(rows.filter(([k]) => k.trim() !== '')) }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['contact', contact.id] }),
  });
  return (
    <Stack gap="xs">
      {rows.map(([k, v], i) => (
        <Group key={String(i)} grow>
          <TextInput
            size="xs"
            placeholder={t('contacts.fieldName')}
            value={k}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))}
            disabled={!can('agent')}
          />
          <TextInput
            size="xs"
            placeholder={t('contacts.fieldValue')}
            value={v}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))}
            disabled={!can('agent')}
          />
        </Group>
      ))}
      {can('agent') ? (
        <Group>
          <Button size="compact-xs" variant="subtle" onClick={() => setRows([...rows, ['', '']])}>
            {t('contacts.addField')}
          </Button>
          <Button size="compact-xs" onClick={() => save.mutate()} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

function ContactDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => api.getContact(id!),
    enabled: id !== null,
  });
  const timeline = useQuery({
    queryKey: ['timeline', id],
    queryFn: () => api.timeline(id!),
    enabled: id !== null,
  });
  const labels = useMutation({
    mutationFn: (next: string[]) => {
      const before = contact.data?.labels ?? [];
      return api.updateContact(id!, {
        addLabels: next.filter((l) => !before.includes(l)),
        removeLabels: before.filter((l) => !next.includes(l)),
      });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['contact', id] });
      void client.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={contact.data ? contactName(contact.data) : t('contacts.contact')}
    >
      <QueryView query={contact}>
        {(c) => (
          <Stack data-testid="contact-drawer">
            <Group>
              <WindowBadge window={c.window} />
              {c.optedOut ? <Badge color="red">{t('contacts.optedOut')}</Badge> : null}
              {c.blocked ? <Badge color="dark">{t('contacts.blocked')}</Badge> : null}
              {c.marketingStatus ? (
                <Badge variant="outline">
                  {t('contacts.marketing', {
                    status: t(`contacts.marketingStatus.${c.marketingStatus}`, {
                      defaultValue: c.marketingStatus,
                    }),
                  })}
                </Badge>
              ) : null}
            </Group>
            {c.window.canDo && c.window.canDo.length > 0 ? (
              <Stack gap={2} data-testid="can-do">
                <Text size="sm" fw={600}>
                  {t('contacts.canDo')}
                </Text>
                <List size="sm">
                  {c.window.canDo.map((d) => (
                    <List.Item key={d.code}>{d.message}</List.Item>
                  ))}
                </List>
              </Stack>
            ) : null}
            <Text size="sm" c="dimmed">
              {t('contacts.summary', {
                psid: c.psid,
                locale: c.locale ?? '—',
                page: c.pageId,
                first: c.firstEntryPoint ?? '—',
                last: c.lastEntryPoint ?? '—',
              })}
            </Text>
            <TagsInput
              label={t('contacts.labels')}
              value={[...c.labels]}
              onChange={(v) => labels.mutate(v)}
              disabled={!can('agent')}
              data-testid="contact-labels"
            />
            <Title order={5}>{t('contacts.fields')}</Title>
            <FieldsEditor contact={c} />
            <Title order={5}>{t('contacts.timeline')}</Title>
            {timeline.error ? (
              <ErrorState error={timeline.error} />
            ) : !timeline.data ? (
              <Loading />
            ) : timeline.data.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('contacts.timelineEmpty')}
              </Text>
            ) : (
              <Timeline bulletSize={14} lineWidth={2} active={-1}>
                {timeline.data.map((item, i) => (
                  <Timeline.Item
                    key={item.id ?? String(i)}
                    color={item.allowed === false ? 'red' : item.direction === 'out' ? 'teal' : 'blue'}
                    title={t(`timeline.${api.timelineKey(item)}`, { defaultValue: api.timelineKey(item) })}
                  >
                    {item.text ? <Text size="sm">{item.text}</Text> : null}
                    {item.route ? (
                      <Text size="xs" c="dimmed">
                        {t(`routes.${item.route}`, { defaultValue: item.route })}
                      </Text>
                    ) : null}
                    {item.type === 'contact_change' ? (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {JSON.stringify(item.change)}
                      </Text>
                    ) : null}
                    {item.reasons?.map((code) => (
                      <Text key={code} size="xs" c="red">
                        {t(`reasons.${code}`, { defaultValue: code })}
                      </Text>
                    ))}
                    <Text size="xs" c="dimmed">
                      {formatDateTime(item.at)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            )}
          </Stack>
        )}
      </QueryView>
    </Drawer>
  );
}

export default function ContactsPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<api.ContactFilter>({ search: '', label: '', window: '' });
  const [filter, setFilter] = useState<api.ContactFilter>({});
  const [open, setOpen] = useState<string | null>(null);
  const q = useInfiniteQuery({
    queryKey: ['contacts', filter],
    queryFn: ({ pageParam }) => api.listContacts(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const csv = useMutation({ mutationFn: () => api.downloadContactsCsv(filter) });
  const pages = useQuery({ queryKey: ['pages'], queryFn: listPages, retry: false, staleTime: 60_000 });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const total = q.data?.pages[0]?.total;
  return (
    <Stack>
      <PageHeader
        title={t('contacts.title')}
        description={t('contacts.description')}
        actions={
          <Button variant="default" onClick={() => csv.mutate()} loading={csv.isPending}>
            {t('common.exportCsv')}
          </Button>
        }
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft });
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t('common.search')}
            value={draft.search}
            onChange={(e) => setDraft({ ...draft, search: e.currentTarget.value })}
            w={220}
          />
          <TextInput
            label={t('contacts.label')}
            value={draft.label}
            onChange={(e) => setDraft({ ...draft, label: e.currentTarget.value })}
            w={160}
          />
          <Select
            label={t('contacts.window')}
            w={200}
            value={draft.window ?? ''}
            onChange={(v) => setDraft({ ...draft, window: (v ?? '') as api.ContactFilter['window'] })}
            data={[
              { value: '', label: t('common.all') },
              { value: 'open', label: t('window.stateOpen') },
              { value: 'human_agent', label: t('window.stateHumanAgent') },
              { value: 'closed', label: t('window.stateClosed') },
            ]}
          />
          {pages.data && pages.data.length > 1 ? (
            <Select
              label={t('entry.page')}
              w={200}
              value={draft.pageId ?? ''}
              onChange={(v) => setDraft({ ...draft, pageId: v ?? '' })}
              data={[
                { value: '', label: t('common.all') },
                ...pages.data.map((p) => ({ value: p.id, label: p.name })),
              ]}
            />
          ) : null}
          <Button type="submit">{t('common.apply')}</Button>
          {total !== undefined ? (
            <Text size="sm" c="dimmed">
              {t('contacts.total', { count: total, n: formatNumber(total) })}
            </Text>
          ) : null}
        </Group>
      </form>
      {q.error ? (
        <ErrorState error={q.error} />
      ) : q.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={t('contacts.emptyTitle')} hint={t('contacts.emptyHint')} />
      ) : (
        <Table highlightOnHover withTableBorder data-testid="contacts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contacts.name')}</Table.Th>
              <Table.Th>{t('contacts.window')}</Table.Th>
              <Table.Th>{t('contacts.labels')}</Table.Th>
              <Table.Th>{t('contacts.locale')}</Table.Th>
              <Table.Th>{t('contacts.lastInbound')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id} onClick={() => setOpen(c.id)} style={{ cursor: 'pointer' }}>
                <Table.Td>
                  {contactName(c)}{' '}
                  {c.optedOut ? (
                    <Badge size="xs" color="red">
                      {t('contacts.optedOut')}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <WindowBadge window={c.window} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {c.labels.map((l) => (
                      <Badge key={l} size="xs" variant="outline">
                        {l}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{c.locale ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(c.lastInboundAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {q.hasNextPage ? (
        <Button variant="default" onClick={() => void q.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      ) : null}
      <ContactDrawer id={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
