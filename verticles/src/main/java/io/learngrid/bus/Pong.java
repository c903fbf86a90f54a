package io.learngrid.bus;

/** Reply to {@link Ping}: {@code status} is UP or DOWN; {@code detail} says why when DOWN. */
public record Pong(String status, String detail) implements BusMessage {
  public static Pong up() {
    return new Pong("UP", null);
  }

  public static Pong down(String detail) {
    return new Pong("DOWN", detail);
  }
}
