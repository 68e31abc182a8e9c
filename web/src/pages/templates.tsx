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
import { EmptyState, ErrorState, QueryView } from '../components/States.tsx';
import { useSession } from '../session.tsx';

const STATUS_COLOR: Record<string, string> = { APPROVED: 'teal', PENDING: 'yellow', REJECTED: 'red' };

function Create({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const pages = useQuery({ queryKey: ['pages'], queryFn: listPages, retry: false });
  const [form, setForm] = useState({ name: '', language: 'es', body: '', pageId: '' });
  const [examples, setExamples] = useState<Record<number, string>>({});
  const pageId = form.pageId || pages.data?.[0]?.id || '';
  const slots = api.placeholdersOf(form.body);
  const create = useMutation({
    mutationFn: async () => {
      const draft = await api.createTemplate({
        pageId,
        name: form.name,
        language: form.language,
        body: form.body,
        examples: slots.map((n) => examples[n] ?? ''),
      });
      // Authoring and sending for review are one gesture here; a refused submission leaves the draft.
      return api.submitTemplate(draft.id);
    },
    meta: { quiet: true },
    onSettled: () => void client.invalidateQueries({ queryKey: ['templates'] }),
    onSuccess: onDone,
  });
  return (
    <Card withBorder padding="md" data-testid="template-create">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('templates.name')}
          description={t('templates.nameHint')}
          data-testid="template-name"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          required
        />
        <Select
          label={t('templates.language')}
          value={form.language}
          allowDeselect={false}
          onChange={(v) => setForm({ ...form, language: v ?? 'es' })}
          data={['es', 'es_MX', 'es_ES', 'en', 'en_US', 'en_GB', 'pt_BR', 'it']}
        />
        <Select
          label={t('entry.page')}
          value={pageId || null}
          allowDeselect={false}
          onChange={(v) => setForm({ ...form, pageId: v ?? '' })}
          data={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('entry.noPage')}
        />
      </SimpleGrid>
      <Textarea
        mt="sm"
        label={t('templates.body')}
        description={t('templates.bodyHint', { example: '{{1}}, {{2}}…' })}
        data-testid="template-body"
        autosize
        minRows={3}
        value={form.body}
        onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
      />
      {slots.length > 0 ? (
        <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
          {slots.map((n) => (
            <TextInput
              key={n}
              label={t('templates.example', { n })}
              description={t('templates.exampleHint')}
              value={examples[n] ?? ''}
              onChange={(e) => setExamples({ ...examples, [n]: e.currentTarget.value })}
              required
            />
          ))}
        </SimpleGrid>
      ) : null}
      {create.error ? <ErrorState error={create.error} /> : null}
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          data-testid="template-submit"
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={!form.name || !form.body || !pageId || slots.some((n) => !examples[n])}
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
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['templates'], queryFn: api.listTemplates });
  const done = () => client.invalidateQueries({ queryKey: ['templates'] });
  const submit = useMutation({ mutationFn: api.submitTemplate, onSettled: done });
  const remove = useMutation({ mutationFn: api.deleteTemplate, onSettled: done });
  return (
    <Stack>
      <PageHeader
        title={t('templates.title')}
        description={t('templates.description')}
        actions={
          can('admin') ? (
            <Button onClick={() => setCreating(true)} data-testid="template-new">
              {t('templates.new')}
            </Button>
          ) : null
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
                  <Table.Th />
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
                      {tpl.rejectedReason ? (
                        <Text size="xs" c="red">
                          {tpl.rejectedReason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {tpl.body ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {can('admin') ? (
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {tpl.status === 'DRAFT' || tpl.status === 'REJECTED' ? (
                            <Button size="compact-xs" variant="light" onClick={() => submit.mutate(tpl.id)}>
                              {t('templates.sendForReview')}
                            </Button>
                          ) : null}
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            onClick={() => remove.mutate(tpl.id)}
                          >
                            {t('common.delete')}
                          </Button>
                        </Group>
                      ) : null}
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
