import { Paper, Text } from '@mantine/core';
import { formatNumber } from '../format.ts';

export function StatCard({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: number | null | undefined;
  hint?: string;
  testId?: string;
}) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={700} fz={28}>
        {formatNumber(value)}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}
