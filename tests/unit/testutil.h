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
/* The whole of file rel of the source tree ($AYNI_SOURCE_DIR/rel, which CTest sets),
 * NUL-terminated, as a new string.  Aborts, saying which, if it cannot be read. */
char *tu_doc(const char *rel);
/* The text just after the line "```name" of doc (a Markdown fenced block), or NULL. */
const char *tu_block(const char *doc, const char *name);

#endif
