/** Loading, empty and error states, the same on every page and in both languages. */
import { Alert, Center, Loader, Stack, Text, ThemeIcon } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center py="xl" aria-busy="true">
      <Loader size="sm" aria-label={t('common.loading')} />
    </Center>
  );
}

export function EmptyState({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <Stack align="center" gap="xs" py="xl" data-testid="empty-state">
      <ThemeIcon variant="light" size="xl" radius="xl" color="gray">
        ∅
      </ThemeIcon>
      <Text fw={600}>{title}</Text>
      {hint ? (
        <Text c="dimmed" size="sm" ta="center" maw={480}>
          {hint}
        </Text>
      ) : null}
      {action}
    </Stack>
  );
}

/** An API failure. A 404 `not_found` means this server has no such endpoint yet (an older Ventana). */
export function ErrorState({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const missing = error instanceof ApiError && error.status === 404 && error.code === 'not_found';
  const message = missing
    ? t('errors.notAvailable')
    : error instanceof ApiError && error.code === 'network_error'
      ? t('errors.unreachable')
      : error instanceof ApiError
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
  return (
    <Alert
      color={missing ? 'yellow' : 'red'}
      title={missing ? t('errors.notAvailableTitle') : t('errors.title')}
      data-testid="error-state"
    >
      <Text size="sm">{message}</Text>
      {error instanceof ApiError && !missing ? (
        <Text size="xs" c="dimmed" mt={4}>
          {error.code}
        </Text>
      ) : null}
    </Alert>
  );
}

/** Renders children once a query has data; loading and error states otherwise. */
export function QueryView<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean };
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorState error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}
