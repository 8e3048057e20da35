/* testutil.h: small helpers shared by the unit tests (temporary folders, running tools). */
#ifndef AYNI_TESTUTIL_H
#define AYNI_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* A new empty folder under $TMPDIR (or /tmp); the caller frees the path.  Aborts on failure. */
char *tu_tmpdir(void);
/* Remove a folder and everything in it; frees nothing. */
void tu_rmtree(const char *path);
/* path/name as a new string. */
char *tu_path(const char *dir, const char *name);
/* Run a shell command; its standard output as a new string (NULL if it could not be run).
 * *status gets the exit status (or -1) when status is not NULL. */
char *tu_run(const char *cmd, int *status);
/* True if the command exists on the PATH. */
bool tu_have(const char *program);

#endif
