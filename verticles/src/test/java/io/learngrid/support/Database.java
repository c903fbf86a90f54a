package io.learngrid.support;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Direct SQL on the tests' PostgreSQL, for states the API cannot reach on purpose (a token past
 * its expiry, an account whose role changed).
 */
public final class Database {

  private Database() {}

  /** The first column of the first row of a query (a count, say), or null when there is no row. */
  public static Object value(String sql, Object... parameters) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (var rows = statement.executeQuery()) {
        return rows.next() ? rows.getObject(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
    }
  }

  /** A JDBC connection of the tests' database, for a test that holds a transaction open (a row lock). */
  public static Connection connect() throws SQLException {
    PgConnectOptions db = PgConnectOptions.fromUri(TestServices.postgresUrl());
    Properties properties = new Properties();
    properties.setProperty("user", db.getUser());
    if (db.getPassword() != null) {
      properties.setProperty("password", db.getPassword());
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase(), properties);
  }

  /** Runs one statement with {@code parameters} bound in order; returns the rows it changed. */
  public static int update(String sql, Object... parameters) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
    }
  }
}
