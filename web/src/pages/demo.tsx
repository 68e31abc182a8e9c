/** Demo mode: act as one of the simulator's fake people and write to the demo Page. */
import { Alert, Button, Card, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/demo.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';

export default function DemoPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const people = useQuery({ queryKey: ['demo-people'], queryFn: api.listPeople });
  const [psid, setPsid] = useState<string | null>(null);
  const [text, setText] = useState('');
  const write = useMutation({
    mutationFn: () => api.writeAs(psid!, text),
    onSuccess: () => {
      setText('');
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
  return (
    <Stack>
      <PageHeader title={t('demo.title')} description={t('demo.description')} />
      <QueryView query={people}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('demo.emptyTitle')} hint={t('demo.emptyHint')} />
          ) : (
            <Card withBorder padding="md" maw={640} data-testid="demo-panel">
              <Stack>
                <Select
                  label={t('demo.person')}
                  placeholder={t('demo.pickPerson')}
                  value={psid}
                  onChange={setPsid}
                  data={items.map((p) => ({
                    value: p.psid,
                    label: `${p.firstName}${p.lastName ? ` ${p.lastName}` : ''}${p.locale ? ` (${p.locale})` : ''}`,
                  }))}
                  data-testid="demo-person"
                />
                <Textarea
                  label={t('demo.message')}
                  autosize
                  minRows={2}
                  value={text}
                  onChange={(e) => setText(e.currentTarget.value)}
                  data-testid="demo-text"
                />
                <Group justify="space-between">
                  <Text size="xs" c="dimmed">
                    {t('demo.hint')}
                  </Text>
                  <Button
                    onClick={() => write.mutate()}
                    loading={write.isPending}
                    disabled={!psid || !text}
                    data-testid="demo-send"
                  >
                    {t('demo.send')}
                  </Button>
                </Group>
                {write.isSuccess ? <Alert color="teal">{t('demo.sent')}</Alert> : null}
              </Stack>
            </Card>
          )
        }
      </QueryView>
    </Stack>
  );
}
