/* store_checkpoint.c: copying the write-ahead log back into the database in a thread of
 * its own.
 *
 * SQLite checkpoints in the commit that takes the log past 1,000 pages: that commit then
 * reads the log and writes and syncs the database file before it returns, and the request
 * waiting on it (aynid has one thread) waits too.  With a checkpointer, the commit only
 * notes the log's size; a thread with its own connection runs a PASSIVE checkpoint, which
 * never blocks the writer and is never blocked by it.  Durability does not change: a
 * commit is durable once its log frames are synced, checkpointed or not.
 *
 * The log starts again from its beginning only when a write transaction begins on a log
 * that is wholly checkpointed.  Under a steady load the writer begins its next
 * transaction before the thread is done, every time, and the log would grow without end.
 * So once it passes S_CHECKPOINT_WRITER pages the writer checkpoints after its commit as
 * SQLite would, which is cheap then: the thread has copied nearly everything.
 */
#include <pthread.h>
#include <stdlib.h>

#include "mem.h"
#include "store_int.h"

#define S_CHECKPOINT_PAGES 1000   /* as SQLite's own automatic checkpoint */
#define S_CHECKPOINT_WRITER 4000  /* then the writer finishes the job */

struct core__checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *db;   /* the thread's own connection */
    bool due;      /* the log passed S_CHECKPOINT_PAGES since the last checkpoint */
    bool stop;
};

/* Called by SQLite in the writer's thread after every commit. */
static int
s_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct core__checkpointer *c = arg;
    if (pages >= S_CHECKPOINT_WRITER)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    else if (pages >= S_CHECKPOINT_PAGES) {
        pthread_mutex_lock(&c->mu);
        c->due = true;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

static void *
s_run(void *arg)
{
    struct core__checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->stop && !c->due)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->due = false;
        pthread_mutex_unlock(&c->mu);
        /* A failure (a full disk, say) leaves the log longer; the next one catches up. */
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

int
core_store_checkpoint_in_background(core_store_t *s)
{
    core__clear_error(s);
    if (s->checkpointer)
        return 0;
    struct core__checkpointer *c = xcalloc(1, sizeof *c);
    const char *path = sqlite3_db_filename(s->db, "main");
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    /* A connection learns that the file is in WAL mode when it first reads it: before
     * that, a checkpoint on it does nothing. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = core__fail(s, AYNI_ESTORAGE, NULL, "cannot open '%s' for checkpoints: %s", path,
                        c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return rc;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, s_run, c) != 0) {
        sqlite3_close(c->db);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return core__fail(s, AYNI_EINTERNAL, NULL, "cannot start the checkpoint thread");
    }
    s->checkpointer = c;
    sqlite3_wal_hook(s->db, s_wal_hook, c); /* replaces the automatic checkpoint */
    return 0;
}

void
core__checkpointer_stop(core_store_t *s)
{
    struct core__checkpointer *c = s->checkpointer;
    if (!c)
        return;
    sqlite3_wal_autocheckpoint(s->db, S_CHECKPOINT_PAGES); /* the writer's own again */
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
    s->checkpointer = NULL;
}
