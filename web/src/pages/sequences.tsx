/** Sequences: timed steps after an entry label; each step is decided by the rules when it falls due. */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';
import * as api from '../api/sequences.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { formatDuration } from '../format.ts';
import { useSession } from '../session.tsx';

const INTENTS = ['promotional', 'non_promotional', 'transactional'] as const;
const UNITS: api.DelayUnit[] = ['minutes', 'hours', 'days'];
const FALLBACKS: api.Fallback[] = ['skip', 'wait_for_inbound', 'marketing_message'];

const newStep = (amount: number, unit: api.DelayUnit): api.SequenceStep => ({
  delay: { amount, unit, from: 'previous' },
  content: { message: { type: 'text', text: '' } },
  intent: 'non_promotional',
  fallback: { type: 'skip' },
});

function Editor({ sequence, onDone }: { sequence: api.Sequence | null; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(sequence?.name ?? '');
  const [labels, setLabels] = useState<string[]>([...(sequence?.entry.labels ?? [])]);
  const [exitOnReply, setExitOnReply] = useState(sequence?.exitOnReply ?? true);
  const [steps, setSteps] = useState<api.SequenceStep[]>(
    sequence ? sequence.steps.map((st) => ({ ...st })) : [newStep(1, 'hours')],
  );
  const save = useMutation({
    mutationFn: () => {
      const input: api.SequenceInput = {
        name,
        exitOnReply,
        entry: { labels, entryPoints: [...(sequence?.entry.entryPoints ?? [])] },
        ...(sequence?.goal
          ? {
              goal: {
                ...(sequence.goal.label ? { label: sequence.goal.label } : {}),
                ...(sequence.goal.field ? { field: sequence.goal.field } : {}),
              },
            }
          : {}),
        ...(sequence ? { defaultTimezone: sequence.defaultTimezone } : {}),
        steps,
      };
      return sequence ? api.saveSequence(sequence.id, input) : api.createSequence(input);
    },
    meta: { quiet: true },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['sequences'] });
      if (saved.warnings.length === 0) onDone();
    },
  });
  const problems =
    save.error instanceof ApiError
      ? ((save.error.details.problems as { field: string; message: string }[] | undefined) ?? [
          { field: save.error.code, message: save.error.message },
        ])
      : [];
  const update = (i: number, change: Partial<api.SequenceStep>) =>
    setSteps(steps.map((st, j) => (j === i ? { ...st, ...change } : st)));
  return (
    <Card withBorder padding="md" data-testid="sequence-editor">
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="md">
        <TextInput
          data-testid="sequence-name"
          label={t('sequences.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TagsInput
          label={t('sequences.entryLabel')}
          description={t('sequences.entryLabelHint')}
          data-testid="sequence-labels"
          value={labels}
          onChange={setLabels}
        />
      </SimpleGrid>
      <Switch
        mb="md"
        label={t('sequences.exitOnReply')}
        checked={exitOnReply}
        onChange={(e) => setExitOnReply(e.currentTarget.checked)}
      />
      <Stack gap="sm">
        {steps.map((st, i) => (
          <Card key={st.id ?? String(i)} withBorder padding="sm">
            <Group align="flex-end" wrap="wrap">
              <Badge variant="light">{i + 1}</Badge>
              <NumberInput
                label={t('sequences.delay')}
                w={110}
                min={0}
                value={st.delay.amount}
                onChange={(v) => update(i, { delay: { ...st.delay, amount: Number(v) || 0 } })}
              />
              <Select
                label={t('sequences.unit')}
                w={120}
                value={st.delay.unit}
                allowDeselect={false}
                onChange={(v) => update(i, { delay: { ...st.delay, unit: (v ?? 'hours') as api.DelayUnit } })}
                data={UNITS.map((u) => ({ value: u, label: t(`sequences.units.${u}`) }))}
              />
              <Select
                label={t('broadcasts.compose.intent')}
                w={170}
                value={st.intent}
                allowDeselect={false}
                onChange={(v) =>
                  update(i, { intent: (v ?? 'non_promotional') as api.SequenceStep['intent'] })
                }
                data={INTENTS.map((v) => ({ value: v, label: t(`broadcasts.intent.${v}`) }))}
              />
              <Select
                label={t('sequences.fallback')}
                w={230}
                value={st.fallback?.type ?? 'skip'}
                allowDeselect={false}
                onChange={(v) => update(i, { fallback: { type: (v ?? 'skip') as api.Fallback } })}
                data={[
                  ...FALLBACKS.map((f) => ({ value: f, label: t(`sequences.fallbacks.${f}`) })),
                  ...(st.fallback?.type === 'utility_template'
                    ? [{ value: 'utility_template', label: t('sequences.fallbacks.utility_template') }]
                    : []),
                ]}
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
            {st.content.message.type === 'text' ? (
              <Textarea
                mt="xs"
                label={t('sequences.text')}
                data-testid="sequence-step-text"
                autosize
                minRows={2}
                value={st.content.message.text ?? ''}
                onChange={(e) =>
                  update(i, { content: { message: { type: 'text', text: e.currentTarget.value } } })
                }
              />
            ) : (
              <Text size="sm" c="dimmed" mt="xs">
                {t('sequences.richContent', { type: st.content.message.type })}
              </Text>
            )}
          </Card>
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="sm">
        {t('sequences.rulesHint')}
      </Text>
      {problems.length > 0 ? (
        <Alert color="red" mt="sm" title={t('errors.title')}>
          <List size="sm">
            {problems.map((p) => (
              <List.Item key={p.field + p.message}>{p.message}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {save.data && save.data.warnings.length > 0 ? (
        <Alert color="yellow" mt="sm" title={t('sequences.warnings')} data-testid="sequence-warnings">
          <List size="sm">
            {save.data.warnings.map((w) => (
              <List.Item key={`${w.step}-${w.code}`}>{w.message}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <Group justify="space-between" mt="md">
        <Button variant="subtle" onClick={() => setSteps([...steps, newStep(1, 'days')])}>
          {t('sequences.addStep')}
        </Button>
        <Group>
          <Button variant="default" onClick={onDone}>
            {save.data ? t('common.close') : t('common.cancel')}
          </Button>
          <Button
            data-testid="sequence-save"
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
  const done = () => client.invalidateQueries({ queryKey: ['sequences'] });
  const remove = useMutation({ mutationFn: api.deleteSequence, onSuccess: done });
  const toggle = useMutation({
    mutationFn: (sq: api.Sequence) =>
      sq.status === 'active' ? api.pauseSequence(sq.id) : api.activateSequence(sq.id),
    onSuccess: done,
  });
  return (
    <Stack>
      <PageHeader
        title={t('sequences.title')}
        description={t('sequences.description')}
        actions={
          can('admin') ? (
            <Button onClick={() => setEditing('new')} data-testid="sequence-new">
              {t('sequences.new')}
            </Button>
          ) : null
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
                  <Table.Th>{t('sequences.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id} data-testid="sequence-row">
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>{s.entry.labels.join(', ') || '—'}</Table.Td>
                    <Table.Td>{s.steps.map((st) => formatDuration(api.delayMs(st))).join(' → ')}</Table.Td>
                    <Table.Td>
                      <Badge color={s.status === 'active' ? 'teal' : 'gray'} variant="light">
                        {t(`sequences.statuses.${s.status}`, { defaultValue: s.status })}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {can('admin') ? (
                        <Group gap="xs" justify="flex-end">
                          <Button
                            size="compact-xs"
                            variant="default"
                            onClick={() => toggle.mutate(s)}
                            data-testid="sequence-toggle"
                          >
                            {s.status === 'active' ? t('sequences.pause') : t('sequences.activate')}
                          </Button>
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
