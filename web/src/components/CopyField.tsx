import { Button, CopyButton, Group, Text, TextInput } from '@mantine/core';
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
      rightSectionWidth={90}
      rightSection={
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
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
