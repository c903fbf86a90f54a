package io.learngrid.bus.ai;

import io.learngrid.bus.BusError;

/**
 * How {@code learngrid.ai.chat} and {@code learngrid.ai.chat.stream} say that content moderation
 * (LEARNGRID_AI_MODERATION) flagged a chat: failure code {@link #FLAGGED} (422, which these addresses
 * use for nothing else) with one of the details below. The http role answers it as 422 problem+json
 * on {@code /api/v1/ai/chat}, and as OpenAI's {@code content_filter} error on {@code /v1}.
 */
public final class ChatModeration {

  public static final BusError FLAGGED = BusError.UNPROCESSABLE;
  public static final String FLAGGED_INPUT = "the message was flagged by content moderation";
  public static final String FLAGGED_OUTPUT = "the reply was flagged by content moderation";

  private ChatModeration() {}
}
