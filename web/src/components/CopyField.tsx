import { ActionIcon, CopyButton, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A read-only value with a copy button (webhook URL, snippet, link). */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={label}
      value={value}
      readOnly
      data-testid={testId}
      rightSection={
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('common.copied') : t('common.copy')}>
              <ActionIcon variant="subtle" onClick={copy} aria-label={t('common.copy')}>
                <Text size="xs">{copied ? '✓' : '⧉'}</Text>
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}

export function CopyText({ value }: { value: string }) {
  const { t } = useTranslation();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Group gap={4}>
          <Text size="xs" c="blue" style={{ cursor: 'pointer' }} onClick={copy}>
            {copied ? t('common.copied') : t('common.copy')}
          </Text>
        </Group>
      )}
    </CopyButton>
  );
}
