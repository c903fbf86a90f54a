package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CsvRows: RFC 4180 lines, guarded against CSV injection")
class CsvRowsTest {

  private static String line(CsvRows row) {
    Buffer out = Buffer.buffer();
    int written = row.end(out);
    assertThat(written).as("bytes reported").isEqualTo(out.length());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("separates fields with commas and ends the line with CRLF")
  void plainLine() {
    assertThat(line(new CsvRows().text("a").text("b c").number(3L).bool(true))).isEqualTo("a,b c,3,true\r\n");
  }

  @Test
  @DisplayName("quotes a field holding a comma, a double quote, CR or LF, doubling its quotes")
  void quotesWhenNeeded() {
    assertThat(CsvRows.cell("x,y")).isEqualTo("\"x,y\"");
    assertThat(CsvRows.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvRows.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(CsvRows.cell("a\rb")).isEqualTo("\"a\rb\"");
    assertThat(CsvRows.cell("semi;colon and 'single'")).isEqualTo("semi;colon and 'single'");
  }

  @Test
  @DisplayName("writes null and empty text as an empty field")
  void emptyFields() {
    assertThat(line(new CsvRows().text(null).text("").text("x"))).isEqualTo(",,x\r\n");
  }

  @Test
  @DisplayName("puts a ' before text that starts with = + - @ TAB or CR (OWASP), and quotes it when it must")
  void guardsFormulas() {
    assertThat(CsvRows.cell("=1+1")).isEqualTo("'=1+1");
    assertThat(CsvRows.cell("+49 30")).isEqualTo("'+49 30");
    assertThat(CsvRows.cell("-2")).isEqualTo("'-2");
    assertThat(CsvRows.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(CsvRows.cell("\tcmd")).isEqualTo("'\tcmd");
    assertThat(CsvRows.cell("\rcmd")).isEqualTo("\"'\rcmd\"");
    assertThat(CsvRows.cell("=HYPERLINK(\"http://x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    assertThat(CsvRows.cell("a=b")).as("only the first character counts").isEqualTo("a=b");
  }

  @Test
  @DisplayName("leaves numbers and booleans it writes itself as they are, negative ones included")
  void numbersAreNotText() {
    assertThat(line(new CsvRows().number(-3L).number(2.5).number((Number) Integer.valueOf(-1)).bool(false)))
        .isEqualTo("-3,2.5,-1,false\r\n");
  }

  @Test
  @DisplayName("encodes UTF-8 and counts bytes, not characters")
  void utf8() {
    Buffer out = Buffer.buffer();
    int written = new CsvRows().text("Zoë").text("日本").end(out);
    assertThat(written).isEqualTo("Zoë,日本\r\n".getBytes(StandardCharsets.UTF_8).length);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Zoë,日本\r\n");
  }

  @Test
  @DisplayName("reuses the line: each end starts a new one")
  void linesFollowEachOther() {
    CsvRows rows = new CsvRows();
    Buffer out = Buffer.buffer();
    rows.text("a").end(out);
    rows.text("b").number(1L).end(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\r\nb,1\r\n");
  }

  @Test
  @DisplayName("names export files in ASCII: the course title, the kind and the date")
  void filenames() {
    LocalDate day = LocalDate.of(2031, 5, 1);
    assertThat(CourseExports.filename("Algebra I – Période 3", "gradebook", day))
        .isEqualTo("algebra-i-periode-3-gradebook-2031-05-01.csv");
    assertThat(CourseExports.filename("\"; rm -rf /", "answers", day)).isEqualTo("rm-rf-answers-2031-05-01.csv");
    assertThat(CourseExports.filename("日本語", "answers", day)).isEqualTo("answers-2031-05-01.csv");
    assertThat(CourseExports.filename("x".repeat(200), "answers", day)).hasSize(60 + "-answers-2031-05-01.csv".length());
  }
}
