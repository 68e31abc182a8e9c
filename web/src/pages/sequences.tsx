/** Sequences: timed steps after an entry label; each step's intent is checked by the rules at send time. */
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
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
import * as api from '../api/sequences.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { formatDuration, formatNumber } from '../format.ts';
import { useSession } from '../session.tsx';

const INTENTS = ['promotional', 'non_promotional', 'transactional'] as const;

function Editor({ sequence, onDone }: { sequence: api.Sequence | null; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(sequence?.name ?? '');
  const [entryLabel, setEntryLabel] = useState(sequence?.entryLabel ?? '');
  const [steps, setSteps] = useState<api.SequenceStep[]>(
    sequence?.steps.map((s) => ({ ...s })) ?? [
      { delayMinutes: 60, intent: 'non_promotional', message: { type: 'text', text: '' } },
    ],
  );
  const save = useMutation({
    mutationFn: () => {
      const input = { name, ...(entryLabel ? { entryLabel } : {}), steps };
      return sequence ? api.saveSequence(sequence.id, input) : api.createSequence(input);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['sequences'] });
      onDone();
    },
  });
  const update = (i: number, change: Partial<api.SequenceStep>) =>
    setSteps(steps.map((s, j) => (j === i ? { ...s, ...change } : s)));
  return (
    <Card withBorder padding="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="sm">
        <TextInput
          label={t('sequences.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('sequences.entryLabel')}
          description={t('sequences.entryLabelHint')}
          value={entryLabel}
          onChange={(e) => setEntryLabel(e.currentTarget.value)}
        />
      </SimpleGrid>
      <Stack gap="xs">
        {steps.map((s, i) => (
          <Card key={String(i)} withBorder padding="xs">
            <Group align="flex-end" wrap="wrap">
              <Badge>{i + 1}</Badge>
              <NumberInput
                label={t('sequences.delay')}
                min={1}
                w={140}
                value={s.delayMinutes}
                onChange={(v) => update(i, { delayMinutes: Number(v) || 1 })}
              />
              <Select
                label={t('broadcasts.compose.intent')}
                w={200}
                value={s.intent ?? 'non_promotional'}
                allowDeselect={false}
                onChange={(v) => update(i, { intent: v ?? 'non_promotional' })}
                data={INTENTS.map((v) => ({ value: v, label: t(`broadcasts.intent.${v}`) }))}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('common.delete')}
                onClick={() => setSteps(steps.filter((_, j) => j !== i))}
              >
                ✕
              </ActionIcon>
            </Group>
            <Textarea
              mt="xs"
              autosize
              minRows={2}
              label={t('sequences.text')}
              value={s.message.text ?? ''}
              onChange={(e) => update(i, { message: { type: 'text', text: e.currentTarget.value } })}
            />
          </Card>
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="xs">
        {t('sequences.rulesHint')}
      </Text>
      <Group justify="space-between" mt="sm">
        <Button
          variant="subtle"
          onClick={() =>
            setSteps([
              ...steps,
              { delayMinutes: 1440, intent: 'non_promotional', message: { type: 'text', text: '' } },
            ])
          }
        >
          {t('sequences.addStep')}
        </Button>
        <Group>
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button
            onClick={() => save.mutate()}
            loading={save.isPending}
            disabled={!name || steps.length === 0}
          >
            {t('common.save')}
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

export default function SequencesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['sequences'], queryFn: api.listSequences });
  const [editing, setEditing] = useState<api.Sequence | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: api.deleteSequence,
    onSuccess: () => client.invalidateQueries({ queryKey: ['sequences'] }),
  });
  return (
    <Stack>
      <PageHeader
        title={t('sequences.title')}
        description={t('sequences.description')}
        actions={
          can('admin') ? <Button onClick={() => setEditing('new')}>{t('sequences.new')}</Button> : null
        }
      />
      {editing ? (
        <Editor
          key={editing === 'new' ? 'new' : editing.id}
          sequence={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('sequences.emptyTitle')} hint={t('sequences.emptyHint')} />
          ) : (
            <Table withTableBorder highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('sequences.name')}</Table.Th>
                  <Table.Th>{t('sequences.entryLabel')}</Table.Th>
                  <Table.Th>{t('sequences.steps')}</Table.Th>
                  <Table.Th>{t('sequences.enrolled')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>{s.entryLabel ?? '—'}</Table.Td>
                    <Table.Td>
                      {s.steps.map((st) => formatDuration(st.delayMinutes * 60_000)).join(' → ')}
                    </Table.Td>
                    <Table.Td>{formatNumber(s.enrolled ?? null)}</Table.Td>
                    <Table.Td>
                      {can('admin') ? (
                        <Group gap="xs" justify="flex-end">
                          <Button size="compact-xs" variant="light" onClick={() => setEditing(s)}>
                            {t('common.edit')}
                          </Button>
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            onClick={() => remove.mutate(s.id)}
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
