package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/** One message of a chat, in OpenAI's roles: system, user, assistant. */
public record ChatMessage(String role, String content) implements BusMessage {}
