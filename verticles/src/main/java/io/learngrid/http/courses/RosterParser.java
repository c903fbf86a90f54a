package io.learngrid.http.courses;

import io.learngrid.bus.courses.ImportRoster;
import io.learngrid.bus.courses.ImportRoster.RowError;
import io.learngrid.bus.courses.ImportRoster.Student;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.contract.StorableText;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A roster upload read into rows. What makes the whole upload unreadable (not UTF-8, not CSV, no
 * {@code email} or {@code displayName} column, more than {@link ImportRoster#MAX_ROWS} rows) is a
 * 400; a row that is wrong on its own (no email, a name too long, an email given twice) is
 * reported by its line in the job's result and the others are imported, as a teacher fixing a
 * spreadsheet would want.
 */
final class RosterParser {

  private static final int MAX_NAME = 100;
  private static final int MAX_EMAIL = 254;
  // Spreadsheets write a header that is "Email" or "email"; the BOM is Excel's "CSV UTF-8".
  private static final CSVFormat CSV = CSVFormat.RFC4180.builder()
      .setHeader().setSkipHeaderRecord(true).setIgnoreHeaderCase(true).setIgnoreEmptyLines(true).setTrim(true)
      .setAllowMissingColumnNames(true).get();

  /** The rows found, and the ones refused. */
  record Roster(List<Student> students, List<RowError> rejected) {}

  private final List<Student> students = new ArrayList<>();
  private final List<RowError> rejected = new ArrayList<>();
  private final Map<String, Integer> seen = new HashMap<>();

  private RosterParser() {}

  /** A {@code text/csv} body (UTF-8, optionally with a BOM); runs on a worker thread. */
  static Roster csv(Buffer body) {
    String text = utf8(body);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    RosterParser roster = new RosterParser();
    try (CSVParser parser = CSV.parse(new StringReader(text))) {
      List<String> header = parser.getHeaderNames();
      if (!containsIgnoringCase(header, "email") || !containsIgnoringCase(header, "displayName")) {
        throw new ProblemException(400, "the CSV's first row must name the columns email and displayName");
      }
      Lines lines = new Lines(text);
      for (CSVRecord record : parser) {
        roster.count();
        roster.add(lines.at(record.getCharacterPosition()), record.isSet("email") ? record.get("email") : null,
            record.isSet("displayName") ? record.get("displayName") : null);
      }
    } catch (UncheckedIOException | IOException | IllegalArgumentException | IllegalStateException e) {
      throw new ProblemException(400, "the body is not readable as CSV: " + e.getMessage());
    }
    return roster.done();
  }

  /** A JSON body {@code {students: [{email, displayName}]}} (its shape checked by the contract). */
  static Roster json(Input input) {
    RosterParser roster = new RosterParser();
    List<Input> items = input.objects("students");
    input.validate();
    for (Input item : items) {
      roster.count();
      roster.add(roster.students.size() + roster.rejected.size() + 1, item.optionalText("email"),
          item.optionalText("displayName"));
    }
    return roster.done();
  }

  private void count() {
    if (students.size() + rejected.size() >= ImportRoster.MAX_ROWS) {
      throw new ProblemException(400, "a roster has at most " + ImportRoster.MAX_ROWS + " rows");
    }
  }

  private void add(int line, String rawEmail, String rawName) {
    String problem = problem(rawEmail, rawName);
    if (problem != null) {
      rejected.add(new RowError(line, problem));
      return;
    }
    String email = rawEmail.trim().toLowerCase(Locale.ROOT);
    Integer first = seen.putIfAbsent(email, line);
    if (first != null) {
      rejected.add(new RowError(line, "the email is on line " + first + " already"));
      return;
    }
    students.add(new Student(line, email, rawName.trim()));
  }

  private static String problem(String email, String name) {
    if (email == null || email.isBlank()) {
      return "email is missing";
    }
    String unstorable = StorableText.problem(email);
    if (unstorable != null) {
      return "email " + unstorable;
    }
    String trimmed = email.trim();
    if (trimmed.length() > MAX_EMAIL || !Input.EMAIL.matcher(trimmed).matches()) {
      return "email is not an email address";
    }
    if (name == null || name.isBlank()) {
      return "displayName is missing";
    }
    unstorable = StorableText.problem(name);
    if (unstorable != null) {
      return "displayName " + unstorable;
    }
    String trimmedName = name.trim();
    if (trimmedName.codePointCount(0, trimmedName.length()) > MAX_NAME) {
      return "displayName is longer than " + MAX_NAME + " characters";
    }
    return null;
  }

  private Roster done() {
    if (students.isEmpty() && rejected.isEmpty()) {
      throw new ProblemException(400, "the roster has no rows");
    }
    return new Roster(List.copyOf(students), List.copyOf(rejected));
  }

  /** The line (1-based) a character of the text is on, for positions asked in increasing order. */
  private static final class Lines {
    private final String text;
    private int position;
    private int line = 1;

    Lines(String text) {
      this.text = text;
    }

    int at(long characterPosition) {
      int end = (int) Math.min(characterPosition, text.length());
      for (; position < end; position++) {
        char c = text.charAt(position);
        // CRLF, LF and a lone CR each end one line.
        if (c == '\n' || c == '\r' && (position + 1 >= text.length() || text.charAt(position + 1) != '\n')) {
          line++;
        }
      }
      return line;
    }
  }

  private static boolean containsIgnoringCase(List<String> names, String wanted) {
    return names.stream().anyMatch(wanted::equalsIgnoreCase);
  }

  private static String utf8(Buffer body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw new ProblemException(400, "the CSV must be UTF-8");
    }
  }
}
