import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { ApiError } from './api/http.ts';
import { initI18n } from './i18n/index.ts';
import { router } from './router.tsx';

const i18n = initI18n();

/** Every API error reaches the reader as a notification with the server's own words (es/en). */
function notifyError(error: unknown): void {
  if (error instanceof ApiError && error.status === 404 && error.code === 'not_found') return;
  const message =
    error instanceof ApiError && error.code === 'network_error'
      ? i18n.t('errors.unreachable')
      : error instanceof Error
        ? error.message
        : String(error);
  const code = error instanceof ApiError ? error.code : 'error';
  notifications.show({ id: `${code}:${message}`, color: 'red', title: i18n.t('errors.title'), message });
}

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (query.queryKey[0] === 'session') return;
      if (error instanceof ApiError && error.status === 401) {
        void client.invalidateQueries({ queryKey: ['session'] });
        return;
      }
      notifyError(error);
    },
  }),
  mutationCache: new MutationCache({
    onError: (error, _v, _c, mutation) => {
      if (mutation.meta?.quiet) return;
      notifyError(error);
    },
  }),
  defaultOptions: {
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: { quiet?: boolean };
  }
}

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <QueryClientProvider client={client}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
);
