package io.tandem.controller.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.tandem.controller.testsupport.PostgresTestServer.Database;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresTestServerTest {

    private static PostgresTestServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresTestServer.shared();
    }

    @Test
    void isARealPostgresqlServer() throws SQLException {
        Database database = server.createDatabase("postgres_test_server_version");

        try (Connection connection = connect(database); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT version()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).startsWith("PostgreSQL ");
        }
        assertThat(PostgresTestServer.shared()).isSameAs(server);
    }

    @Test
    void tablesCanBeCreatedAndQueried() throws SQLException {
        Database database = server.createDatabase("postgres_test_server_tables");

        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE node (id bigint PRIMARY KEY, name text NOT NULL)");
            statement.execute("INSERT INTO node VALUES (1, 'alpha'), (2, 'beta')");
            try (ResultSet result = statement.executeQuery("SELECT name FROM node WHERE id = 2")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString("name")).isEqualTo("beta");
            }
        }
    }

    @Test
    void databasesAreEmptyAndIndependent() throws SQLException {
        Database first = server.createDatabase("postgres_test_server_first");
        Database second = server.createDatabase("postgres_test_server_second");
        assertThat(first.jdbcUrl()).isEqualTo(server.jdbcUrl("postgres_test_server_first"))
                .startsWith("jdbc:postgresql://127.0.0.1:");

        try (Connection connection = connect(first); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id int)");
            statement.execute("INSERT INTO only_in_first VALUES (1)");
        }

        assertThat(userTableCount(first)).isEqualTo(1);
        assertThat(userTableCount(second)).isZero();
        try (Connection connection = connect(second); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM only_in_first"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void aDatabaseNameCanBeUsedOnlyOnce() {
        server.createDatabase("postgres_test_server_once");

        assertThatThrownBy(() -> server.createDatabase("postgres_test_server_once"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void rejectsNamesThatWouldNeedQuoting() {
        assertThatThrownBy(() -> server.createDatabase("Tests; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long userTableCount(Database database) throws SQLException {
        String query = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";
        try (Connection connection = connect(database); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Connection connect(Database database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }
}
