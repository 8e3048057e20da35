/* term.c: the width of the terminal people read (term.h). */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"

size_t
ayni_term_width(int fd)
{
    struct winsize ws;
    long cols = 0;
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        cols = ws.ws_col;
    const char *env = getenv("COLUMNS");
    if (!cols && env && *env) {
        char *end;
        cols = strtol(env, &end, 10);
        cols = *end || cols < 0 ? 0 : cols;
    }
    if (cols > 0 && cols < AYNI_MIN_COLUMNS)
        cols = AYNI_MIN_COLUMNS;
    return (size_t)cols;
}
