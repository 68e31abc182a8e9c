/** Utility templates (transactional messages outside the window, approved by Meta). */
import {
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listPages } from '../api/pages.ts';
import * as api from '../api/templates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { useSession } from '../session.tsx';

const STATUS_COLOR: Record<string, string> = { APPROVED: 'teal', PENDING: 'yellow', REJECTED: 'red' };

function Create({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const pages = useQuery({ queryKey: ['pages'], queryFn: listPages, retry: false });
  const [form, setForm] = useState({ name: '', language: 'es', body: '', pageId: '' });
  const create = useMutation({
    mutationFn: () =>
      api.createTemplate({ ...form, category: 'UTILITY', ...(form.pageId ? {} : { pageId: undefined }) }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['templates'] });
      onDone();
    },
  });
  return (
    <Card withBorder padding="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('templates.name')}
          description={t('templates.nameHint')}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          required
        />
        <Select
          label={t('templates.language')}
          value={form.language}
          allowDeselect={false}
          onChange={(v) => setForm({ ...form, language: v ?? 'es' })}
          data={['es', 'es_MX', 'en', 'en_US', 'pt_BR', 'it']}
        />
        <Select
          label={t('entry.page')}
          value={form.pageId}
          onChange={(v) => setForm({ ...form, pageId: v ?? '' })}
          data={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          clearable
        />
      </SimpleGrid>
      <Textarea
        mt="sm"
        label={t('templates.body')}
        description={t('templates.bodyHint', { example: '{{1}}, {{2}}…' })}
        autosize
        minRows={3}
        value={form.body}
        onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
      />
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={!form.name || !form.body}
        >
          {t('templates.submit')}
        </Button>
      </Group>
    </Card>
  );
}

export default function TemplatesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['templates'], queryFn: api.listTemplates });
  return (
    <Stack>
      <PageHeader
        title={t('templates.title')}
        description={t('templates.description')}
        actions={
          can('admin') ? <Button onClick={() => setCreating(true)}>{t('templates.new')}</Button> : null
        }
      />
      {creating ? <Create onDone={() => setCreating(false)} /> : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('templates.emptyTitle')} hint={t('templates.emptyHint')} />
          ) : (
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('templates.name')}</Table.Th>
                  <Table.Th>{t('templates.language')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th>{t('templates.body')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((tpl) => (
                  <Table.Tr key={tpl.id}>
                    <Table.Td>{tpl.name}</Table.Td>
                    <Table.Td>{tpl.language}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[tpl.status] ?? 'gray'} variant="light">
                        {t(`templates.status.${tpl.status}`, { defaultValue: tpl.status })}
                      </Badge>
                      {tpl.rejectionReason ? (
                        <Text size="xs" c="red">
                          {tpl.rejectionReason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {tpl.body ?? ''}
                      </Text>
                    </Table.Td>
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
