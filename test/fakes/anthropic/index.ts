/** Public entry of the fake Anthropic Messages API (see test/fakes/README.md). */
export {
  startFakeAnthropic,
  type FakeAnthropic,
  type FakeAnthropicOptions,
  type RecordedAnthropicRequest,
  type RecordedMessagesBody,
  type RequestOutcome,
} from './fake-anthropic.js';
export {
  anthropicSteps,
  type AnthropicErrorType,
  type ContentBlockSpec,
  type DisconnectStep,
  type ErrorStep,
  type MessageStep,
  type Step,
  type StopReason,
  type StreamErrorStep,
  type TextBlockSpec,
  type ToolUseBlockSpec,
  type UsageSpec,
} from './script.js';
