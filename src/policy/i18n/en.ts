import type { Catalog } from './catalog.ts';

/** English words for every policy code. `{name}` is replaced by the parameter; `{at}` is a formatted moment. */
export const en: Catalog = {
  reasons: {
    outside_window: 'The 24-hour window closed {at}: the person has not written since.',
    promotional_content: 'The message is promotional; outside the window promotions need a marketing route.',
    tag_deprecated: 'The tag {tag} is no longer accepted by Meta (error 100); it cannot be used.',
    tag_unknown: '{tag} is not a message tag Meta accepts under these rules.',
    tag_requires_non_promotional:
      'The tag {tag} may only carry non-promotional content, and this message is promotional.',
    tag_window_expired: 'The tag {tag} may only be used within {days} days of the person’s last message.',
    human_agent_requires_human:
      'HUMAN_AGENT is only for messages written by a person on your team, never by a bot or AI.',
    human_agent_window_expired: 'A human agent could answer until {at}; that time has passed.',
    human_agent_not_approved: 'The Page does not hold the Human Agent permission (App Review).',
    utility_not_enabled: 'The Page does not hold the {permission} permission needed for utility templates.',
    utility_requires_template:
      'Only approved UTILITY templates can go this way; this template is {category}.',
    utility_not_available: 'Utility templates did not exist under these rules.',
    marketing_not_subscribed: 'The person has not subscribed to marketing messages.',
    marketing_not_enabled: 'The Page is not set up for the Marketing Message API.',
    marketing_cooldown:
      'Only one marketing message every {hours} hours per person; the next one may go {at}.',
    marketing_region_ineligible: 'Marketing messages cannot reach this country ({country}).',
    marketing_token_expired: 'The person’s marketing subscription expired {at}.',
    marketing_not_available: 'Marketing messages did not exist under these rules.',
    legacy_token_missing: 'The person has no active notification token.',
    legacy_token_expired: 'The person’s notification token expired {at}.',
    legacy_region_ineligible:
      'Notification tokens only work for people in Australia, the EU, Japan, South Korea and the UK ({country}).',
    legacy_cooldown: 'Only one notification every {hours} hours per token; the next one may go {at}.',
    legacy_not_available: 'Notification tokens are not available under these rules.',
    one_time_token_missing: 'The person has not asked to be notified.',
    one_time_token_used: 'The person’s one-time notification was already used {at}.',
    one_time_token_expired: 'The person’s one-time notification token is more than a year old.',
    one_time_not_available: 'One-time notifications are not available under these rules.',
    private_reply_used: 'This comment already got its one private reply.',
    private_reply_expired:
      'Private replies must be sent within {days} days of the comment; the time ran out {at}.',
    not_news_page: 'Only Pages in the News Page Index may send news messages.',
    news_requires_non_promotional: 'News messages may not carry offers, deals or branded content.',
    customer_feedback_requires_template:
      'CUSTOMER_FEEDBACK may only be used with the Customer Feedback Template.',
    customer_feedback_window_expired:
      'Feedback surveys must be sent within {days} days of the person’s last message.',
    sponsored_not_send_api: 'Sponsored messages are paid ads and cannot be sent through the Send API.',
    contact_blocked: 'The person has blocked the Page or cannot receive messages.',
    contact_opted_out: 'The person opted out of marketing: they may receive answers, never promotions.',
    page_restricted:
      'Meta has restricted this Page from sending messages; nothing may be sent until it is lifted.',
    no_inbound_yet: 'The person has never written to the Page, so there is no window to answer in.',
    template_not_approved:
      'The template {name} is not approved by Meta (status {status}); only approved templates may be sent.',
    optin_request_outside_window:
      'A marketing opt-in request may only be sent while the 24-hour window is open.',
    marketing_paused: 'Meta capped marketing messages to this person; the next one may go {at}.',
  },
  alternatives: {
    send_before_window_closes: 'Send it before {at}, while the window is open.',
    wait_for_inbound: 'Wait until the person writes again: that reopens the window for 24 hours.',
    ask_marketing_optin: 'Ask for a marketing opt-in the next time the window is open.',
    use_marketing_message: 'Send it as a marketing message from {at}.',
    use_legacy_notification: 'Send it with the notification token from {at}.',
    use_one_time_notification: 'Use the person’s one-time notification.',
    use_utility_template:
      'If it is about an order, account or appointment, use an approved utility template.',
    human_agent_reply: 'A person on your team can answer with HUMAN_AGENT until {at}.',
    remove_promotional_content:
      'Remove the promotional content (offers, prices, links to the shop) to use a non-promotional route.',
    paid_reach: 'This needs paid reach: a Click-to-Messenger ad or the Marketing Message API.',
    use_private_reply: 'Answer the comment with one private reply.',
    use_message_tag: 'If it matches a tag’s use case, tag it: {tags}.',
  },
  notes: {
    tag_dropped_inside_window:
      'The window is open, so the message goes as a standard one without the tag {tag}.',
    ctm_window_applied: 'The person came from a Click-to-Messenger ad: the window lasts until {at}.',
    window_closed_by_graph:
      'Meta answered “outside of allowed window” {at}; the window is closed whatever the clock says.',
    uncertain_rule: 'This route relies on a rule Meta’s documents leave uncertain ({rule}).',
    opted_out_non_promotional:
      'The person opted out of marketing; this non-promotional message may still go.',
  },
  routes: {
    standard: 'standard window',
    message_tag: 'message tag',
    human_agent: 'human agent',
    utility: 'utility template',
    marketing_message: 'marketing message',
    legacy_notification: 'notification token',
    one_time_notification: 'one-time notification',
    private_reply: 'private reply',
    news_subscription: 'news subscription',
    customer_feedback: 'customer feedback',
    sponsored_message: 'sponsored message',
  },
  words: {
    allowed: 'May be sent',
    refused: 'May not be sent',
    via: 'via',
    why: 'Why',
    instead: 'What you can do',
    notes: 'Good to know',
    window: 'Window',
    windowOpenUntil: 'open until {at}',
    windowClosed: 'closed since {at}',
    windowNever: 'never opened',
    promotional: 'Promotional',
    yes: 'yes',
    no: 'no',
    signals: 'signals',
    rules: 'Rules',
    today: 'today at {time}',
    tomorrow: 'tomorrow at {time}',
    yesterday: 'yesterday at {time}',
    on: 'on {date} at {time}',
    since: 'since',
    until: 'until',
    uncertain: 'uncertain',
    source: 'source',
    timelineTitle: 'Messenger rules timeline',
  },
  facts: {
    required: 'is required',
    expected_instant:
      'expected an ISO 8601 instant with a time zone (e.g. 2026-11-25T12:00:00Z) or epoch milliseconds',
    expected_country: 'expected a two-letter country code (ISO 3166-1), e.g. ES',
    expected_tag: 'expected a tag name in capitals, e.g. HUMAN_AGENT',
    expected_comment_or_post: 'needs a commentId or a postId',
    expected_boolean: 'expected true or false',
    expected_string: 'expected text',
    expected_object: 'expected an object',
    expected_array: 'expected a list',
    expected_number: 'expected a number',
    expected_one_of: 'expected one of: {values}',
    invalid_json: 'is not valid JSON: {detail}',
    before_horizon: 'no rules are modelled before {day}',
    unknown_rule: 'there is no rule with the id {id}',
    invalid_rules: 'expected a day (2026-04-27), an ISO instant or a rule-set id (messenger-2026-04-27)',
  },
};
