/**
 * What a message carries besides its text, as Messenger shows it: pictures (and stickers) inline,
 * opening full size in a new tab; audio, video, files and links as a named link; an attachment
 * Meta gave no URL for by its type.
 */
import { Anchor, Image, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ThreadAttachment } from '../api/inbox.ts';

const PICTURES = new Set(['image', 'sticker']);

export function MessageAttachments({ items }: { items: readonly ThreadAttachment[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  const name = (a: ThreadAttachment) =>
    a.title ?? t(`inbox.attachmentKind.${a.type}`, { defaultValue: t('inbox.attachmentKind.other') });
  return (
    <Stack gap={4} data-testid="message-attachments">
      {items.map((a, i) => {
        // Index keys: a message's attachments never change once stored.
        const key = `${i}-${a.type}`;
        if (a.url === null)
          return (
            <Text key={key} size="sm">
              📎 {name(a)}
            </Text>
          );
        return (
          <Anchor key={key} href={a.url} target="_blank" rel="noopener noreferrer" c="inherit" size="sm">
            {PICTURES.has(a.type) ? (
              <Image
                src={a.url}
                alt={name(a)}
                maw={240}
                mah={240}
                fit="contain"
                radius="sm"
                data-testid="message-picture"
              />
            ) : (
              <>📎 {name(a)}</>
            )}
          </Anchor>
        );
      })}
    </Stack>
  );
}
