// A real program for the runtime's tests: SQLite (the amalgamation from the npm package
// better-sqlite3, fetched by scripts/install-deps.sh) building and querying a database.
//
//   sqlite_demo [ROWS [DATABASE]]      (defaults: 2000 rows, ":memory:")
//
// Prints the answers of a few queries, one per line, the same on every conforming platform (the
// tests compare it with a native build's). On any SQLite error it prints "sqlite error N: TEXT"
// and exits with 1: running out of memory (a store's --max-memory) must end that way.
#include <stdio.h>
#include <stdlib.h>

#include "sqlite3.h"

static int print_row(void* unused, int columns, char** values, char** names) {
  (void)unused;
  (void)names;
  for (int i = 0; i < columns; i++) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static int run(sqlite3* db, const char* sql) {
  char* message = NULL;
  const int rc = sqlite3_exec(db, sql, print_row, NULL, &message);
  if (rc != SQLITE_OK) {
    printf("sqlite error %d: %s\n", rc, message ? message : sqlite3_errstr(rc));
    sqlite3_free(message);
  }
  return rc;
}

int main(int argc, char** argv) {
  const long rows = argc > 1 ? atol(argv[1]) : 2000;
  const char* path = argc > 2 ? argv[2] : ":memory:";
  sqlite3* db = NULL;
  int rc = sqlite3_open(path, &db);
  if (rc != SQLITE_OK) {
    printf("sqlite error %d: %s\n", rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return 1;
  }
  // Sorts and indexes of large tables spill to temporary files, which a sandboxed guest has no
  // directory for: keep them in memory, as in every run of this program.
  char* insert = sqlite3_mprintf(
      "pragma temp_store = memory;"
      "create table item(id integer primary key, name text, grp integer, price real);"
      "with recursive n(x) as (select 1 union all select x + 1 from n where x < %ld)"
      "  insert into item select x, printf('item-%%05d-%%s', x, hex(x * 7919 %% 65536)),"
      "    x %% 17, (x * 37 %% 1000) / 10.0 from n;"
      "create index item_grp on item(grp, price);"
      "create table grp(id integer primary key, label text);"
      "with recursive g(x) as (select 0 union all select x + 1 from g where x < 16)"
      "  insert into grp select x, 'group ' || x from g;",
      rows);
  rc = insert ? run(db, insert) : SQLITE_NOMEM;
  sqlite3_free(insert);
  if (rc == SQLITE_NOMEM && insert == NULL) printf("sqlite error %d: %s\n", rc, sqlite3_errstr(rc));
  if (rc == SQLITE_OK) rc = run(db, "select count(*), sum(id), printf('%.1f', sum(price)) from item;");
  if (rc == SQLITE_OK) {
    rc = run(db,
             "select g.label, count(*), printf('%.2f', avg(i.price)), max(i.name) from item i"
             " join grp g on g.id = i.grp group by g.id order by g.id limit 5;");
  }
  if (rc == SQLITE_OK) {
    rc = run(db, "select name from item where grp = 3 and price > 50 order by price desc, id limit 3;");
  }
  if (rc == SQLITE_OK) rc = run(db, "delete from item where id % 3 = 0; select count(*) from item;");
  if (rc == SQLITE_OK) rc = run(db, "pragma integrity_check;");
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : 1;
}
