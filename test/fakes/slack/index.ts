/** Public entry of the fake Slack: Web API server, signed sender, payload builders (see test/fakes/README.md). */
export {
  startFakeSlack,
  type FakeSlack,
  type FakeSlackOptions,
  type RecordedSlackCall,
  type SeedMessage,
} from './fake-slack.js';
export type {
  SlackMessage,
  SlackState,
  SlackView,
  AssistantThreadState,
  EphemeralMessage,
  Reaction,
} from './slack-state.js';
export {
  FAKE_WORKSPACE,
  createChannel,
  createImChannel,
  createUser,
  type SlackChannel,
  type SlackUser,
} from './workspace.js';
export {
  checkSlackSignature,
  computeSlackSignature,
  slackFormEncode,
  slackFormEncodeValue,
  type SignatureProblem,
} from './signing.js';
export {
  sendSignedEvent,
  sendSignedInteraction,
  sendSignedRequest,
  sendSignedSlashCommand,
  signedHeaders,
  type SignedRequestOptions,
  type SignedResponse,
} from './signed-sender.js';
export {
  appHomeOpenedEvent,
  appMentionEvent,
  assistantThreadStartedEvent,
  botMessageEvent,
  channelMessageEvent,
  eventCallback,
  imMessageEvent,
  nextEventId,
  nextEventTs,
  richTextBlocks,
  urlVerificationPayload,
  type EnvelopeOptions,
  type EventCallbackPayload,
  type MessageOptions,
} from './event-payloads.js';
export {
  blockActionsPayload,
  nextTriggerId,
  plainTextValue,
  slashCommandFields,
  staticSelectValue,
  viewSubmissionPayload,
  type BlockActionsOptions,
  type SlashCommandOptions,
  type ViewStateValue,
  type ViewSubmissionOptions,
} from './interaction-payloads.js';
