/** Who a send goes to, by the route's recipient kind: the PSID, a comment or post, or an opt-in token. */
import type { SendRecipient } from '../messenger/send-request.ts';
import type { Decision } from '../policy/index.ts';
import type { OutboxContent } from './content.ts';

export function recipientFor(
  decision: Decision,
  psid: string,
  content: OutboxContent,
  tokens: { readonly legacy: string | null; readonly oneTime: string | null } | undefined,
): SendRecipient | null {
  switch (decision.send.recipient) {
    case 'id':
      return { id: psid };
    case 'comment_id':
      return content.privateReply?.commentId ? { comment_id: content.privateReply.commentId } : null;
    case 'post_id':
      return content.privateReply?.postId ? { post_id: content.privateReply.postId } : null;
    case 'notification_messages_token':
      return tokens?.legacy ? { notification_messages_token: tokens.legacy } : null;
    case 'one_time_notif_token':
      return tokens?.oneTime ? { one_time_notif_token: tokens.oneTime } : null;
    default:
      // subscription_token (Marketing Message API) and user_ref are not sent through the Page endpoint.
      return null;
  }
}
