package io.learngrid.persistence;

import io.learngrid.bus.ai.AiUsage;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One batch of usage rows summed per roll-up key: (day, model), (day, user), (week, user) and
 * (month, user), each
 * as the parameter rows of its upsert ({@code key, key, requests, promptTokens, completionTokens,
 * cost}), in key order: day or month, then model or user (no owner first).
 */
record AiUsageRollUps(List<Tuple> dailyModels, List<Tuple> dailyUsers, List<Tuple> weeklyUsers,
                      List<Tuple> monthlyUsers) {

  private static final Comparator<Key> ORDER = Comparator.comparing(Key::day)
      .thenComparing(Key::user, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(Key::model, Comparator.nullsFirst(Comparator.naturalOrder()));

  static AiUsageRollUps of(List<AiUsage> entries) {
    Map<Key, Sums> dailyModels = new TreeMap<>(ORDER);
    Map<Key, Sums> dailyUsers = new TreeMap<>(ORDER);
    Map<Key, Sums> weeklyUsers = new TreeMap<>(ORDER);
    Map<Key, Sums> monthlyUsers = new TreeMap<>(ORDER);
    for (AiUsage usage : entries) {
      LocalDate day = Instant.ofEpochMilli(usage.at()).atOffset(ZoneOffset.UTC).toLocalDate();
      UUID user = AiUsageStore.uuid(usage.userId());
      dailyModels.computeIfAbsent(new Key(day, null, AiUsageStore.model(usage)), k -> new Sums()).add(usage);
      dailyUsers.computeIfAbsent(new Key(day, user, null), k -> new Sums()).add(usage);
      weeklyUsers.computeIfAbsent(new Key(day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), user, null),
          k -> new Sums()).add(usage);
      monthlyUsers.computeIfAbsent(new Key(day.withDayOfMonth(1), user, null), k -> new Sums()).add(usage);
    }
    return new AiUsageRollUps(tuples(dailyModels, false), tuples(dailyUsers, true), tuples(weeklyUsers, true),
        tuples(monthlyUsers, true));
  }

  private static List<Tuple> tuples(Map<Key, Sums> sums, boolean byUser) {
    List<Tuple> rows = new ArrayList<>(sums.size());
    sums.forEach((key, s) -> rows.add(Tuple.from(new Object[] {
        key.day(), byUser ? key.user() : key.model(), s.requests, s.promptTokens, s.completionTokens, s.cost})));
    return rows;
  }

  /** user or model is null in the roll-ups keyed by the other; a null user is usage without an owner. */
  private record Key(LocalDate day, UUID user, String model) {}

  private static final class Sums {
    long requests;
    long promptTokens;
    long completionTokens;
    BigDecimal cost = BigDecimal.ZERO;

    void add(AiUsage usage) {
      requests++;
      promptTokens += usage.promptTokens();
      completionTokens += usage.completionTokens();
      // Rounded as the raw row's numeric(14, 6) column rounds it, so the sums agree to the digit.
      cost = cost.add(BigDecimal.valueOf(usage.cost()).setScale(6, RoundingMode.HALF_UP));
    }
  }
}
